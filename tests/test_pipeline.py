"""The pipeline's public interface: counts inputs, meta, and the files round trip."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from metrics.worlds import area, lad, population_for, write_csv
from scaleup.config import load_settings
from scaleup.errors import InputError
from scaleup.pipeline import InputFiles, compute_review, read_tables, write_tables
from scaleup.tables import AREA_SUMMARY, SUPPRESSED, TABLES

YEARS = range(2016, 2020)
LADS = [lad(i) for i in range(1, 5)]


def settings():
    return load_settings(environ={}, cwd=Path("/nonexistent"))


def counts_inputs(tmp_path: Path, header: list[str], rows: list[list]) -> InputFiles:
    tmp_path.mkdir(parents=True, exist_ok=True)
    pop = population_for(LADS, YEARS, random.Random(5))
    population = write_csv(
        tmp_path / "population.csv",
        ["lad_code", "year", "population"],
        [[k, y, p] for (k, y), p in sorted(pop.items())],
    )
    geography = write_csv(
        tmp_path / "geography.csv",
        ["lad_code", "lad_name", "area_code", "area_name"],
        [[x, f"D{x[-1]}", area(1), "One"] for x in LADS[:3]]
        + [[x, f"D{x[-1]}", area(2), "Two"] for x in LADS[2:]],
    )
    counts = write_csv(tmp_path / "counts.csv", header, rows)
    return InputFiles(population=population, geography=geography, counts=counts)


def test_employment_only_counts(tmp_path):
    rows = [[x, y, 10 + 3 * i + y - 2016, "", "true"] for i, x in enumerate(LADS) for y in YEARS]
    inputs = counts_inputs(
        tmp_path, ["lad_code", "year", "employment", "turnover", "controlled"], rows
    )
    t = compute_review(inputs, settings())
    assert t.meta.measures == ("employment",) and t.meta.supplier_controlled is True
    assert t.meta.end_years == tuple(YEARS)
    first = t.lad_year.iloc[0].to_dict()
    assert first["employment"] == 10  # passed through: not rounded to 5
    assert first["turnover"] is None and first["both"] is None and first["any"] is None
    assert first["density_turnover"] is None and first["density_any"] is None
    assert isinstance(first["density_employment"], float)
    comp = t.lad_compare[t.lad_compare.measure != "employment"]
    assert comp[["density", "trend", "density_above_median", "quadrant"]].isna().all().all()
    summary = t.area_summary.set_index("area_code")
    one = summary.loc[area(1)]
    assert one["density_above_turnover"] is None and one["trend_above_turnover"] is None
    assert one["density_share"] == one["density_above_employment"] / 3
    assert one["measures"] == "employment"
    assert list(t.area_summary.columns) == [*AREA_SUMMARY, "measures"]


def test_no_trend_in_the_data_leaves_trend_counts_empty_not_zero(tmp_path):
    # Three end years against a four-year trend window: no LAD has a trend, so the count
    # of LADs above the median trend is not available (the demo's 2016 gap), never 0.
    years = range(2017, 2020)
    rows = [[x, y, 10 + 3 * i + y - 2016, "true"] for i, x in enumerate(LADS) for y in years]
    inputs = counts_inputs(tmp_path, ["lad_code", "year", "employment", "controlled"], rows)
    t = compute_review(inputs, settings())
    assert t.lad_compare["trend"].isna().all()
    for _, row in t.area_summary.iterrows():
        assert row["density_above_employment"] is not None
        assert row["trend_above_employment"] is None
        assert row["trend_share"] is None and row["trend_rating"] is None


def test_controlled_counts_may_hold_c(tmp_path):
    rows = [[x, y, SUPPRESSED if x == LADS[0] else 25, "true"] for x in LADS for y in YEARS]
    inputs = counts_inputs(tmp_path, ["lad_code", "year", "employment", "controlled"], rows)
    t = compute_review(inputs, settings())
    lad1 = t.lad_year[t.lad_year.lad_code == LADS[0]]
    assert set(lad1["employment"]) == {SUPPRESSED}
    assert set(lad1["density_employment"]) == {SUPPRESSED}
    one = t.area_year[t.area_year.area_code == area(1)]
    assert set(one["employment"]) == {SUPPRESSED}  # a sum with an unknown part


def test_c_without_controlled_is_an_error(tmp_path):
    rows = [[x, y, SUPPRESSED if x == LADS[0] and y == 2017 else 25] for x in LADS for y in YEARS]
    inputs = counts_inputs(tmp_path, ["lad_code", "year", "employment"], rows)
    with pytest.raises(InputError) as err:
        compute_review(inputs, settings())
    assert err.value.render() == [
        "error: counts.csv:3: employment: '[c]' is only allowed when the file is controlled "
        "(a 'controlled' column saying true)"
    ]


def test_uncontrolled_counts_with_all_measures_are_disclosure_controlled(tmp_path):
    rows = [[x, y, 12, 33, 4] for x in LADS for y in YEARS]
    header = ["lad_code", "year", "employment", "turnover", "both"]
    t = compute_review(counts_inputs(tmp_path, header, rows), settings())
    assert t.meta.measures == ("employment", "turnover", "any")
    assert t.meta.supplier_controlled is False
    rec = t.lad_year.iloc[0]
    assert rec["both"] == SUPPRESSED and rec["employment"] == SUPPRESSED  # 4 < 10, then 12
    assert rec["turnover"] == 35 and rec["any"] == 40
    raw = compute_review(counts_inputs(tmp_path, header, rows), settings(), raw=True)
    assert raw.lad_year.iloc[0]["any"] == 12 + 33 - 4


def test_partly_empty_measure_is_an_error(tmp_path):
    rows = [[x, y, 12, 33 if y > 2016 else ""] for x in LADS for y in YEARS]
    inputs = counts_inputs(tmp_path, ["lad_code", "year", "employment", "turnover"], rows)
    with pytest.raises(InputError) as err:
        compute_review(inputs, settings())
    assert "turnover: missing value (other rows give turnover" in err.value.render()[0]


def test_write_and_read_back(tmp_path):
    rows = [[x, y, 12 + y - 2016, 33, 4] for x in LADS for y in YEARS]
    header = ["lad_code", "year", "employment", "turnover", "both"]
    t = compute_review(counts_inputs(tmp_path, header, rows), settings())
    out = tmp_path / "out"
    write_tables(t, out)
    back = read_tables(out)
    for name in TABLES:
        assert getattr(back, name).equals(getattr(t, name)), name
    assert back.meta == t.meta and back.area_trends == t.area_trends
    with open(out / "lad_compare.csv") as fh:
        text = fh.read()
    assert "true" in text or "false" in text
    assert "True" not in text and "nan" not in text.lower()
    with open(out / "lad_year.csv") as fh:
        first = next(csv.DictReader(fh))
    assert first["both"] == SUPPRESSED and first["density_any"] != ""


def test_write_is_atomic(tmp_path, monkeypatch):
    rows = [[x, y, 12, 33, 4] for x in LADS for y in YEARS]
    t = compute_review(
        counts_inputs(tmp_path, ["lad_code", "year", "employment", "turnover", "both"], rows),
        settings(),
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / "lad_year.csv").write_text("old\n")
    t.area_summary = None  # breaks the writer half-way
    with pytest.raises(AttributeError):
        write_tables(t, out)
    assert [p.name for p in out.iterdir()] == ["lad_year.csv"]
    assert (out / "lad_year.csv").read_text() == "old\n"


def test_on_step_reports_each_step(tmp_path):
    rows = [[x, y, 12] for x in LADS for y in YEARS]
    seen = []
    compute_review(
        counts_inputs(tmp_path, ["lad_code", "year", "employment"], rows),
        settings(),
        on_step=seen.append,
    )
    assert len(seen) == 4 and seen[0].startswith("Reading")


def test_lad_in_no_area_is_compared_but_in_no_area(tmp_path):
    rows = [[x, y, 10 * (i + 1), 20, 5] for i, x in enumerate(LADS) for y in YEARS]
    inputs = counts_inputs(tmp_path, ["lad_code", "year", "employment", "turnover", "both"], rows)
    write_csv(
        inputs.geography,
        ["lad_code", "lad_name", "area_code", "area_name"],
        [[x, f"D{x[-1]}", area(1), "One"] for x in LADS[:3]] + [[LADS[3], "D4", "", ""]],
    )
    t = compute_review(inputs, settings(), raw=True)
    assert set(t.lad_year["lad_code"]) == set(LADS)
    comp = t.lad_compare[t.lad_compare.measure == "employment"].set_index("lad_code")
    assert comp.loc[LADS[0], "density_median"] is not None
    assert list(t.area_summary["area_code"]) == [area(1)]
    one = t.area_year[t.area_year.year == 2019].iloc[0]
    assert one["employment"] == 10 + 20 + 30


def test_no_scratch_tables_left_in_a_callers_backend(tmp_path):
    from scaleup import engine

    con = engine.connect()
    rows = [[x, y, 12] for x in LADS for y in YEARS]
    inputs = counts_inputs(tmp_path, ["lad_code", "year", "employment"], rows)
    compute_review(inputs, settings(), backend=con)
    bad = counts_inputs(tmp_path / "bad", ["lad_code", "year", "employment"], [["x", 1, -1]])
    with pytest.raises(InputError):
        compute_review(bad, settings(), backend=con)
    assert con.raw_sql("select table_name from duckdb_tables()").fetchall() == []


def test_read_tables_reports_missing_and_bad_files(tmp_path):
    rows = [[x, y, 12] for x in LADS for y in YEARS]
    t = compute_review(
        counts_inputs(tmp_path, ["lad_code", "year", "employment"], rows), settings()
    )
    out = tmp_path / "out"
    write_tables(t, out)
    (out / "area_year.csv").unlink()
    text = (out / "lad_year.csv").read_text().splitlines()
    text[2] = text[2].replace(",2017,", ",20x7,")
    (out / "lad_year.csv").write_text("\n".join(text) + "\n")
    with pytest.raises(InputError) as err:
        read_tables(out)
    lines = err.value.render()
    assert any("area_year.csv: missing" in x for x in lines)
    assert any(x.startswith("error: lad_year.csv:3: not a number") for x in lines)
