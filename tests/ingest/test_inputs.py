"""Reading and checking each input kind: every problem, with file, line and column."""

from __future__ import annotations

import time
from pathlib import Path

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from metrics.worlds import write_csv
from scaleup import engine
from scaleup.errors import InputError
from scaleup.ingest.counts import read_counts
from scaleup.ingest.geography import read_geography
from scaleup.ingest.panel import read_panel
from scaleup.ingest.population import read_population
from scaleup.ingest.reading import Findings


@pytest.fixture(scope="module")
def con():
    backend = engine.connect()
    yield backend
    backend.disconnect()


def problems(findings: Findings) -> list[str]:
    with pytest.raises(InputError) as err:
        findings.raise_if_any()
    return err.value.render()


def test_population_rules(con, tmp_path):
    path = write_csv(
        tmp_path / "population.csv",
        ["LAD_CODE", "Year", "population"],
        [
            ["E07000001", 2019, 100],
            ["E07000001", 2019, 100],
            ["E07000002", 2019, 0],
            ["E07000003", "2019.5", 10],
            ["E07000004", 1066, 10],
        ],
    )
    findings = Findings()
    read_population(path, con, findings)
    assert problems(findings) == [
        "error: population.csv:2, 3: duplicate population for E07000001 in 2019",
        "error: population.csv:4: population: '0' is not positive",
        "error: population.csv:5: year: '2019.5' is not a whole number",
        "error: population.csv:6: year: '1066' is outside 1900-2100",
    ]


def test_geography_rules(con, tmp_path):
    path = write_csv(
        tmp_path / "geo.csv",
        ["lad_code", "lad_name", "area_code", "area_name", "vintage"],
        [
            ["E07000001", "One", "A", "Area A", "2021"],
            ["E07000001", "One", "A", "Area A", "2021"],
            ["E07000002", "", "A", "Area A", "2020"],
        ],
    )
    findings = Findings()
    geo = read_geography(path, con, findings)
    assert problems(findings) == [
        "error: geo.csv: vintage: more than one vintage (2020, 2021): a review is built on "
        "one geography vintage",
        "error: geo.csv:2, 3: LAD E07000001 is listed twice in area A",
        "error: geo.csv:4: lad_name: missing value",
    ]
    assert geo is not None


def test_geography_lad_in_two_areas_and_vintage(con, tmp_path):
    path = write_csv(
        tmp_path / "geo.csv",
        ["lad_code", "lad_name", "area_code", "area_name", "area_type", "vintage"],
        [
            ["E07000001", "One", "A", "Area A", "lep", "2021"],
            ["E07000001", "One", "B", "Area B", "lep", "2021"],
            ["E07000002", "Two", "B", "Area B", "", "2021"],
        ],
    )
    findings = Findings()
    geo = read_geography(path, con, findings)
    assert not findings
    assert geo.vintage == "2021" and geo.lad_codes == ["E07000001", "E07000002"]
    assert list(geo.members["area_code"]) == ["A", "B", "B"]


def test_counts_rules(con, tmp_path):
    path = write_csv(
        tmp_path / "counts.csv",
        ["lad_code", "year", "employment", "turnover", "controlled"],
        [
            ["E07000001", 2019, 5, "", "true"],
            ["E07000002", 2019, "[c]", "", "false"],
            ["E07000002", 2019, "x", "", "maybe"],
        ],
    )
    findings = Findings()
    read_counts(path, con, findings)
    assert problems(findings) == [
        "error: counts.csv: controlled: mixes true and false: a file is controlled by its "
        "supplier or not",
        "error: counts.csv:3: employment: '[c]' is only allowed when the file is controlled "
        "(a 'controlled' column saying true)",
        "error: counts.csv:3, 4: duplicate counts for E07000002 in 2019",
        "error: counts.csv:4: controlled: 'maybe' is not true or false",
        "error: counts.csv:4: employment: 'x' is not a whole number",
    ]


def test_counts_measures_available(con, tmp_path):
    path = write_csv(
        tmp_path / "counts.csv",
        ["lad_code", "year", "employment", "turnover", "both"],
        [["E07000001", 2019, 5, 7, ""], ["E07000002", 2019, 6, 8, ""]],
    )
    findings = Findings()
    counts = read_counts(path, con, findings)
    assert not findings and counts.measures == ("employment", "turnover")
    assert not counts.controlled


def test_quoted_and_padded_values(con, tmp_path):
    path = tmp_path / "panel.csv"
    path.write_text(
        "enterprise_id,year,lad_code,employees,turnover\n"
        '"A, Ltd", 2019 ,E07000001,"12",0\n'
        "B,2019,E07000001,+3,5\n"
    )
    findings = Findings()
    panel = read_panel(path, con, findings)
    assert not findings, problems(findings)
    assert panel.first_year == 2019 and panel.max_employees == 12


