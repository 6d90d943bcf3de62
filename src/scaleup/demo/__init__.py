"""The demo review: the ScaleUp Annual Review 2021 rebuilt from public ONS data.

The demo is a workspace shipped in ``workspace/``. Its ``data/`` holds contract files
prepared from the public data in :mod:`scaleup.data` by :data:`PREPARE_COMMAND`
(:func:`prepare_demo_inputs` does the same from Python). Two steps:

1. :func:`build_demo_data` computes the four published tables from the workspace inputs
   (``pipeline.compute_review``) and writes them with ``pipeline.write_tables``;
2. :func:`build_demo_site` builds the site and its store from those tables
   (``publish.build.build_site``); :func:`run_demo` then loads the finder's starter
   directory and serves it (``web.serve``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from scaleup.config import Settings, load_settings
from scaleup.errors import InputError, Problem

if TYPE_CHECKING:
    from scaleup.pipeline import ReviewTables
    from scaleup.workspace import Workspace

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
    from scaleup.public_data import Years, prepare_public_data

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
    settings = load_settings(workspace.config_file, environ={})
    tables = compute_review(InputFiles.of(workspace), settings, on_step=on_step)
    end_years = tables.meta.end_years
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


def build_demo_site(ws: Workspace, tables: ReviewTables, out: Path) -> tuple[Settings, Engine]:
    """The demo's site in ``out/site`` from its computed ``tables``; the store is a SQLite
    file in ``out`` (never in the package). Settings: development, a random per-run secret."""
    import secrets

    from scaleup.publish.build import build_site, geography_members
    from scaleup.store import db

    settings = load_settings(
        ws.config_file,
        environ={},
        overrides={"environment": "development", "secret_key": secrets.token_urlsafe(48)},
    )
    engine = db.open_engine(None, out)
    members = geography_members(ws, settings)
    build_site(ws, settings, engine, out / "site", tables=tables, members=members, strict=True)
    return settings, engine


def load_demo_directory(engine: Engine) -> int:
    """The starter directory of support programmes in the demo's store, for its finder."""
    from scaleup.store import db
    from scaleup.store.programmes import all_programmes, load_starter_directory

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
    from scaleup.web.serve import serve as serve_site

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
