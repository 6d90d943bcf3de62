"""`scaleup finder`: import, export and search the support-programme directory."""

from __future__ import annotations

from pathlib import Path

import typer

from scaleup.cli.console import reports_errors, say

finder_app = typer.Typer(
    rich_markup_mode="markdown",
    name="finder",
    help="Import, export and search the scaleup support finder's directory of programmes.",
    no_args_is_help=True,
)

CONFIG = typer.Option(None, "--config", help="Settings file (scaleup.toml).")
WORKSPACE = typer.Option(
    Path("."), "--workspace", "-w", help="Workspace whose store to use (unless database_url)."
)


def open_store(config: Path | None, workspace: Path):
    """The migrated store of the settings (``database_url``) or of the workspace."""
    from scaleup.config import load_settings
    from scaleup.store import db

    settings = load_settings(config, cwd=workspace)
    engine = db.open_engine(settings.database_url, workspace)
    db.migrate(engine)
    return db.sessions(engine)


@finder_app.command("import")
@reports_errors
def import_(
    file: Path | None = typer.Argument(
        None, help="Directory file: .csv or .json (see docs/finder.md)."
    ),
    replace: bool = typer.Option(
        False, "--replace", help="Also remove the programmes that are not in FILE."
    ),
    starter: bool = typer.Option(
        False, "--starter", help="Ignore FILE's records: load the starter directory."
    ),
    config: Path | None = CONFIG,
    workspace: Path = WORKSPACE,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing on success."),
) -> None:
    """Add or update programmes from FILE; a bad record anywhere changes nothing (exit 2).

    Records are written in short batches, so the served site keeps answering during a large
    import; an import stopped halfway is completed by running it again.

    Example: scaleup finder import programmes.csv --workspace review/
    """
    from scaleup.errors import InputError, Problem
    from scaleup.finder.directory import STARTER, read_directory
    from scaleup.store.programmes import import_in_batches

    if (file is None) == (not starter):
        raise InputError(Problem(None, "give either FILE or --starter"))
    records = read_directory(STARTER if starter or file is None else file)
    sessions = open_store(config, workspace)
    summary = import_in_batches(sessions, records, actor="command line", replace=replace)
    say(f"imported {len(records)} programmes: {summary.describe()}", quiet)


@finder_app.command("export")
@reports_errors
def export(
    out: Path = typer.Option(..., "--out", help="File to write (replaced atomically)."),
    fmt: str = typer.Option("csv", "--format", help="csv, json or hsds (Open Referral UK)."),
    retired: bool = typer.Option(
        True, "--retired/--no-retired", help="Include retired programmes."
    ),
    config: Path | None = CONFIG,
    workspace: Path = WORKSPACE,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing on success."),
) -> None:
    """Write the directory as CSV, JSON or HSDS 3.0 services.

    Example: scaleup finder export --format hsds --out services.json
    """
    from scaleup.errors import InputError, Problem
    from scaleup.finder.directory import write_directory
    from scaleup.store import places, programmes

    if fmt not in ("csv", "json", "hsds"):
        raise InputError(
            Problem(
                None, f"expected one of ['csv', 'json', 'hsds'], got {fmt!r}", column="--format"
            )
        )
    sessions = open_store(config, workspace)
    with sessions() as session:
        records = programmes.all_programmes(session, include_retired=retired)
        names = places.place_names(session)
    write_directory(records, out, fmt, names)  # type: ignore[arg-type]
    say(f"wrote {len(records)} programmes to {out} ({fmt})", quiet)


@finder_app.command("search")
@reports_errors
def search(
    query: str = typer.Argument("", help="Words to look for (all must match)."),
    area: str | None = typer.Option(None, "--area", help="LAD or area code of the firm."),
    region: str | None = typer.Option(
        None, "--region", help="Region of the firm, e.g. E12000004 (East Midlands) or W92000004."
    ),
    sector: str | None = typer.Option(None, "--sector"),
    support: str | None = typer.Option(None, "--support", help="Support type, e.g. mentoring."),
    provider: str | None = typer.Option(None, "--provider"),
    employees: int | None = typer.Option(
        None, "--employees", min=0, max=10_000_000, help="The firm's size."
    ),
    limit: int = typer.Option(10, "--limit", min=1, max=100),
    config: Path | None = CONFIG,
    workspace: Path = WORKSPACE,
) -> None:
    """Search the directory as the finder does, best matches first.

    Example: scaleup finder search "leadership" --area E07000170
    """
    from scaleup.store import search

    sessions = open_store(config, workspace)
    with sessions() as session:
        page = search.search(
            session,
            search.SearchQuery(
                q=query, area=area, region=region, sector=sector, support=support,
                provider=provider, employees=employees, limit=limit,
            ),
        )  # fmt: skip
    for record in page.results:
        say(f"{record.id}\t{record.name}\t{record.provider}\t{', '.join(record.support_types)}")
    say(
        f"{page.total} programme(s) found"
        + (f", first {limit} shown" if page.total > limit else "")
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.add_typer(finder_app)
