"""The panel's bad-input suite on both engines: DuckDB reads the file in this process;
Spark reads it where it lies (a file, a folder of part files, a Hadoop path) and checks
it in the cluster. Same messages, with file and row (or line), except where noted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from scaleup import engine
from scaleup.errors import InputError
from scaleup.ingest import checking
from scaleup.ingest.panel import Panel, read_panel
from scaleup.ingest.reading import Findings, drop_temporary

ENGINES = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]
HEADER = "enterprise_id,year,lad_code,employees,turnover\n"


@pytest.fixture(scope="module", params=ENGINES)
def reader(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The engine that reads and checks the panel (Spark: the suite's shared session)."""
    if request.param == "spark":
        yield request.getfixturevalue("spark_backend")
        return
    con = engine.connect()
    yield con
    con.disconnect()


def read(path: Path | str, reader: Any) -> tuple[Panel | None, list[str]]:
    findings = Findings()
    try:
        panel = read_panel(path, reader, findings)
        try:
            findings.raise_if_any()
        except InputError as err:
            return panel, err.render()
        assert panel is not None and panel.table is not None
        reader.execute(panel.table.count())  # the typed table is usable
        return panel, []
    finally:
        drop_temporary(findings)


def lines_of(path: Path | str, reader: Any) -> list[str]:
    return read(path, reader)[1]


def panel_table(rows: list[tuple], ids: pa.DataType = pa.string()) -> pa.Table:
    cols = list(zip(*rows, strict=True))
    return pa.table(
        {
            "enterprise_id": pa.array(cols[0], ids),
            "year": pa.array(cols[1], pa.int64()),
            "lad_code": pa.array(cols[2], pa.string()),
            "employees": pa.array(cols[3], pa.int64()),
            "turnover": pa.array(cols[4], pa.int64()),
        }
    )


def test_bad_values_each_with_its_line(reader, tmp_path):
    path = tmp_path / "panel.csv"
    path.write_text(
        HEADER + "A,2019,E07000001,1,1\n"
        "B,2019,E07000001,-3,1\n"
        "C,2019,E0700003,1,1\n"
        "D,2019,E07000001,abc,1\n"
        "A,2019,E07000001,1,1\n"
        "E,2019,E07000001,1,\n"
        "F,1066,E07000001,1,1\n"
        "G,2019,E07000001,99999999999999999999,1\n"
        "  H  ,2019, E07000001 ,1,1\n"
    )
    assert lines_of(path, reader) == [
        "error: panel.csv:2, 6: duplicate row for enterprise 'A' in 2019",
        "error: panel.csv:3: employees: '-3' is negative",
        "error: panel.csv:4: lad_code: 'E0700003' is not a GSS code (like E06000001)",
        "error: panel.csv:5: employees: 'abc' is not a whole number",
        "error: panel.csv:7: turnover: missing value",
        "error: panel.csv:8: year: '1066' is outside 1900-2100",
        "error: panel.csv:9: employees: '99999999999999999999' is too large",
    ]


def test_at_most_twenty_then_a_count(reader, tmp_path):
    path = tmp_path / "panel.csv"
    path.write_text(HEADER + "".join(f"E{i},2019,E07000001,-1,1\n" for i in range(50)))
    got = lines_of(path, reader)
    assert len(got) == 21 and got[-1] == "... and 30 more"
    assert got[0] == "error: panel.csv:2: employees: '-1' is negative"


def test_blank_lines_and_rows_with_the_wrong_number_of_fields(reader, tmp_path):
    path = tmp_path / "panel.csv"
    path.write_text(
        HEADER + "A,2019,E07000001,1\n"
        "\n"
        "B,2019,E07000001,1,2,3\n"
        'C,2019,E07000001,-1,"1"\n'
        ",,,,\n"
        '"D, Ltd",2019,E07000001,1,1\n'
    )
    assert lines_of(path, reader) == [
        "error: panel.csv:2: has 4 fields, the header has 5",
        "error: panel.csv:4: has 6 fields, the header has 5",
        "error: panel.csv:5: employees: '-1' is negative",
    ]


