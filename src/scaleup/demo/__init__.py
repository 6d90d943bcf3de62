"""The demo review: two editions of the ScaleUp Annual Review rebuilt from public ONS data.

The demo is a review workspace shipped in this folder: ``scaleup.toml`` lists its editions,
``workspace/`` (the 2021 edition: LEP 2021 areas, figures to 2019) and ``edition2026/`` (the
2026 edition: combined authorities and English regions on the April 2025 geography, figures
to 2024). Each edition's ``data/`` holds contract files prepared from the public data in
:mod:`scaleup.data` by its command in :data:`PREPARE_COMMANDS` (:func:`prepare_demo_inputs`
does the same from Python). Two steps:

1. :func:`build_demo_data` computes each edition's four published tables from its inputs
   (``pipeline.compute_review``) and writes them with ``pipeline.write_tables``;
2. :func:`build_demo_site` builds the site and its store from those tables
   (``publish.build``); :func:`run_demo` then loads the finder's starter directory and
   serves it (``web.serve``).
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

REVIEW = Path(__file__).resolve().parent
"""The demo review's workspace (its ``scaleup.toml`` lists the editions)."""
WORKSPACE = REVIEW / "workspace"
"""The 2021 edition."""
WORKSPACE_2026 = REVIEW / "edition2026"
"""The 2026 edition."""
FIRST_YEAR = 2017
"""The first LAD year ONS publishes."""
EDITIONS = {  # folder -> (area sets, LAD vintage)
    "workspace": ("lep2021", 2021),
    "edition2026": ("combined_authority,region", 2025),
}


def prepare_command(folder: str, end_year: int) -> str:
    """The one command that makes an edition's input files."""
    areas, vintage = EDITIONS[folder]
    return (
        f"scaleup import public-data --areas {areas} --vintage {vintage} "
        f"--years {FIRST_YEAR}-{end_year} --out src/scaleup/demo/{folder}/data"
    )


PREPARE_COMMANDS = {"workspace": prepare_command("workspace", 2019),
                    "edition2026": prepare_command("edition2026", 2024)}  # fmt: skip
"""Each edition's command (its end year is its ``[review] end_year``)."""
PREPARE_COMMAND = PREPARE_COMMANDS["workspace"]


def demo_workspace(folder: Path | None = None) -> Workspace:
    from scaleup.workspace import load_workspace

    return load_workspace(folder or WORKSPACE)


def demo_editions() -> list[Workspace]:
    """The demo's editions, oldest first."""
    return [demo_workspace(WORKSPACE), demo_workspace(WORKSPACE_2026)]


def prepare_demo_inputs(out_dir: Path, folder: Path | None = None):
    """Write an edition's contract input files (and changes.md/json) into ``out_dir``
    (default: the 2021 edition's).

    The years run from the first public year to the edition's ``[review] end_year``.
    """
    from scaleup.public_data import Years, prepare_public_data

    workspace = demo_workspace(folder)
    areas, vintage = EDITIONS[workspace.root.name]
    prepared = prepare_public_data(
        [], areas=areas, vintage=vintage, years=Years(FIRST_YEAR, workspace.end_year)
    )
    prepared.write(out_dir)
    return prepared


def build_demo_data(
    out_dir: Path,
    *,
    on_step: Callable[[str], None] | None = None,
    workspace: Workspace | None = None,
) -> ReviewTables:
    """An edition's four published tables (+ meta.json) in ``out_dir`` (default: the 2021
    edition's); returns ReviewTables."""
    from scaleup.pipeline import InputFiles, compute_review, write_tables

    workspace = workspace or demo_workspace()
    settings = load_settings(workspace.config_file, environ={})
    tables = compute_review(InputFiles.of(workspace), settings, on_step=on_step)
    end_years = tables.meta.end_years
    if workspace.end_year is not None and end_years and end_years[-1] != workspace.end_year:
        raise InputError(
            Problem(
                str(workspace.config_file),
                f"review.end_year is {workspace.end_year} but the prepared inputs end in "
                f"{end_years[-1]}; re-run: "
                f"{prepare_command(workspace.root.name, workspace.end_year)}",
            )
        )
    write_tables(tables, Path(out_dir))
    return tables


def build_demo_site(
    editions: list[tuple[Workspace, ReviewTables]], out: Path
) -> tuple[Settings, Engine]:
    """The demo's site in ``out/site`` from each edition's computed tables; the store is a
    SQLite file in ``out`` (never in the package). Settings: development, a random per-run
    secret."""
    import secrets

    from scaleup.errors import InputError
    from scaleup.publish.build import prepare_edition, publish_editions, read_geography_of
    from scaleup.store import db

    settings = load_settings(
        REVIEW / "scaleup.toml",
        environ={},
        overrides={"environment": "development", "secret_key": secrets.token_urlsafe(48)},
    )
    engine = db.open_engine(None, out)
    prepared = []
    for ws, tables in editions:
        edition_settings = load_settings(ws.config_file, environ={})
        members, area_types = read_geography_of(ws, edition_settings)
        one = prepare_edition(
            ws, edition_settings, tables=tables, members=members, area_types=area_types
        )
        if one.plan.problems:
            raise InputError(one.plan.problems)
        prepared.append(one)
    publish_editions(engine, prepared, out / "site")
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
    """Build the demo into ``out`` (a new temporary folder when None): each edition's
    tables in ``out/data/EDITION/``, then ``out/site/`` and the store (statistics, content,
    the finder's starter directory); then serve it when asked."""
    out = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="scaleup-demo-"))
    editions = []
    for ws in demo_editions():
        folder = out / "data" / ws.edition
        editions.append((ws, build_demo_data(folder, on_step=on_step, workspace=ws)))
        if not quiet:
            say(f"wrote the {ws.edition} edition's published tables to {folder}")
    from scaleup.web.serve import serve as serve_site

    settings, engine = build_demo_site(editions, out)
    if not quiet:
        say(f"wrote the demo's site to {out / 'site'}")
    found = load_demo_directory(engine)
    if not quiet:
        say(f"loaded the support finder's starter directory ({found} programmes)")
    if serve:
        say(f"serving the demo review on http://127.0.0.1:{port}/ (Ctrl+C to stop)")
        serve_site(settings, engine, out, "127.0.0.1", port)
    return out
