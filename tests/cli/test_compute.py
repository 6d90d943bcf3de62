"""`scaleup compute` as a user runs it: results, bad input, exit codes, untouched output."""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from metrics.oracle import World
from metrics.worlds import lad, population_for, write_world
from scaleup.cli.main import app
from scaleup.config import load_settings
from scaleup.errors import InputError
from scaleup.pipeline import InputFiles, compute_review, write_tables
from scaleup.tables import TABLES
from scaleup.workspace import load_workspace

A1 = "E37000001"
runner = CliRunner()
ENGINES = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each engine; Spark runs on the suite's shared session (started first, so that the
    command's own session is that one)."""
    if request.param == "spark":
        request.getfixturevalue("spark_backend")
    return request.param


def small_world() -> World:
    rng = random.Random(3)
    lads = [lad(i) for i in range(1, 5)]
    panel = []
    for e in range(200):
        home = rng.choice(lads)
        emp, turn = rng.randint(8, 60), rng.randint(0, 5000)
        for y in range(2014, 2020):
            panel.append((f"ENT{e:04d}", y, home, emp, turn))
            emp, turn = int(emp * rng.uniform(0.9, 1.4)), int(turn * rng.uniform(0.8, 1.5))
    rng.shuffle(panel)
    return World(
        panel=panel,
        population=population_for(lads, range(2014, 2020), rng),
        areas={A1: lads[:3], "E37000002": lads[2:]},
    )


@pytest.fixture
def files(tmp_path):
    return write_world(small_world(), tmp_path / "in")


def args(files, out, panel=None, **extra):
    argv = [
        "compute",
        "--panel",
        str(panel or files.panel),
        "--population",
        str(files.population),
        "--geography",
        str(files.geography),
        "--out",
        str(out),
    ]
    for key, value in extra.items():
        argv += [f"--{key.replace('_', '-')}"] + ([] if value is True else [str(value)])
    return argv


def rewrite(path: Path, edit) -> Path:
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    edit(rows)
    with open(path, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def fails(argv, out: Path | None = None) -> list[str]:
    """Run; expect exit 2, no traceback, nothing written; return the error lines."""
    before = sorted(out.rglob("*")) if out and out.exists() else None
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    if out is not None:
        after = sorted(out.rglob("*")) if out.exists() else None
        assert after == before
    return [line for line in result.stderr.splitlines() if line.startswith(("error", "..."))]


def test_compute_writes_four_tables_and_meta(files, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, args(files, out, quiet=True))
    assert result.exit_code == 0, result.output
    for name, columns in TABLES.items():
        with open(out / f"{name}.csv") as fh:
            header = next(csv.reader(fh))
        assert tuple(header[: len(columns)]) == columns
    meta = json.loads((out / "meta.json").read_text())
    assert meta["published"] is True and meta["end_years"] == [2017, 2018, 2019]
    assert meta["vintage"] == "2021"
    assert meta["measures"] == ["employment", "turnover", "any"]


def test_prints_where_tables_went_and_logs_plainly(files, tmp_path):
    result = runner.invoke(app, args(files, tmp_path / "o", raw=True))
    assert result.exit_code == 0
    assert str(tmp_path / "o") in result.stdout
    assert "[1/5] Reading and checking inputs" in result.stderr


def test_help_has_examples():
    result = runner.invoke(app, ["compute", "--help"])
    assert result.exit_code == 0
    assert "Examples" in result.output and "--counts" in result.output


def test_bad_values_each_reported_with_line(files, tmp_path, engine):
    def edit(rows):
        rows[5][3] = "-3"
        rows[6][2] = "E0700003"
        rows[7][3] = "abc"
        rows[9] = list(rows[8])
        rows[10][2] = "E07009999"
        rows[11][4] = ""

    rewrite(files.panel, edit)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("old")
    lines = fails(args(files, out, engine=engine), out)
    dup_id, dup_year = (lambda r: (r[0], r[1]))(list(csv.reader(open(files.panel)))[8])
    assert lines == [
        "error: panel.csv:6: employees: '-3' is negative",
        "error: panel.csv:7: lad_code: 'E0700003' is not a GSS code (like E06000001)",
        "error: panel.csv:8: employees: 'abc' is not a whole number",
        f"error: panel.csv:9, 10: duplicate row for enterprise '{dup_id}' in {dup_year}",
        "error: panel.csv:11: lad_code: 'E07009999' is not in the geography file (geography.csv)",
        "error: panel.csv:12: turnover: missing value",
    ]
    assert (out / "keep.txt").read_text() == "old"


def test_numbers_are_plain_decimal_on_each_engine(files, tmp_path, engine):
    """Arrow's integer parser reads 0x10 as 16: neither engine takes it (issue 14)."""

    def edit(rows):
        rows[5][3] = "0x10"
        rows[6][3] = "1e3"
        rows[7][4] = "1_000"

    rewrite(files.panel, edit)
    assert fails(args(files, tmp_path / "out", engine=engine)) == [
        "error: panel.csv:6: employees: '0x10' is not a whole number",
        "error: panel.csv:7: employees: '1e3' is not a whole number",
        "error: panel.csv:8: turnover: '1_000' is not a whole number",
    ]


def test_at_most_twenty_lines_then_a_count(files, tmp_path):
    rewrite(files.panel, lambda rows: [r.__setitem__(3, "-1") for r in rows[1:51]])
    lines = fails(args(files, tmp_path / "out"), tmp_path / "out")
    assert len(lines) == 21 and lines[-1] == "... and 30 more"
    assert lines[0] == "error: panel.csv:2: employees: '-1' is negative"


def test_year_without_population(files, tmp_path):
    def drop(rows):
        rows[:] = [r for r in rows if r[:2] != [lad(2), "2018"]]

    rewrite(files.population, drop)
    lines = fails(args(files, tmp_path / "out"))
    assert lines == [
        f"error: population.csv: no population for {lad(2)} in 2018 (needed for density)"
    ]


def test_missing_required_column(files, tmp_path):
    rewrite(files.panel, lambda rows: [r.pop(4) for r in rows])
    lines = fails(args(files, tmp_path / "out"))
    assert lines == [
        "error: panel.csv:1: missing required column 'turnover' "
        "(found: enterprise_id, year, lad_code, employees)"
    ]


def test_empty_file(files, tmp_path):
    files.population.write_text("")
    assert fails(args(files, tmp_path / "out")) == [
        "error: population.csv: empty file (expected a header row and data)"
    ]


def test_header_only(files, tmp_path):
    files.geography.write_text("lad_code,lad_name,area_code,area_name\n")
    assert fails(args(files, tmp_path / "out")) == [
        "error: geography.csv: no data rows (only a header)"
    ]


def test_file_not_the_format_its_name_says(files, tmp_path):
    fake = tmp_path / "panel.parquet"
    fake.write_text("enterprise_id,year\n1,2019\n")
    assert fails(args(files, tmp_path / "out", panel=fake)) == [
        "error: panel.parquet: not a Parquet file, though its name says so"
    ]
    pq.write_table(pa.table({"a": [1]}), tmp_path / "real.parquet")
    disguised = tmp_path / "disguised.csv"
    disguised.write_bytes((tmp_path / "real.parquet").read_bytes())
    assert fails(args(files, tmp_path / "out", panel=disguised)) == [
        "error: disguised.csv: is a Parquet file, but its name says CSV (rename it)"
    ]
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"enterprise_id,year,lad_code,employees,turnover\n\xff\xfe,1,2,3,4\n")
    assert fails(args(files, tmp_path / "out", panel=binary)) == [
        "error: binary.csv: not UTF-8 text (save the file as UTF-8)"
    ]


