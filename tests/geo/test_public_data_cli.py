"""`scaleup import ...` as a user runs it: contract files, the what-changed report, bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from scaleup.cli.main import app
from scaleup.config import load_settings
from scaleup.pipeline import InputFiles, compute_review
from scaleup.workspace import read_datasets

runner = CliRunner()


def read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def test_public_data_writes_three_contract_files_on_one_vintage(tmp_path: Path) -> None:
    out = tmp_path / "inputs"
    result = runner.invoke(
        app, ["import", "public-data", "--areas", "lep2021", "--vintage", "2021",
              "--years", "2017-2019", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "LAD codes mapped forward to vintage 2021: 27 old codes" in result.stdout
    assert "years 2017-2019 (edition used per year: 2017: 2022, 2018: 2023, 2019: 2024)" in (
        result.stdout
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "changes.json", "changes.md", "counts.csv", "geography.csv", "population.csv",
        "sources.toml",
    ]  # fmt: skip
    # the datasets used, each by title, edition, release date and table, with its years
    cited = read_datasets(out / "sources.toml")
    counts_cited = [(d.title, d.released.isoformat() if d.released else None, d.years)
                    for d in cited if d.role == "counts"]  # fmt: skip
    assert counts_cited == [
        ("Business demography, UK: 2022", "2023-11-22", "2017"),
        ("Business demography, UK: 2023", "2024-11-18", "2018"),
        ("Business demography, UK: 2024", "2025-11-20", "2019"),
    ]
    assert all(d.tables and d.tables.startswith("Table 7.1") for d in cited if d.role == "counts")
    (population,) = [d for d in cited if d.role == "population"]
    assert population.released is not None and population.vintage
    assert "counts.csv" not in (out / "sources.toml").read_text(encoding="utf-8")
    counts = read(out / "counts.csv")
    assert list(counts[0]) == ["lad_code", "year", "employment", "controlled"]
    assert {r["controlled"] for r in counts} == {"true"}
    geography = read(out / "geography.csv")
    d2n2 = {r["lad_code"] for r in geography if r["area_code"] == "E37000045"}
    assert sum(int(r["employment"]) for r in counts if r["lad_code"] in d2n2 and
               r["year"] == "2019") == 365  # fmt: skip
    # Northamptonshire's districts (2017-2019 codes) are counted in the 2021 unitaries
    north = {r["year"]: r["employment"] for r in counts if r["lad_code"] == "E06000061"}
    assert set(north) == {"2017", "2018", "2019"}
    population = read(out / "population.csv")
    assert len(population) == 374 * 3 and len(counts) == 374 * 3
    report = json.loads((out / "changes.json").read_text(encoding="utf-8"))
    mapped = {m["old_code"]: m["new_code"] for m in report["codes_mapped"]}
    assert mapped["E07000150"] == "E06000061" and mapped["E06000028"] == "E06000058"
    assert report["vintage"] == 2021 and report["lads_by_year"] == {
        "2017": 391, "2018": 391, "2019": 382
    }  # fmt: skip
    assert {r["lad_code"] for r in report["retired_lads"]} >= {"E06000028", "E07000190"}
    text = (out / "changes.md").read_text(encoding="utf-8") + json.dumps(report)
    assert str(Path.cwd()) not in text and "/src/" not in text  # no machine's paths


def test_compute_takes_the_files_and_keeps_lads_in_no_area_in_the_uk_median(
    tmp_path: Path,
) -> None:
    """The geography lists Welsh/Scottish/NI LADs with an empty area: compute accepts them,
    counts them in the median and in no area's totals."""
    (tmp_path / "counts.csv").write_text(
        "lad_code,year,employment,controlled\n"
        "E06000015,2019,50,true\nE06000018,2019,10,true\nW06000001,2019,40,true\n",
        encoding="utf-8",
    )
    (tmp_path / "population.csv").write_text(
        "lad_code,year,population\n"
        "E06000015,2019,100000\nE06000018,2019,100000\nW06000001,2019,100000\n",
        encoding="utf-8",
    )
    (tmp_path / "geography.csv").write_text(
        "lad_code,lad_name,area_code,area_name,area_type,vintage\n"
        "E06000015,Derby,E37000045,D2N2,lep,2021\n"
        "E06000018,Nottingham,E37000045,D2N2,lep,2021\n"
        "W06000001,Isle of Anglesey,,,,2021\n",
        encoding="utf-8",
    )
    files = InputFiles(
        population=tmp_path / "population.csv",
        geography=tmp_path / "geography.csv",
        counts=tmp_path / "counts.csv",
    )
    tables = compute_review(files, load_settings(environ={}, cwd=tmp_path))
    compare = tables.lad_compare[tables.lad_compare["measure"] == "employment"]
    assert set(compare["density_median"].astype(float)) == {40.0}  # median of 50, 10, 40
    assert len(tables.lad_year) == 3
    area = tables.area_year
    assert list(area["area_code"]) == ["E37000045"] and int(area["employment"].iloc[0]) == 60
    assert int(tables.area_summary["density_above_employment"].iloc[0]) == 1


