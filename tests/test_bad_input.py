"""Bad input is refused with its file and line (issue 14; contracts.md "Bad input"): numbers
as plain decimal only, inconsistent counts, line numbers after quoted line breaks, dates
and flags typed strictly, a repeated column, a bad setting, JSON nested too deep, a number
too large for the store and a full disk: each exits 2 (or answers 4xx) with a clear
message, never a traceback or a raw SQL statement, and changes nothing."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
from sqlalchemy import event
from typer.testing import CliRunner

from finder.world import token_for
from scaleup.cli.main import app
from scaleup.store import db

runner = CliRunner()
LADS = ("E06000001", "E06000002", "E06000003")
AREA = "E37000034"


def inputs(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "geography.csv").write_text(
        "lad_code,lad_name,area_code,area_name\n"
        + "".join(f"{code},LAD {code[-1]},{AREA},Tees\n" for code in LADS)
    )
    (folder / "population.csv").write_text(
        "lad_code,year,population\n"
        + "".join(f"{c},{y},{100000 + y}\n" for c in LADS for y in range(2014, 2020))
    )
    return {"geography": folder / "geography.csv", "population": folder / "population.csv"}


def compute(folder: Path, **source: Path) -> tuple[int, list[str], Path]:
    files = inputs(folder)
    out = folder / "out"
    argv = ["compute", "--population", str(files["population"]), "--geography",
            str(files["geography"]), "--out", str(out), "--quiet"]  # fmt: skip
    for key, path in source.items():
        argv += [f"--{key}", str(path)]
    result = runner.invoke(app, argv)
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr.splitlines(), out


def panel_with(folder: Path, cell: str, *, note: str | None = None) -> Path:
    """A panel whose enterprise 3 has ``cell`` as its 2016 employees (line 22)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["enterprise_id,year,lad_code,employees,turnover"]
    for e in range(30):
        for y in range(2014, 2020):
            employees = cell if (e, y) == (3, 2016) else str(10 + e + y - 2014)
            lines.append(f"E{e:04d},{y},{LADS[e % 3]},{employees},{100 + y}")
    if note is not None:
        lines = [line + ("," + (note if n == 1 else "x") if n else ",note")
                 for n, line in enumerate(lines)]  # fmt: skip
    path = folder / "panel.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("cell", ["0x1000", "0X10", "1e3", "1_000", "4.0", "٣", "5 5"])
def test_panel_numbers_are_plain_decimal_only(tmp_path: Path, cell: str) -> None:
    code, err, out = compute(tmp_path, panel=panel_with(tmp_path, cell))
    assert code == 2
    assert err == [f"error: panel.csv:22: employees: '{cell}' is not a whole number"]
    assert not out.exists()


def test_line_numbers_count_quoted_line_breaks(tmp_path: Path) -> None:
    panel = panel_with(tmp_path, "-3", note='"two\nlines"')
    code, err, _ = compute(tmp_path, panel=panel)
    assert code == 2
    # the quoted value on line 2 spans two lines: the bad row is on line 23, not 22
    assert err == ["error: panel.csv:23: employees: '-3' is negative"]
    assert panel.read_text().splitlines()[22].startswith("E0003,2016,")