def test_parquet_panel_and_wrong_column_type(tmp_path, engine):
    world = small_world()
    files = write_world(world, tmp_path / "in", parquet=True)
    ok = runner.invoke(app, args(files, tmp_path / "ok", quiet=True, engine=engine))
    assert ok.exit_code == 0, ok.output
    table = pq.read_table(files.panel)
    bad = table.set_column(3, "employees", table.column("employees").cast(pa.float64()))
    pq.write_table(bad, files.panel)
    assert fails(args(files, tmp_path / "out", engine=engine)) == [
        "error: panel.parquet: employees: wrong column type: expected integer, got double"
    ]
    neg = table.set_column(
        3, "employees", pa.array([-5] + table.column("employees").to_pylist()[1:], pa.int64())
    )
    pq.write_table(neg, files.panel)
    assert fails(args(files, tmp_path / "out", engine=engine)) == [
        "error: panel.parquet: row 1: employees: '-5' is negative"
    ]


@pytest.mark.spark
def test_spark_reads_a_folder_of_part_files_as_duckdb_reads_one_file(spark_backend, tmp_path):
    """The panel split into Parquet part files (as Spark or a data lake writes it), given
    as a folder and as a file:// URL: the same tables as DuckDB's on the one file."""
    files = write_world(small_world(), tmp_path / "in", parquet=True)
    table = pq.read_table(files.panel)
    parts = tmp_path / "lake" / "panel"
    parts.mkdir(parents=True)
    for i, start in enumerate(range(0, table.num_rows, 400)):
        pq.write_table(table.slice(start, 400), parts / f"part-{i:05d}.snappy.parquet")
    (parts / "_SUCCESS").write_text("")
    reference = tmp_path / "duck"
    assert runner.invoke(app, args(files, reference, quiet=True)).exit_code == 0
    for where in (str(parts), f"file://{parts}/"):
        out = tmp_path / f"spark{len(where)}"
        done = runner.invoke(app, args(files, out, panel=where, quiet=True, engine="spark"))
        assert done.exit_code == 0, done.output
        for name in TABLES:
            assert (out / f"{name}.csv").read_text() == (reference / f"{name}.csv").read_text()
    # The same Hadoop path set in a workspace's scaleup.toml, with the Spark engine there.
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "scaleup.toml").write_text(
        f'[review]\nyear = 2021\n\n[inputs]\npanel = "file://{parts}/"\n'
        f'population = "{files.population}"\ngeography = "{files.geography}"\n\n'
        '[engine]\nbackend = "spark"\n'
    )
    workspace = load_workspace(ws)
    assert workspace.panel_url == f"file://{parts}/" and "panel" not in workspace.inputs
    settings = load_settings(workspace.config_file, environ={})
    assert settings.engine.backend == "spark"
    out = tmp_path / "from-workspace"
    write_tables(compute_review(InputFiles.of(workspace), settings), out)
    for name in TABLES:
        assert (out / f"{name}.csv").read_text() == (reference / f"{name}.csv").read_text()