def test_twenty_million_style_panel_is_checked_in_bounded_scans(con, tmp_path):
    """200,000 bad rows: counted exactly, 20 listed, quickly (no per-row Python)."""
    n = 400_000
    employees = np.where(np.arange(n) % 2 == 0, -1, 5)
    table = pa.table(
        {
            "enterprise_id": pa.array(np.arange(n).astype(str)),
            "year": pa.array(np.full(n, 2019)),
            "lad_code": pa.array(np.full(n, "E07000001")),
            "employees": pa.array(employees.astype(str)),
            "turnover": pa.array(np.full(n, "1")),
        }
    )
    path = tmp_path / "panel.csv"
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="none"))
    findings = Findings()
    start = time.perf_counter()
    read_panel(path, con, findings)
    elapsed = time.perf_counter() - start
    lines = problems(findings)
    assert lines[0] == "error: panel.csv:2: employees: '-1' is negative"
    assert lines[19] == "error: panel.csv:40: employees: '-1' is negative"
    assert lines[20] == f"... and {n // 2 - 20} more"
    assert elapsed < 20


def test_parquet_integer_ids_and_row_numbers(con, tmp_path):
    import pyarrow.parquet as pq

    path = tmp_path / "panel.parquet"
    pq.write_table(
        pa.table(
            {
                "Enterprise_Id": pa.array([1, 2, 2], pa.int32()),
                "year": pa.array([2019, 2019, 2019], pa.int16()),
                "lad_code": ["E07000001", "E07000001", "bad"],
                "employees": pa.array([1, 2, 3], pa.int64()),
                "turnover": pa.array([1, 2, 3], pa.int64()),
                "extra": [1.0, 2.0, 3.0],
            }
        ),
        path,
    )
    findings = Findings()
    read_panel(path, con, findings)
    assert problems(findings) == [
        "error: panel.parquet: row 2, 3: duplicate row for enterprise '2' in 2019",
        "error: panel.parquet: row 3: lad_code: 'bad' is not a GSS code (like E06000001)",
    ]


def test_missing_file(con, tmp_path):
    findings = Findings()
    read_population(Path(tmp_path / "nope.csv"), con, findings)
    assert problems(findings) == [f"error: nope.csv: no such file: {tmp_path / 'nope.csv'}"]


def test_optional_panel_columns_are_checked_when_present(con, tmp_path):
    path = write_csv(
        tmp_path / "panel.csv",
        ["enterprise_id", "year", "lad_code", "employees", "turnover", "sic2007", "birth_year"],
        [
            ["A", 2019, "E07000001", 1, 1, "62012", 2001],
            ["B", 2019, "E07000001", 1, 1, "", ""],
            ["C", 2019, "E07000001", 1, 1, "6201", "19x"],
        ],
    )
    findings = Findings()
    read_panel(path, con, findings)
    assert problems(findings) == [
        "error: panel.csv:4: birth_year: '19x' is not a whole number",
        "error: panel.csv:4: sic2007: '6201' is not a 5-digit SIC 2007 code",
    ]


def test_blank_lines_are_skipped_and_lines_stay_right(con, tmp_path):
    path = tmp_path / "panel.csv"
    path.write_text(
        "enterprise_id,year,lad_code,employees,turnover\n"
        "A,2019,E07000001,1,1\n"
        "\n"
        "B,2019,E07000001,-1,1\n"
        ",,,,\n"
    )
    findings = Findings()
    read_panel(path, con, findings)
    assert problems(findings) == ["error: panel.csv:4: employees: '-1' is negative"]


def test_geography_names_and_lads_in_no_area(con, tmp_path):
    path = write_csv(
        tmp_path / "geo.csv",
        ["lad_code", "lad_name", "area_code", "area_name"],
        [
            ["E07000001", "One", "A", "Area A"],
            ["E07000001", "Uno", "B", "Area B"],
            ["W06000001", "Anglesey", "", ""],
            ["E07000002", "Two", "B", ""],
        ],
    )
    findings = Findings()
    geo = read_geography(path, con, findings)
    assert problems(findings) == [
        "error: geo.csv:2, 3: lad_name: E07000001 has more than one name: 'One', 'Uno'",
        "error: geo.csv:5: area_name: area_code and area_name must both be given, or both "
        "be empty (a LAD in no area)",
    ]
    assert "W06000001" in geo.lad_codes


