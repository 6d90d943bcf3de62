"""`scaleup demo`: build the demo review from the public data shipped with the package."""

from __future__ import annotations

from pathlib import Path

import typer

from scaleup.cli.console import reports_errors, say, steps


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""

    @app.command("demo")
    @reports_errors
    def demo(
        out: Path | None = typer.Option(
            None, "--out", help="Folder to write into (default: a new temporary folder)."
        ),
        serve: bool = typer.Option(
            True, "--serve/--no-serve", help="Serve the review after building it."
        ),
        port: int = typer.Option(8000, "--port", help="Port to serve on (127.0.0.1)."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    ) -> None:
        """Build the demo review's two editions from real ONS data and serve them: 2021
        (LEP 2021 areas, figures to 2019) and 2026 (combined authorities and regions, 2025
        geography, figures to 2024).

        Examples:

            scaleup demo (build and serve on http://127.0.0.1:8000)

            scaleup demo --out review --no-serve (write review/site and review/data, then exit)
        """
        from scaleup.demo import EDITIONS, run_demo
        from scaleup.pipeline import STEPS

        with steps(len(STEPS) * len(EDITIONS), quiet) as progress:
            run_demo(
                out, serve=serve, port=port, quiet=quiet,
                say=lambda m: say(m, quiet), on_step=progress.step,
            )  # fmt: skip