def counts_file(folder: Path, rows: dict[tuple[str, int], str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["lad_code,year,employment,turnover,both"]
    for code in LADS:
        for year in (2017, 2018, 2019):
            lines.append(f"{code},{year}," + rows.get((code, year), "5,6,2"))
    path = folder / "counts.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_counts_with_both_above_employment_or_turnover_are_refused(tmp_path: Path) -> None:
    counts = counts_file(tmp_path, {(LADS[0], 2018): "5,9,7", (LADS[2], 2019): "8,4,6"})
    code, err, out = compute(tmp_path, counts=counts)
    assert code == 2 and not out.exists()
    assert err == [
        "error: counts.csv:3: both: '7' is more than employment (5) on the same row",
        "error: counts.csv:10: both: '6' is more than turnover (4) on the same row",
    ]


def test_negative_counts_are_refused(tmp_path: Path) -> None:
    counts = counts_file(tmp_path, {(LADS[1], 2017): "-5,6,2"})
    code, err, _ = compute(tmp_path, counts=counts)
    assert code == 2 and err == ["error: counts.csv:5: employment: '-5' is negative"]


def test_a_full_disk_is_a_clear_exit_2_and_writes_nothing(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from scaleup import pipeline

    def full(tables, stage):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device", str(stage / "lad_year.csv"))

    monkeypatch.setattr(pipeline, "_write_into", full)
    code, err, out = compute(tmp_path, counts=counts_file(tmp_path, {}))
    assert code == 2 and len(err) == 1
    assert err[0].startswith("error: ") and "lad_year.csv: no space left" in err[0]
    assert not out.exists() and not list(tmp_path.glob(".out.staging-*"))


def test_a_full_store_is_a_clear_exit_2_without_sql(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The store fills up during an import (SQLite's max_page_count stands in for a full
    disk): exit 2, no SQL statement, no traceback."""
    made = db.make_engine

    def small_store(url: str):  # type: ignore[no-untyped-def]
        engine = made(url)

        @event.listens_for(engine, "connect")
        def _cap(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_connection.execute("PRAGMA max_page_count=60")

        return engine

    monkeypatch.setattr(db, "make_engine", small_store)
    big = tmp_path / "big.json"
    big.write_text(json.dumps([
        {"id": f"p{n}", "name": f"Programme {n}", "provider": "P", "summary": "S " * 200,
         "url": "https://example.org/", "support_types": ["advice"], "areas": ["UK"]}
        for n in range(400)
    ]))  # fmt: skip
    result = runner.invoke(app, ["finder", "import", str(big), "-w", str(tmp_path), "-q"])
    assert result.exit_code == 2, result.output
    assert "no space left" in result.stderr
    for raw in ("INSERT", "SELECT", "[SQL", "Traceback", "sqlite3"):
        assert raw not in result.output


def test_a_memory_limit_that_is_not_a_size_names_the_key(tmp_path: Path) -> None:
    config = tmp_path / "scaleup.toml"
    config.write_text('[engine]\nmemory_limit = "lots"\n')
    files = inputs(tmp_path)
    result = runner.invoke(app, ["compute", "--counts", str(counts_file(tmp_path, {})),
                                 "--population", str(files["population"]), "--geography",
                                 str(files["geography"]), "--out", str(tmp_path / "out"),
                                 "--config", str(config)])  # fmt: skip
    assert result.exit_code == 2
    assert "engine.memory_limit" in result.stderr and "'lots' is not a memory size" in result.stderr


def test_employees_too_large_is_a_usage_error(tmp_path: Path) -> None:
    huge = "99999999999999999999999"
    result = runner.invoke(app, ["finder", "search", "x", "--employees", huge, "-w", str(tmp_path)])
    assert result.exit_code == 2 and "--employees" in result.output


# --- the finder's directory ---------------------------------------------------------------

HEADER = "id,name,provider,summary,url,support_types,areas"
ROW = "p1,One,P,S,https://example.org/,advice,UK"


def import_file(tmp_path: Path, name: str, text: str) -> tuple[int, list[str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["finder", "import", str(path), "-w", str(tmp_path), "-q"])
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr.splitlines()


def test_directory_with_a_repeated_column_is_refused(tmp_path: Path) -> None:
    code, err = import_file(tmp_path, "d.csv", HEADER + ",name\n" + ROW + ",Two\n")
    assert code == 2 and err == ["error: d.csv:1: column 'name' appears twice"]


def test_directory_lines_count_quoted_line_breaks(tmp_path: Path) -> None:
    text = HEADER + "\n" + ROW.replace(",S,", ',"two\nlines",') + "\np2,Two,P,S,nope,advice,UK\n"
    code, err = import_file(tmp_path, "d.csv", text)
    assert code == 2 and len(err) == 1 and err[0].startswith("error: d.csv:4: url: ")


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("starts", "0", "expected a date as YYYY-MM-DD, got '0'"),
        ("starts", 0, "expected a date as YYYY-MM-DD, got 0"),
        ("min_employees", True, "expected a whole number, got True"),
        ("min_employees", "1_000", "expected a whole number in plain digits, got '1_000'"),
        ("min_employees", "0x10", "expected a whole number in plain digits, got '0x10'"),
        ("min_employees", 2.0, "expected a whole number, got 2.0"),
        ("retired", 1, "expected true or false, got 1"),
    ],
)
def test_directory_values_are_typed_strictly(tmp_path: Path, field: str, value, words) -> None:  # type: ignore[no-untyped-def]
    record = {"id": "p1", "name": "One", "provider": "P", "summary": "S",
              "url": "https://example.org/", "support_types": ["advice"],
              "areas": ["UK"]}  # fmt: skip
    code, err = import_file(tmp_path, "d.json", json.dumps([record | {field: value}]))
    assert code == 2 and err == [f"error: d.json: row 1: {field}: {words}"]


def test_json_nested_too_deep_is_bad_input(tmp_path: Path) -> None:
    code, err = import_file(tmp_path, "d.json", "[" * 100_000 + "]" * 100_000)
    assert code == 2 and err == ["error: d.json: is not a directory: its JSON is nested too deeply"]


def test_json_nested_too_deep_is_a_4xx_from_the_api(finder_app, finder_client) -> None:  # type: ignore[no-untyped-def]
    token = token_for(finder_app.state.scaleup.sessions, "editor@example.org")
    body = '{"name": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = finder_client.post(
        "/api/v1/programmes",
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 500, response.status_code