@pytest.mark.parametrize("ids_as", ["integers", "text"])
@pytest.mark.parametrize("order", ["sorted", "last", "shuffled"])
def test_parquet_duplicates_found_in_key_order_or_not(con, tmp_path, order, ids_as):
    """Integer keys are packed, text keys hashed, then sorted (or, in key order, not):
    the same findings."""
    import pyarrow.parquet as pq

    n = 300_000
    ids = np.repeat(np.arange(n // 3), 3)
    years = np.tile(np.array([2017, 2018, 2019]), n // 3)
    ids[-1], years[-1] = 7, 2018  # the last row repeats enterprise 7 in 2018
    index = np.arange(n)
    if order == "sorted":  # in key order, the repeat beside its twin
        index = np.argsort(ids * 10_000 + years, kind="stable")
    if order == "shuffled":
        index = np.random.default_rng(1).permutation(n)
    table = pa.table(
        {
            "enterprise_id": pa.array(
                ids[index] if ids_as == "integers" else ids[index].astype(str)
            ),
            "year": pa.array(years[index]),
            "lad_code": pa.array(np.full(n, "E07000001")),
            "employees": pa.array(np.ones(n, dtype=np.int64)),
            "turnover": pa.array(np.ones(n, dtype=np.int64)),
        }
    )
    path = tmp_path / "panel.parquet"
    pq.write_table(table, path, row_group_size=50_000)
    findings = Findings()
    read_panel(path, con, findings)
    rows = sorted(int(r) + 1 for r in np.flatnonzero((ids[index] == 7) & (years[index] == 2018)))
    assert problems(findings) == [
        f"error: panel.parquet: row {rows[0]}, {rows[1]}: duplicate row for enterprise '7' in 2018"
    ]


@pytest.mark.parametrize("hashing", ["constant", "by_year"])
def test_colliding_hashes_still_count_repeats_exactly(con, tmp_path, monkeypatch, hashing):
    """Text keys are hashed; where hashes collide, the rows are counted by their keys."""
    from scaleup.ingest import duplicates

    def weak(first, second):  # every row alike, or one hash a year
        if hashing == "constant":
            return ibis.literal(5, type="uint64")
        return second.cast("uint64")

    rows = [[f"E{i}", y, "E07000001", 1, 1] for i in range(40) for y in (2018, 2019)]
    rows += [["E3", 2019, "E07000001", 2, 2], ["E9", 2018, "E07000001", 2, 2]]
    rows += [["E9", 2018, "E07000001", 3, 3]]
    header = ["enterprise_id", "year", "lad_code", "employees", "turnover"]
    path = write_csv(tmp_path / "panel.csv", header, rows)
    found = {}
    for name, fake in (("real", None), ("weak", weak)):
        if fake is not None:
            monkeypatch.setattr(duplicates, "_hash", fake)
        findings = Findings()
        read_panel(path, con, findings)
        found[name] = problems(findings)
    want = [
        "error: panel.csv:9, 82: duplicate row for enterprise 'E3' in 2019",
        "error: panel.csv:20, 83, 84: duplicate row for enterprise 'E9' in 2018",
    ]
    assert found == {"real": want, "weak": want}
    clean = write_csv(tmp_path / "clean.csv", header, rows[:80])
    findings = Findings()
    read_panel(clean, con, findings)
    assert findings.problems == []  # every hash alike, and no key twice


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_text_ids_lose_surrounding_white_space_only(con, tmp_path, fmt):
    """' 7', '7\\t' and '7' are one enterprise; a control character is part of the id;
    an id of white space only is missing."""
    import pyarrow.parquet as pq

    ids = [" 7", "7\t", "\x017", "8\r\n", "\f", "9\x0b", "9"]
    n = len(ids)
    table = pa.table(
        {
            "enterprise_id": pa.array(ids),
            "year": pa.array([2019] * n),
            "lad_code": pa.array(["E07000001"] * n),
            "employees": pa.array([1] * n),
            "turnover": pa.array([1] * n),
        }
    )
    path = tmp_path / f"panel.{fmt}"
    if fmt == "parquet":
        pq.write_table(table, path)
    else:
        pacsv.write_csv(table, path)
    findings = Findings()
    read_panel(path, con, findings)
    at = {"parquet": "panel.parquet: row ", "csv": "panel.csv:"}[fmt]
    first = 1 if fmt == "parquet" else 2  # a CSV's first value is on line 2

    def lines(*rows: int) -> str:
        # in the CSV the quoted "8\r\n" (row 3) spans two lines: later rows are a line on
        return at + ", ".join(str(first + r + (fmt == "csv" and r > 3)) for r in rows)

    assert problems(findings) == [
        f"error: {lines(0, 1)}: duplicate row for enterprise '7' in 2019",
        f"error: {lines(4)}: enterprise_id: missing value",
        f"error: {lines(5, 6)}: duplicate row for enterprise '9' in 2019",
    ]


def test_rows_with_the_wrong_number_of_fields_are_reported_and_the_rest_checked(con, tmp_path):
    path = tmp_path / "panel.csv"
    path.write_text(
        "enterprise_id,year,lad_code,employees,turnover\n"
        "A,2019,E07000001,1\n"
        "B,2019,E07000001,1,2,3\n"
        "C,2019,E07000001,-1,1\n"
        "D,2019,E07000001,1,1\n"
    )
    findings = Findings()
    read_panel(path, con, findings)
    assert problems(findings) == [
        "error: panel.csv:2: has 4 fields, the header has 5",
        "error: panel.csv:3: has 6 fields, the header has 5",
        "error: panel.csv:4: employees: '-1' is negative",
    ]
