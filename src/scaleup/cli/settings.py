"""`scaleup settings`: every setting, its default and the value in force here."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from scaleup.cli.console import reports_errors
from scaleup.config import load_settings, settings_markdown, settings_table


def register(app: typer.Typer) -> None:
    app.command("settings")(show_settings)


@reports_errors
def show_settings(
    config: Annotated[
        Path | None, typer.Option("--config", help="Settings file (default: ./scaleup.toml).")
    ] = None,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print docs/settings.md (the settings as Markdown).")
    ] = False,
) -> None:
    """Show every setting with its default and the value in force.

    Order of precedence: defaults < scaleup.toml (or --config) < SCALEUP_* environment
    variables (SCALEUP_SECTION__KEY, e.g. SCALEUP_METRICS__WINDOW=4) < command-line flags.

    Examples:

        scaleup settings --config review/scaleup.toml

        scaleup settings --markdown > docs/settings.md
    """
    if markdown:
        print(settings_markdown(), end="")
        return
    current = load_settings(config).model_dump(mode="json")
    table = Table("setting", "type", "default", "in force", "meaning")
    for key, kind, default, description in settings_table():
        value = current
        for part in key.split("."):
            value = value[part]
        shown = "(set)" if key == "secret_key" and value else repr(value)
        table.add_row(key, kind, default, shown, description)
    Console().print(table)