def test_file_level_problems(reader, tmp_path):
    missing = tmp_path / "a.csv"
    missing.write_text("enterprise_id,year,lad_code,employees\nA,2019,E07000001,1\n")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    header_only = tmp_path / "header.csv"
    header_only.write_text(HEADER)
    fake = tmp_path / "fake.parquet"
    fake.write_text(HEADER)
    pq.write_table(pa.table({"a": [1]}), tmp_path / "real.parquet")
    disguised = tmp_path / "disguised.csv"
    disguised.write_bytes((tmp_path / "real.parquet").read_bytes())
    assert lines_of(missing, reader) == [
        "error: a.csv:1: missing required column 'turnover' "
        "(found: enterprise_id, year, lad_code, employees)"
    ]
    assert lines_of(empty, reader) == [
        "error: empty.csv: empty file (expected a header row and data)"
    ]
    assert lines_of(header_only, reader) == ["error: header.csv: no data rows (only a header)"]
    assert lines_of(fake, reader) == [
        "error: fake.parquet: not a Parquet file, though its name says so"
    ]
    assert lines_of(disguised, reader) == [
        "error: disguised.csv: is a Parquet file, but its name says CSV (rename it)"
    ]
    assert lines_of(tmp_path / "nowhere.csv", reader) == [
        f"error: nowhere.csv: no such file: {tmp_path / 'nowhere.csv'}"
    ]


def test_not_utf8(reader, tmp_path):
    """DuckDB reads the whole file in the driver and refuses it; Spark checks line by line
    in the cluster, so it can say which line (documented in docs/spark.md)."""
    path = tmp_path / "binary.csv"
    path.write_bytes(HEADER.encode() + b"A,2019,E07000001,1,1\n\xff\xfe,2019,E07000001,1,1\n")
    got = lines_of(path, reader)
    if engine.reads_in_cluster(reader):
        assert got == ["error: binary.csv:3: not UTF-8 text (save the file as UTF-8)"]
    else:
        assert got == ["error: binary.csv: not UTF-8 text (save the file as UTF-8)"]


def test_parquet_rows_types_and_integer_ids(reader, tmp_path):
    path = tmp_path / "panel.parquet"
    rows = [(7, 2019, "E07000001", 5, 1), (8, 2019, "E07000001", -5, 1), (7, 2019, "X", 1, 1)]
    pq.write_table(panel_table(rows, pa.int64()), path)
    assert lines_of(path, reader) == [
        "error: panel.parquet: row 1, 3: duplicate row for enterprise '7' in 2019",
        "error: panel.parquet: row 2: employees: '-5' is negative",
        "error: panel.parquet: row 3: lad_code: 'X' is not a GSS code (like E06000001)",
    ]
    table = panel_table(rows[:1], pa.int64())
    pq.write_table(table.set_column(3, "employees", pa.array([1.5])), path)
    assert lines_of(path, reader) == [
        "error: panel.parquet: employees: wrong column type: expected integer, got double"
    ]


def test_integer_ids_over_many_words_repeat_only_where_they_do(reader, tmp_path):
    """Integer ids far apart (the cluster tells them apart by bits of 64-bit words, one
    word per 64 packed keys): a panel of distinct enterprise-years has no repeats, and
    one repeat in a word of its own, far from the others, is found and shown."""
    ids = [1, 2, 40_000, 1_000_000, 5_000_000]
    rows = [(i, y, "E07000001", 1, 1) for i in ids for y in (2015, 2019)]
    path = tmp_path / "panel.parquet"
    pq.write_table(panel_table(rows, pa.int64()), path)
    assert lines_of(path, reader) == []
    pq.write_table(panel_table([*rows, (1_000_000, 2019, "E07000001", 2, 2)], pa.int64()), path)
    assert lines_of(path, reader) == [
        "error: panel.parquet: row 8, 11: duplicate row for enterprise '1000000' in 2019"
    ]


