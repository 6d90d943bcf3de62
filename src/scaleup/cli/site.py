"""`scaleup init`, `scaleup build`, `scaleup serve`: the review website from a workspace."""

from __future__ import annotations

from pathlib import Path

import typer

from scaleup.cli.console import reports_errors, say, steps

WORKSPACE_HELP = (
    "The workspace folder (with scaleup.toml, data/ and content/; or a review whose "
    "scaleup.toml lists its editions' folders under [editions])."
)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""

    @app.command("init")
    @reports_errors
    def init(
        folder: Path = typer.Argument(..., help="Folder to create (must be new or empty)."),
        geography: Path | None = typer.Option(
            None,
            "--geography",
            help="Start from this geography file (one content file per "
            "area) instead of a copy of the demo review.",
        ),  # fmt: skip
        title: str = typer.Option("ScaleUp Annual Review", "--title", help="The review's title."),
        year: int = typer.Option(2021, "--year", help="The edition's year."),
    ) -> None:
        """Make a workspace: scaleup.toml, data/ and content/ (one Markdown file per area).

        Examples:

            scaleup init review (a copy of the demo review to start from)

            scaleup init review --geography geography.csv --title "North Review" --year 2025
        """
        from scaleup.publish.starter import init_workspace

        made = init_workspace(folder, geography=geography, title=title, year=year)
        say(f"made the workspace {folder} ({made} content files); next: scaleup build "
            f"--workspace {folder}")  # fmt: skip

    @app.command("build")
    @reports_errors
    def build(
        workspace: Path = typer.Option(Path("."), "--workspace", "-w", help=WORKSPACE_HELP),
        out: Path | None = typer.Option(
            None, "--out", help="Site folder (default: WORKSPACE/site)."
        ),
        strict: bool = typer.Option(
            False,
            "--strict",
            help="Abort before writing anything on a broken link, a missing "
            "figure or an area without content.",
        ),  # fmt: skip
        quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    ) -> None:
        """Compute the statistics, store them with the content and write the static site.

        Examples:

            scaleup build --workspace review

            scaleup build --workspace review --strict --out public
        """
        from scaleup.errors import render_problems
        from scaleup.publish.build import STEPS, build_site

        ws, settings, engine = _open(workspace)
        with steps(len(STEPS), quiet) as progress:
            result = build_site(
                ws, settings, engine, out or ws.root / "site", strict=strict,
                on_step=progress.step,
            )  # fmt: skip
        for line in render_problems(result.warnings):
            say(line.replace("error:", "warning:", 1), quiet)
        say(f"wrote {result.pages} pages to {result.out}", quiet)

    @app.command("serve")
    @reports_errors
    def serve(
        workspace: Path = typer.Option(Path("."), "--workspace", "-w", help=WORKSPACE_HELP),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        port: int = typer.Option(8000, "--port", help="Port to listen on."),
    ) -> None:
        """Serve the review (built by `scaleup build`), the finder, the API and the admin.

        Examples:

            SCALEUP_SECRET_KEY="$(openssl rand -base64 48)" scaleup serve -w review --port 8000
        """
        from scaleup.publish.recovery import recover_site
        from scaleup.web.auth import check_secret
        from scaleup.web.serve import serve

        ws, settings, engine = _open(workspace)
        check_secret(settings)
        recover_site(engine, ws.root / "site")  # a build killed before its switch
        print(f"serving {ws.title} {ws.year} on http://{host}:{port}/", flush=True)
        serve(settings, engine, ws.root, host, port)


def _open(folder: Path):
    """The workspace (one edition, or a review of several), its settings (its top
    scaleup.toml < env) and the store's engine."""
    from scaleup.config import load_settings
    from scaleup.store import db
    from scaleup.workspace import load_review

    ws = load_review(folder)
    settings = load_settings(ws.config_file)
    engine = db.open_engine(settings.database_url, ws.root)
    return ws, settings, engine
