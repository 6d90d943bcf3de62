"""Settings: one model, four layers, exact growth rates, errors that name the key."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from scaleup.config import load_settings, settings_markdown, settings_table
from scaleup.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_the_methodology_defaults(tmp_path: Path) -> None:
    s = load_settings(environ={}, cwd=tmp_path)
    assert s.metrics.growth_rate == Fraction(1, 5) and s.metrics.window == 3
    assert s.metrics.min_employees == 10 and s.metrics.trend == "endpoints"
    assert s.metrics.trend_years == 4
    assert (s.publication.threshold, s.publication.rounding) == (10, 5)
    assert s.engine.backend == "duckdb"


def test_precedence_defaults_toml_environment_flags(tmp_path: Path) -> None:
    write(tmp_path / "scaleup.toml", "[metrics]\nwindow = 4\nmin_employees = 5\ntrend_years = 5\n")
    env = {"SCALEUP_METRICS__MIN_EMPLOYEES": "6", "HOME": "/root"}
    s = load_settings(environ=env, cwd=tmp_path, overrides={"metrics": {"trend_years": 3}})
    assert s.metrics.window == 4  # from the file
    assert s.metrics.min_employees == 6  # the environment beats the file
    assert s.metrics.trend_years == 3  # a flag beats both
    assert s.metrics.growth_rate == Fraction(1, 5)  # default kept


def test_config_flag_names_the_file(tmp_path: Path) -> None:
    other = write(tmp_path / "other.toml", '[engine]\nbackend = "spark"\n')
    write(tmp_path / "scaleup.toml", '[engine]\nbackend = "duckdb"\n')
    assert load_settings(other, environ={}, cwd=tmp_path).engine.backend == "spark"


@pytest.mark.parametrize("text", ["1/5", "0.2", "0.20", "20%", 0.2])
def test_growth_rate_is_held_exactly(text: object) -> None:
    s = load_settings(environ={}, overrides={"metrics": {"growth_rate": text}}, cwd=Path("/"))
    assert s.metrics.growth_rate == Fraction(1, 5)
    assert s.model_dump(mode="json")["metrics"]["growth_rate"] == "1/5"


@pytest.mark.parametrize(
    ("toml", "names"),
    [
        ('[metrics]\ngrowth_rate = "0"\n', "metrics.growth_rate"),
        ('[metrics]\ngrowth_rate = "fast"\n', "metrics.growth_rate"),
        ("[metrics]\nwindow = 0\n", "metrics.window"),
        ('[metrics]\nwindow = "three"\n', "metrics.window"),
        ('[metrics]\ntrend = "linear"\n', "metrics.trend"),
        ("[metrics]\nwindw = 3\n", "metrics.windw"),
        ("[publication]\nthreshold = -1\n", "publication.threshold"),
        ('[engine]\nbackend = "polars"\n', "engine.backend"),
        ("[colour]\nred = 1\n", "colour"),
        ("[metrics\nwindow = 3\n", "not valid TOML"),
    ],
)
def test_bad_settings_name_the_key(tmp_path: Path, toml: str, names: str) -> None:
    path = write(tmp_path / "bad.toml", toml)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    (line,) = caught.value.render()
    assert line.startswith("error: ") and names in line
    assert "bad.toml" in line


def test_bad_environment_value_names_the_key() -> None:
    with pytest.raises(ConfigError, match="metrics.window"):
        load_settings(environ={"SCALEUP_METRICS__WINDOW": "soon"}, cwd=Path("/"))


def test_unknown_environment_key_is_an_error_naming_it() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"SCALEUP_METRICS__WINDW": "3"}, cwd=Path("/"))
    (line,) = caught.value.render()
    assert "metrics.windw: unknown setting" in line and "environment" in line


def test_missing_config_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_settings(tmp_path / "none.toml", environ={})


def test_workspace_tables_are_not_settings(tmp_path: Path) -> None:
    write(tmp_path / "scaleup.toml", '[review]\ntitle = "T"\n[inputs]\ncounts = "c.csv"\n')
    assert load_settings(environ={}, cwd=tmp_path).metrics.window == 3


def test_the_settings_page_is_generated_from_the_model() -> None:
    page = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert page == settings_markdown(), "run: scaleup settings --markdown > docs/settings.md"
    for key, *_ in settings_table():
        assert f"| {key} |" in page


def test_a_bad_sources_file_is_refused_naming_each_problem(tmp_path: Path) -> None:
    # [inputs] sources: every problem of its [[dataset]] records at once, never a crash
    from scaleup.errors import InputError
    from scaleup.workspace import load_workspace

    (tmp_path / "data").mkdir()
    for name in ("counts.csv", "population.csv", "geography.csv"):
        (tmp_path / "data" / name).write_text("x\n")
    (tmp_path / "data" / "sources.toml").write_text(
        '[[dataset]]\nrole = "counts"\ntitle = "T"\npublisher = "P"\nreleased = "soon"\n'
        '[[dataset]]\nrole = "weather"\ntitle = "T"\npublisher = "P"\nmade_by = "me"\n',
        encoding="utf-8",
    )
    (tmp_path / "scaleup.toml").write_text(
        '[review]\nyear = 2021\nnext_update = "2022"\n[inputs]\ncounts = "data/counts.csv"\n'
        'population = "data/population.csv"\ngeography = "data/geography.csv"\n'
        'sources = "data/sources.toml"\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_workspace(tmp_path)
    found = [p.render() for p in caught.value.problems()]
    assert len(found) == 3, found
    assert any("dataset 1: released" in line for line in found)
    assert any("dataset 2: role" in line for line in found)
    assert any("dataset 2: made_by: unknown key" in line for line in found)
    (tmp_path / "data" / "sources.toml").write_text("[[dataset]\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        load_workspace(tmp_path)