def test_ids_too_far_apart_to_pack_are_still_checked_for_repeats(reader, tmp_path):
    """Ids spanning more than a 64-bit number can pack with the years (negative and
    huge): the engine counts the keys as they are, and finds the repeat."""
    big = 2**62
    rows = [(-big, 2015, "E07000001", 1, 1), (big, 2015, "E07000001", 1, 1)]
    path = tmp_path / "panel.parquet"
    pq.write_table(panel_table(rows, pa.int64()), path)
    assert lines_of(path, reader) == []
    pq.write_table(panel_table([*rows, (big, 2015, "E07000001", 2, 2)], pa.int64()), path)
    assert lines_of(path, reader) == [
        f"error: panel.parquet: row 2, 3: duplicate row for enterprise '{big}' in 2015"
    ]


@pytest.mark.spark
def test_a_key_repeated_across_part_files_is_found_by_the_merged_words(spark_backend, tmp_path):
    """The same integer key in two part files, each read by a task of its own: the two
    tasks' words holding it merge into one bit, so the rows outnumber the bits set."""
    folder = tmp_path / "panel"
    folder.mkdir()
    pq.write_table(
        panel_table([(5, 2019, "E07000001", 1, 1)], pa.int64()), folder / "part-0.parquet"
    )
    pq.write_table(
        panel_table([(6, 2019, "E07000001", 1, 1), (5, 2019, "E07000001", 1, 1)], pa.int64()),
        folder / "part-1.parquet",
    )
    assert lines_of(folder, spark_backend) == [
        "error: panel/part-0.parquet: row 1: duplicate row for enterprise '5' in 2019 "
        "(also panel/part-1.parquet row 2)"
    ]


def test_a_good_panel_gives_its_years_and_lads(reader, tmp_path):
    path = tmp_path / "panel.csv"
    path.write_text(HEADER + "A,2015,E07000002,1,1\nA,2019,E07000001,10,1\nB,2017,E07000001,3,4\n")
    panel, got = read(path, reader)
    assert got == [] and panel is not None
    assert (panel.first_year, panel.last_year, panel.max_employees) == (2015, 2019, 10)
    assert panel.lad_first_row == {"E07000002": 2, "E07000001": 3}


# --- Spark only: folders of part files and Hadoop paths --------------------------------

spark_only = pytest.mark.spark


@spark_only
def test_a_folder_of_parquet_part_files_reports_the_part_and_its_row(spark_backend, tmp_path):
    folder = tmp_path / "panel"
    folder.mkdir()
    (folder / "_SUCCESS").write_text("")
    pq.write_table(panel_table([("A", 2019, "E07000001", 1, 1)] * 1), folder / "part-0.parquet")
    pq.write_table(
        panel_table([("B", 2019, "E07000001", 1, 1), ("A", 2019, "E07000001", -2, 1)]),
        folder / "part-1.parquet",
    )
    assert lines_of(folder, spark_backend) == [
        "error: panel/part-0.parquet: row 1: duplicate row for enterprise 'A' in 2019 "
        "(also panel/part-1.parquet row 2)",
        "error: panel/part-1.parquet: row 2: employees: '-2' is negative",
    ]
    url = "file://" + str(folder)
    assert lines_of(url, spark_backend) == lines_of(folder, spark_backend)


