"""The ``scaleup`` command: registers one module per command group (each thin)."""

from __future__ import annotations

import typer

from scaleup.cli import (
    compute,
    demo,
    finder,
    impact,
    importer,
    settings,
    site,
    synth,
    users,
)

app = typer.Typer(
    rich_markup_mode="markdown",
    name="scaleup",
    help="The annual review of local scaleup ecosystems: statistics, publication, website.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    """The annual review of local scaleup ecosystems: statistics, publication, website."""
    if version:
        from importlib.metadata import version as dist_version

        print(f"scaleup {dist_version('scaleup')}")
        raise typer.Exit(0)


for module in (compute, importer, demo, site, impact, finder, users, synth, settings):
    module.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