def test_a_workspace_names_a_hadoop_path_only_for_the_panel(tmp_path):
    """[inputs] panel may be a Hadoop path (not looked for on this machine); the small
    files may not, and DuckDB says to use Spark for it."""
    files = write_world(small_world(), tmp_path / "in")
    config = tmp_path / "scaleup.toml"
    inputs = f'population = "{files.population}"\ngeography = "{files.geography}"\n'
    config.write_text(f'[review]\nyear = 2021\n[inputs]\npanel = "s3a://lake/panel/"\n{inputs}')
    workspace = load_workspace(tmp_path)
    assert workspace.panel_url == "s3a://lake/panel/"
    with pytest.raises(InputError) as caught:
        compute_review(InputFiles.of(workspace), load_settings(config, environ={}))
    assert [f"{p.file}: {p.message}" for p in caught.value.problems()] == [
        "panel: s3a://lake/panel/ is a Hadoop path: read it with the Spark engine "
        '(--engine spark, or [engine] backend = "spark" in scaleup.toml)'
    ]
    config.write_text(
        f'[review]\nyear = 2021\n[inputs]\npanel = "{files.panel}"\n'
        f'population = "hdfs://nn/population.csv"\ngeography = "{files.geography}"\n'
    )
    with pytest.raises(InputError) as caught:
        load_workspace(tmp_path)
    (problem,) = caught.value.problems()
    assert problem.file == str(config) and "only the panel may be a Hadoop path" in problem.message
    assert problem.message.startswith("inputs: population: ")


def test_bom_case_insensitive_headers_extra_columns(files, tmp_path):
    text = files.panel.read_text()
    header, rest = text.split("\n", 1)
    files.panel.write_bytes(
        b"\xef\xbb\xbf"
        + (b"Enterprise_ID,YEAR,Lad_Code,Employees,TURNOVER,notes\n")
        + "\n".join(line + ",x" for line in rest.splitlines()).encode()
        + b"\n"
    )
    reference = tmp_path / "ref"
    clean = write_world(small_world(), tmp_path / "clean")
    assert runner.invoke(app, args(clean, reference, raw=True, quiet=True)).exit_code == 0
    out = tmp_path / "out"
    assert runner.invoke(app, args(files, out, raw=True, quiet=True)).exit_code == 0
    assert (out / "lad_year.csv").read_text() == (reference / "lad_year.csv").read_text()


def test_integer_enterprise_ids(tmp_path):
    world = small_world()
    world.panel = [(str(int(e[3:])), *rest) for e, *rest in world.panel]
    files = write_world(world, tmp_path / "in")
    assert runner.invoke(app, args(files, tmp_path / "out", quiet=True)).exit_code == 0


def test_wrong_config_key_and_value(files, tmp_path):
    cfg = tmp_path / "scaleup.toml"
    cfg.write_text("[metrics]\ngrowth = 0.2\n")
    lines = fails(args(files, tmp_path / "out", config=cfg))
    assert "metrics.growth" in lines[0] and "unknown setting" in lines[0]
    cfg.write_text('[metrics]\ngrowth_rate = "-1/5"\nwindow = 0\n')
    lines = fails(args(files, tmp_path / "out", config=cfg))
    assert "metrics.growth_rate" in lines[0] and "metrics.window" in lines[0]


def test_neither_or_both_inputs(files, tmp_path):
    argv = args(files, tmp_path / "out")
    argv.remove("--panel")
    argv.remove(str(files.panel))
    assert fails(argv) == ["error: give exactly one of --panel FILE or --counts FILE"]


def test_internal_error_exits_1_and_says_so(files, tmp_path, monkeypatch):
    import scaleup.pipeline as pipeline

    def broken(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "compute_review", broken)
    result = runner.invoke(app, args(files, tmp_path / "out"))
    assert result.exit_code == 1
    assert "internal error: RuntimeError: boom" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_real_process_exit_code_and_stderr(files, tmp_path):
    rewrite(files.panel, lambda rows: rows[3].__setitem__(3, "-3"))
    exe = Path(sys.executable).parent / "scaleup"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCALEUP_")}
    proc = subprocess.run(
        [str(exe), *args(files, tmp_path / "out", quiet=True)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 2
    assert proc.stderr == "error: panel.csv:4: employees: '-3' is negative\n"
    assert not (tmp_path / "out").exists()


def test_out_is_a_file(files, tmp_path):
    out = tmp_path / "taken.txt"
    out.write_text("mine")
    assert fails(args(files, out)) == [
        f"error: {out}: is a file; --out needs a folder (or a new name)"
    ]
    assert out.read_text() == "mine"