@spark_only
def test_a_folder_of_csv_part_files_numbers_lines_in_each(spark_backend, tmp_path):
    folder = tmp_path / "parts"
    folder.mkdir()
    (folder / "part-0.csv").write_text(HEADER + "A,2019,E07000001,1,1\n\nB,2019,E07000001,x,1\n")
    (folder / "part-1.csv").write_text(
        HEADER.upper()
        + "".join(f"C{i},2019,E07000001,1,1\n" for i in range(100))
        + "D,2019,E0700001,1,1\n"
    )
    assert lines_of(folder, spark_backend) == [
        "error: parts/part-0.csv:4: employees: 'x' is not a whole number",
        "error: parts/part-1.csv:102: lad_code: 'E0700001' is not a GSS code (like E06000001)",
    ]
    (folder / "part-2.csv").write_text("enterprise_id,year\nA,2019\n")
    assert lines_of(folder, spark_backend) == [
        "error: parts: part files with another header than part-0.csv: part-2.csv"
    ]


@spark_only
def test_part_files_with_spaces_and_signs_in_their_paths(spark_backend, tmp_path):
    """Spark lists part files as %-encoded URLs (a space is %20): the folder is still read,
    and each problem names the part file as it is named on disk."""
    folder = tmp_path / "a lake" / "pan%el"
    folder.mkdir(parents=True)
    pq.write_table(panel_table([("A", 2019, "E07000001", 1, 1)]), folder / "part 0 #1.parquet")
    pq.write_table(
        panel_table([("B", 2019, "E07000001", 1, 1), ("C", 2019, "E07000001", -2, 1)]),
        folder / "part 1 #é.parquet",
    )
    assert lines_of(folder, spark_backend) == [
        "error: pan%el/part 1 #é.parquet: row 2: employees: '-2' is negative"
    ]
    csv = tmp_path / "a lake" / "csv parts"
    csv.mkdir()
    (csv / "part 0.csv").write_text(HEADER + "A,2019,E07000001,1,1\n")
    (csv / "part 1.csv").write_text(HEADER + "B,2019,E07000001,1,1\nC,2019,E07000001,x,1\n")
    assert lines_of(csv, spark_backend) == [
        "error: csv parts/part 1.csv:3: employees: 'x' is not a whole number"
    ]


def _scans(session: Any, query: str) -> list[tuple[str, int]]:
    """Run ``query``; each Parquet scan of its plan with the files it read."""
    frame = session.sql(query)
    frame.collect()
    found = []
    nodes = [frame._jdf.queryExecution().executedPlan()]
    while nodes:
        node = nodes.pop()
        if node.nodeName().startswith("Scan parquet"):
            found.append((node.nodeName(), int(node.metrics().apply("numFiles").value())))
        if node.nodeName().startswith("AdaptiveSparkPlan"):
            nodes.append(node.executedPlan())
        elif node.nodeName().endswith("QueryStage"):
            nodes.append(node.plan())
        children = node.children().iterator()
        while children.hasNext():
            nodes.append(children.next())
    return found


def _three_parts(folder: Path) -> None:
    folder.mkdir()
    for i in range(3):
        rows = [(f"E{i}{k}", 2019, "E07000001", k, 1) for k in range(4)]
        pq.write_table(panel_table(rows), folder / f"part-{i}.parquet")


def _numbered(session: Any, view: str) -> list[tuple[str, int, int]]:
    got = session.sql(f"SELECT enterprise_id, {engine.ROW} FROM {view}").collect()
    return sorted((r[0], r[1] >> engine.FILE_BITS, r[1] & 0xFFFF) for r in got)


EXPECTED = [(f"E{i}{k}", i, k + 1) for i in range(3) for k in range(4)]


@spark_only
def test_each_part_file_is_read_once_with_its_index_a_constant(spark_backend, tmp_path):
    """A few part files: each is read by a scan of its own, whose rows' file index is a
    constant (no look-up per row); a scan for paths written another way reads nothing."""
    _three_parts(tmp_path / "panel")
    read = engine.read_in_cluster(spark_backend, str(tmp_path / "panel"))
    session = spark_backend._session
    try:
        scans = _scans(session, f"SELECT min({engine.ROW}) FROM {read.view}")
        assert sorted(n for _, n in scans) == [0, 1, 1, 1]
        assert _numbered(session, read.view) == EXPECTED
    finally:
        engine.drop_view(spark_backend, read.view)


