"""`scaleup init`, `build` and `serve` as a user runs them: exit codes, messages, nothing
half-written."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from scaleup.cli.main import app

runner = CliRunner()


def test_init_then_strict_build_refuses_an_area_without_content(tmp_path: Path) -> None:
    ws = tmp_path / "review"
    made = runner.invoke(app, ["init", str(ws)])
    assert made.exit_code == 0, made.output
    assert (ws / "scaleup.toml").is_file() and len(list((ws / "content").glob("*.md"))) == 38
    again = runner.invoke(app, ["init", str(ws)])
    assert again.exit_code == 2 and "already exists and is not empty" in again.output

    (ws / "content" / "E37000045.md").unlink()
    broken = runner.invoke(app, ["build", "--workspace", str(ws), "--strict", "--quiet"])
    assert broken.exit_code == 2, broken.output
    assert "error: area E37000045 (Derby, Derbyshire, Nottingham and Nottinghamshire) has no " \
        "content file" in broken.output  # fmt: skip
    assert "Traceback" not in broken.output
    assert not (ws / "site").exists() and not (ws / "scaleup.sqlite").exists()


def test_build_of_a_folder_that_is_not_a_workspace(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", "--workspace", str(tmp_path)])
    assert result.exit_code == 2
    assert "scaleup.toml: no such file: is this a workspace?" in result.output


def test_bad_workspace_settings_are_all_reported(tmp_path: Path) -> None:
    (tmp_path / "scaleup.toml").write_text('[review]\nyear = "soon"\n[inputs]\nfoo = "x"\n')
    result = runner.invoke(app, ["build", "--workspace", str(tmp_path)])
    assert result.exit_code == 2
    for expected in ("review.year", "inputs.foo: unknown key", "inputs.population: missing"):
        assert expected in result.output


def test_serve_refuses_production_without_a_secret(tmp_path: Path) -> None:
    ws = tmp_path / "review"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    result = runner.invoke(app, ["serve", "--workspace", str(ws)], env={})
    assert result.exit_code == 2 and "secret_key" in result.output


def test_out_that_is_a_file_is_bad_input(tmp_path: Path) -> None:
    ws = tmp_path / "review"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    (tmp_path / "file").write_text("x")
    result = runner.invoke(app, ["build", "-w", str(ws), "--out", str(tmp_path / "file")])
    assert result.exit_code == 2 and "exists and is not a folder" in result.output