def test_bad_input_is_reported_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "inputs"
    out.mkdir()
    (out / "counts.csv").write_text("kept as it was\n", encoding="utf-8")
    before = snapshot(out)
    cases = [
        (["--years", "2016-2019"], "no high-growth figures for 2016 (years in the files: 2017"),
        (["--years", "2017-2024"], "E06000063 (Cumberland) in 2024: it was created in 2023"),
        (["--areas", "county"], "--areas: expected one of ['combined_authority', 'lep2021'"),
        (["--vintage", "2019", "--years", "2019"], "cannot be taken back to vintage 2019"),
        (["--vintage", "1999"], "vintage: expected a year from 2014 to 2025"),
        (["--years", "2019-2017"], "--years: 2019 is after 2017"),
    ]
    for extra, message in cases:
        result = runner.invoke(app, ["import", "public-data", "--out", str(out), *extra])
        assert result.exit_code == 2, (extra, result.output)
        assert message in result.stderr, (extra, result.stderr)
        assert "Traceback" not in result.output
        assert snapshot(out) == before
    assert list(tmp_path.iterdir()) == [out]  # no staging folder left behind


def small_workbook(path: Path, rows: dict[str, list], years: list[int], edition: int) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Cover"
    book.active.append([f"Business Demography {edition}"])
    sheet = book.create_sheet("Table 7.1a")
    sheet.append(["Table 7.1a - Count Of High Growth Enterprises"])
    sheet.append([None, None, *years])
    for code, values in rows.items():
        sheet.append([code, f"LAD {code}", *values])
    book.save(path)
    return path