@spark_only
def test_many_part_files_find_each_rows_file_by_a_broadcast_join(
    spark_backend, tmp_path, monkeypatch
):
    """Many part files (the bound lowered here to 2): a row's file is looked up by a
    broadcast hash join on its path, only in queries that use row numbers."""
    monkeypatch.setattr(engine, "UNION_FILES", 2)
    _three_parts(tmp_path / "panel")
    read = engine.read_in_cluster(spark_backend, str(tmp_path / "panel"))
    session = spark_backend._session
    try:
        plan = session.sql(f"SELECT count(*), sum(employees) FROM {read.view}")._jdf
        counted = plan.queryExecution().executedPlan().toString()
        assert "Join" not in counted
        plan = session.sql(f"SELECT min({engine.ROW}) FROM {read.view}")._jdf
        assert "BroadcastHashJoin" in plan.queryExecution().executedPlan().toString()
        assert _numbered(session, read.view) == EXPECTED
    finally:
        engine.drop_view(spark_backend, read.view)


@spark_only
@pytest.mark.parametrize("union_files", [64, 2])
def test_a_path_spark_writes_another_way_is_still_found(
    spark_backend, tmp_path, monkeypatch, union_files
):
    """Should a file system write a path in a form not foreseen, each row's file is
    still found (from the list of files): never a row without one, or lost."""
    monkeypatch.setattr(engine, "UNION_FILES", union_files)
    folder = tmp_path / "panel"
    folder.mkdir()
    pq.write_table(panel_table([("A", 2019, "E07000001", 1, 1)]), folder / "part-0.parquet")
    pq.write_table(
        panel_table([("B", 2019, "E07000001", 1, 1), ("A", 2019, "E07000001", -2, 1)]),
        folder / "part-1.parquet",
    )
    monkeypatch.setattr(engine, "_ways", lambda path: (path + "x",))
    assert lines_of(folder, spark_backend) == [
        "error: panel/part-0.parquet: row 1: duplicate row for enterprise 'A' in 2019 "
        "(also panel/part-1.parquet row 2)",
        "error: panel/part-1.parquet: row 2: employees: '-2' is negative",
    ]


@spark_only
def test_locations_spark_cannot_read(spark_backend, tmp_path):
    assert lines_of("file:///nowhere/panel", spark_backend) == [
        "error: panel: no such file or folder: file:///nowhere/panel"
    ]
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "a.csv").write_text(HEADER + "A,2019,E07000001,1,1\n")
    pq.write_table(panel_table([("A", 2019, "E07000001", 1, 1)]), mixed / "b.parquet")
    assert lines_of(mixed, spark_backend) == [
        "error: mixed: mixes .csv and .parquet files; give one kind"
    ]


def test_duckdb_points_to_spark_for_a_hadoop_path(tmp_path):
    con = engine.connect()
    try:
        assert lines_of("s3a://bucket/panel", con) == [
            "error: panel: s3a://bucket/panel is a Hadoop path: read it with the Spark engine "
            '(--engine spark, or [engine] backend = "spark" in scaleup.toml)'
        ]
    finally:
        con.disconnect()


@spark_only
def test_the_driver_fetches_a_bounded_number_of_codes(spark_backend, tmp_path, monkeypatch):
    """A file whose code column holds more distinct values than any real panel is refused
    rather than fetched to the driver whole (the bound lowered here to 3)."""
    monkeypatch.setattr(checking, "MAX_CODE_GROUPS", 3)
    path = tmp_path / "panel.csv"
    path.write_text(HEADER + "".join(f"E{i},2019,E0700000{i},1,1\n" for i in range(5)))
    assert lines_of(path, spark_backend) == [
        "error: panel.csv: more than 3 distinct values of lad_code: not codes of a real "
        "panel (is a column misplaced?)"
    ]
