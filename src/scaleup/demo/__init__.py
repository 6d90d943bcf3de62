"""The demo review: the ScaleUp Annual Review 2021 rebuilt from public ONS data.

The demo is a workspace shipped in ``workspace/``. Its ``data/`` holds contract files
prepared from the public data in :mod:`scaleup.data` by :data:`PREPARE_COMMAND`
(:func:`prepare_demo_inputs` does the same from Python). Two steps:

1. :func:`build_demo_data` computes the four published tables from the workspace inputs
   (``pipeline.compute_review``) and writes them with ``pipeline.write_tables``;
2. the site build and serving (added by the site's module), called by :func:`run_demo`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from scaleup.config import load_settings
from scaleup.errors import InputError, Problem

WORKSPACE = Path(__file__).resolve().parent / "workspace"
AREAS, VINTAGE, FIRST_YEAR = "lep2021", 2021, 2017
"""The demo's area set, LAD vintage and first year (the first LAD year ONS publishes)."""

PREPARE_COMMAND = (
    f"scaleup import public-data --areas {AREAS} --vintage {VINTAGE} "
    f"--years {FIRST_YEAR}-2019 --out src/scaleup/demo/workspace/data"
)
"""The one command that makes the demo's input files (2019 is ``[review] end_year``)."""


def demo_workspace():
    from scaleup.workspace import load_workspace

    return load_workspace(WORKSPACE)


def prepare_demo_inputs(out_dir: Path):
    """Write the demo's contract input files (and changes.md/json) into ``out_dir``.

    The years run from the first public year to the workspace's ``[review] end_year``.
    """
    from scaleup.geo.public_data import Years, prepare_public_data

    end_year = demo_workspace().end_year
    prepared = prepare_public_data(
        [], areas=AREAS, vintage=VINTAGE, years=Years(FIRST_YEAR, end_year)
    )
    prepared.write(out_dir)
    return prepared


def build_demo_data(out_dir: Path, *, on_step: Callable[[str], None] | None = None):
    """The demo's four published tables (+ meta.json) in ``out_dir``; returns ReviewTables."""
    from scaleup.pipeline import InputFiles, compute_review, write_tables

    workspace = demo_workspace()
    inputs = InputFiles(
        population=workspace.inputs["population"],
        geography=workspace.inputs["geography"],
        counts=workspace.inputs.get("counts"),
        panel=workspace.inputs.get("panel"),
    )
    settings = load_settings(workspace.config_file, environ={})
    tables = compute_review(inputs, settings, on_step=on_step)
    end_years = tables.meta.get("end_years") or []
    if workspace.end_year is not None and end_years and end_years[-1] != workspace.end_year:
        raise InputError(
            Problem(
                str(workspace.config_file),
                f"review.end_year is {workspace.end_year} but the prepared inputs end in "
                f"{end_years[-1]}; re-run: {PREPARE_COMMAND}",
            )
        )
    write_tables(tables, Path(out_dir))
    return tables


def load_demo_directory(engine: Engine) -> int:
    """The starter directory of support programmes in the demo's store, for its finder."""
    from scaleup.finder.directory import load_starter_directory
    from scaleup.store import db
    from scaleup.store.programmes import all_programmes

    with db.transaction(db.sessions(engine)) as session:
        load_starter_directory(session)
        return len(all_programmes(session, include_retired=False))


def run_demo(
    out: Path | None,
    *,
    serve: bool,
    port: int,
    quiet: bool,
    say: Callable[[str], None] = print,
    on_step: Callable[[str], None] | None = None,
) -> Path:
    """Build the demo into ``out`` (a new temporary folder when None): ``out/data/`` now,
    ``out/site/`` and the store (statistics, content, the finder's starter directory);
    then serve it when asked."""
    out = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="scaleup-demo-"))
    tables = build_demo_data(out / "data", on_step=on_step)
    if not quiet:
        say(f"wrote the demo's published tables to {out / 'data'}")
    from scaleup.publish.build import build_demo_site
    from scaleup.publish.build import serve as serve_site

    settings, engine = build_demo_site(demo_workspace(), tables, out)
    if not quiet:
        say(f"wrote the demo's site to {out / 'site'}")
    found = load_demo_directory(engine)
    if not quiet:
        say(f"loaded the support finder's starter directory ({found} programmes)")
    if serve:
        say(f"serving the demo review on http://127.0.0.1:{port}/ (Ctrl+C to stop)")
        serve_site(settings, engine, out, "127.0.0.1", port)
    return out