def test_ons_business_demography_from_workbooks(tmp_path: Path) -> None:
    old = small_workbook(
        tmp_path / "bd2022.xlsx", {"E07000150": [10, 15], "E07000151": [5, 5]}, [2018, 2019], 2022
    )
    new = small_workbook(tmp_path / "bd2024.xlsx",
                         {"E07000150": [20], "E07000151": [5]}, [2019], 2024)  # fmt: skip
    out = tmp_path / "counts.csv"
    result = runner.invoke(
        app, ["import", "ons-business-demography", str(old), str(new), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "figures revised by a later edition: 1" in result.stdout
    assert "LAD codes kept as published" in result.stdout
    assert read(out) == [
        {"lad_code": "E07000150", "year": "2018", "employment": "10", "controlled": "true"},
        {"lad_code": "E07000150", "year": "2019", "employment": "20", "controlled": "true"},
        {"lad_code": "E07000151", "year": "2018", "employment": "5", "controlled": "true"},
        {"lad_code": "E07000151", "year": "2019", "employment": "5", "controlled": "true"},
    ]
    report = json.loads((tmp_path / "counts.changes.json").read_text(encoding="utf-8"))
    assert report["revisions"] == [
        {"year": 2019, "lad_code": "E07000150", "lad_name": "LAD E07000150", "edition": 2022,
         "value": 15, "edition_latest": 2024, "value_latest": 20}
    ]  # fmt: skip
    assert "Figures revised by a later edition" in (tmp_path / "counts.changes.md").read_text()
    # A vintage asks for every LAD of the UK: two districts are not a UK table
    result = runner.invoke(
        app, ["import", "ons-business-demography", str(new), "--vintage", "2021",
              "--out", str(tmp_path / "mapped.csv")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "no high-growth figure for E06000015 in 2019" in result.stderr
    assert not (tmp_path / "mapped.csv").exists()


def test_ons_business_demography_bad_input_writes_nothing(tmp_path: Path) -> None:
    good = small_workbook(tmp_path / "bd.xlsx", {"E07000150": [10]}, [2019], 2024)
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.save(tmp_path / "other.xlsx")
    out = tmp_path / "counts.csv"
    for args, message in [
        ([str(tmp_path / "other.xlsx")], "not the ONS Business Demography layout"),
        ([str(good), "--years", "2018-2019"], "no high-growth figures for 2018"),
        ([str(tmp_path / "missing.xlsx")], "missing.xlsx: no such file"),
    ]:
        result = runner.invoke(app, ["import", "ons-business-demography", *args, "--out", str(out)])
        assert result.exit_code == 2, result.output
        assert message in result.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["bd.xlsx", "other.xlsx"]


def test_geography_and_population_commands(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["import", "geography", "--areas", "combined_authority", "--vintage", "2024",
              "--out", str(tmp_path / "ca.csv")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = read(tmp_path / "ca.csv")
    assert {r["vintage"] for r in rows} == {"2024"}
    assert len({r["area_code"] for r in rows if r["area_code"]}) == 11
    result = runner.invoke(
        app, ["import", "population", "--vintage", "2021", "--years", "2019-2020",
              "--out", str(tmp_path / "pop.csv")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(read(tmp_path / "pop.csv")) == 374 * 2
    result = runner.invoke(
        app, ["import", "population", "--years", "2021", "--out", str(tmp_path / "p2.csv")]
    )
    assert result.exit_code == 2
    # one line that says where the later years are, not one line per LAD
    assert result.stderr.splitlines() == [
        "error: scaleup/data/population/ons_mye_lad21_2001_2020.csv: population on vintage "
        "2021 ends in 2020, the years asked for run to 2021; the shipped estimates to 2024 "
        "are on April 2023 LAD codes: use --vintage 2023 or later (or give --population "
        "FILE --population-vintage YEAR)"
    ]
    assert not (tmp_path / "p2.csv").exists()
    result = runner.invoke(
        app, ["import", "population", "--vintage", "2025", "--years", "2017-2024",
              "--out", str(tmp_path / "p3.csv")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = read(tmp_path / "p3.csv")
    assert len(rows) == 361 * 8  # every UK LAD of 2025, one revised series for every year
    by = {(r["lad_code"], r["year"]): int(r["population"]) for r in rows}
    assert by[("E08000035", "2019")] == 804_640  # Leeds, revised (SOURCES.md s. 2.6)
    assert by[("E08000038", "2024")] > 0  # Barnsley under its 2025 code


def test_compute_refuses_an_area_code_without_a_name(tmp_path: Path) -> None:
    (tmp_path / "counts.csv").write_text(
        "lad_code,year,employment,controlled\nE06000015,2019,50,true\n", encoding="utf-8"
    )
    (tmp_path / "population.csv").write_text(
        "lad_code,year,population\nE06000015,2019,100000\n", encoding="utf-8"
    )
    (tmp_path / "geography.csv").write_text(
        "lad_code,lad_name,area_code,area_name\nE06000015,Derby,E37000045,\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["compute", "--out", str(out)]
        + [f"--{k}={tmp_path / k}.csv" for k in ("counts", "population", "geography")],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "area_code and area_name must both be given, or both be empty" in result.stderr
    assert not out.exists()


def test_the_report_holds_no_absolute_path_and_names_the_population(tmp_path: Path) -> None:
    mine = tmp_path / "elsewhere" / "my-areas.csv"
    mine.parent.mkdir()
    mine.write_text(
        "lad_code,area_code,area_name\nE06000015,X1,Derby and friends\n"
        "E06000018,X1,Derby and friends\n",
        encoding="utf-8",
    )
    out = tmp_path / "inputs"
    result = runner.invoke(
        app, ["import", "public-data", "--areas", str(mine), "--vintage", "2025",
              "--years", "2021-2024", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for name in ("changes.json", "changes.md"):
        text = (out / name).read_text(encoding="utf-8")
        assert str(tmp_path) not in text and "/work/" not in text
    report = json.loads((out / "changes.json").read_text(encoding="utf-8"))
    assert report["areas"] == "my-areas.csv"
    assert report["population"].startswith(
        "scaleup/data/population/ons_mye_lad23_2001_2024.csv: ONS mid-year population "
        "estimates, the revised series of September 2025"
    )
    assert "differ from those first published" in report["population"]
    assert report["years"] == [2021, 2022, 2023, 2024]
