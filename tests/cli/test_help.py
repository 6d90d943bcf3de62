"""Every command answers --help with what it does and at least one example."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from scaleup.cli.main import app


def _commands(group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:  # noqa: ANN001
    found = []
    for name, command in group.commands.items():
        path = (*prefix, name)
        if hasattr(command, "commands"):  # a group of commands (typer keeps its own click)
            found += _commands(command, path)
        else:
            found.append(path)
    return found


COMMANDS = _commands(typer.main.get_command(app))


def test_the_command_tree_is_complete() -> None:
    top = {path[0] for path in COMMANDS}
    assert {"compute", "import", "demo", "build", "serve", "impact", "finder", "users"} <= top
    assert {"init", "synth", "settings"} <= top


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_help_has_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: scaleup " + " ".join(path) in " ".join(result.output.split())
    assert "Example" in result.output, f"scaleup {' '.join(path)} --help has no example"
