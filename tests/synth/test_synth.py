"""The synthetic panel: deterministic, in contract format, calibrated, and careful with bad
arguments. Statistics are checked with plain DuckDB SQL, independently of scaleup.metrics."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from scaleup.cli.main import app
from scaleup.errors import InputError
from scaleup.synth import GEOGRAPHY_FILE, PANEL_FILE, POPULATION_FILE, SynthSpec, generate
from scaleup.synth.panel import CHUNK

FILES = (PANEL_FILE, POPULATION_FILE, GEOGRAPHY_FILE)
runner = CliRunner()


def digests(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in FILES}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A moderate panel: 60,000 enterprises over 2012-2019 (about 210,000 rows)."""
    out = tmp_path_factory.mktemp("synth") / "sample"
    generate(SynthSpec(enterprises=60_000, seed=7), out)
    return out


@pytest.fixture()
def db(sample: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"CREATE VIEW panel AS SELECT * FROM read_parquet('{sample / PANEL_FILE}')")
    con.execute(f"CREATE VIEW population AS SELECT * FROM read_csv('{sample / POPULATION_FILE}')")
    con.execute(f"CREATE VIEW geography AS SELECT * FROM read_csv('{sample / GEOGRAPHY_FILE}')")
    return con


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    spec = SynthSpec(enterprises=3_000, seed=11, start_year=2010, years=6)
    generate(spec, tmp_path / "a")
    generate(spec, tmp_path / "b")
    generate(SynthSpec(enterprises=3_000, seed=12, start_year=2010, years=6), tmp_path / "c")
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
    assert digests(tmp_path / "a")[PANEL_FILE] != digests(tmp_path / "c")[PANEL_FILE]


def test_chunks_stream_without_changing_the_first_enterprises(tmp_path: Path) -> None:
    """A panel one chunk larger holds the smaller panel's rows unchanged, ids continuing."""
    generate(SynthSpec(enterprises=CHUNK, seed=5, years=4, lads=40), tmp_path / "small")
    generate(SynthSpec(enterprises=CHUNK + 10, seed=5, years=4, lads=40), tmp_path / "big")
    small = pq.read_table(tmp_path / "small" / PANEL_FILE)
    big = pq.read_table(tmp_path / "big" / PANEL_FILE)
    assert pq.ParquetFile(tmp_path / "big" / PANEL_FILE).metadata.num_row_groups == 2
    assert big.slice(0, len(small)).equals(small)
    tail_ids = set(big.slice(len(small)).column("enterprise_id").to_pylist())
    assert tail_ids and tail_ids <= set(range(CHUNK + 1, CHUNK + 11))


def test_files_follow_the_contract(db: duckdb.DuckDBPyConnection) -> None:
    cols = db.execute("DESCRIBE panel").fetchall()
    assert [c[0] for c in cols] == [
        "enterprise_id", "year", "lad_code", "employees", "turnover", "sic2007", "birth_year",
    ]  # fmt: skip
    bad = db.execute(
        """SELECT
             count(*) FILTER (WHERE NOT regexp_full_match(lad_code, '[EWSN][0-9]{8}')),
             count(*) FILTER (WHERE employees < 0 OR turnover < 0),
             count(*) FILTER (WHERE NOT regexp_full_match(sic2007, '[0-9]{5}')),
             count(*) FILTER (WHERE birth_year > year),
             count(*) - count(DISTINCT (enterprise_id, year))
           FROM panel"""
    ).fetchone()
    assert bad == (0, 0, 0, 0, 0)
    # Every panel LAD is in the geography; every geography LAD has population every year.
    missing_geo = db.execute(
        "SELECT count(DISTINCT lad_code) FROM panel WHERE lad_code NOT IN "
        "(SELECT lad_code FROM geography)"
    ).fetchone()
    missing_pop = db.execute(
        """SELECT count(*) FROM (SELECT DISTINCT g.lad_code, y.year FROM geography g,
             (SELECT DISTINCT year FROM panel) y) need
           ANTI JOIN population p USING (lad_code, year)"""
    ).fetchone()
    assert missing_geo == (0,) and missing_pop == (0,)
    assert db.execute("SELECT min(population) > 0 FROM population").fetchone() == (True,)
    shared = db.execute(
        "SELECT count(*) FROM (SELECT lad_code FROM geography GROUP BY 1 HAVING count(*) > 1)"
    ).fetchone()[0]
    assert shared >= 1
    assert all(re.fullmatch(r"SYN\d{3}", c) for (c,) in db.execute(
        "SELECT DISTINCT area_code FROM geography").fetchall())  # fmt: skip


def test_panel_has_births_deaths_gaps_and_moves(db: duckdb.DuckDBPyConnection) -> None:
    row = db.execute(
        """WITH e AS (
             SELECT enterprise_id, min(year) AS first, max(year) AS last, count(*) AS n,
                    count(DISTINCT lad_code) AS lads
             FROM panel GROUP BY 1)
           SELECT avg((first > 2012)::int), avg((last < 2019)::int),
                  avg((n < last - first + 1)::int), avg((lads > 1)::int) FROM e"""
    ).fetchone()
    births, deaths, gaps, moves = row
    assert 0.4 < births < 0.8
    assert 0.3 < deaths < 0.8
    assert 0.002 < gaps < 0.05
    assert 0.01 < moves < 0.15


def test_high_growth_share_of_10_plus_firms_is_near_the_ons_figure(
    db: duckdb.DuckDBPyConnection,
) -> None:
    """Employment growth of more than 72.8% over 3 years (exact: e3 * 125 > e0 * 216)."""
    assessed, emp_share, turn_share = db.execute(
        """SELECT count(*),
                  avg((b.employees * 125 > a.employees * 216)::int),
                  avg((a.turnover > 0 AND b.turnover * 125 > a.turnover * 216)::int)
           FROM panel a JOIN panel b
             ON a.enterprise_id = b.enterprise_id AND b.year = a.year + 3
           WHERE a.employees >= 10"""
    ).fetchone()
    assert assessed > 10_000
    assert 0.04 <= emp_share <= 0.05
    assert emp_share < turn_share < 3 * emp_share


def test_cli_writes_the_three_files(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = runner.invoke(
        app, ["synth", "--enterprises", "500", "--seed", "1", "--out", str(out), "--years", "5"]
    )
    assert result.exit_code == 0, result.output
    assert "500 enterprises" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    with open(out / POPULATION_FILE, newline="") as fh:
        years = {int(r["year"]) for r in csv.DictReader(fh)}
    assert years == set(range(2012, 2017))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--enterprises", "0"], "--enterprises: expected an integer from 1"),
        (["--enterprises", "-5"], "--enterprises: expected an integer from 1"),
        (["--enterprises", "10", "--years", "0"], "--years: expected"),
        (["--enterprises", "10", "--seed", "-1"], "--seed: expected"),
        (["--enterprises", "10", "--lads", "3"], "--lads: expected"),
        (["--enterprises", "10", "--start-year", "2095"], "after 2100"),
    ],
)
def test_bad_arguments_exit_2_and_write_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["synth", *args, "--out", str(out)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no staging folder left behind either


def test_not_a_number_and_out_is_a_file_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--enterprises", "many", "--out", str(tmp_path)])
    assert result.exit_code == 2
    target = tmp_path / "file.txt"
    target.write_text("keep me")
    result = runner.invoke(app, ["synth", "--enterprises", "5", "--out", str(target)])
    assert result.exit_code == 2
    assert "is not a folder" in result.stderr
    assert target.read_text() == "keep me"


def test_generate_reports_every_bad_argument_at_once() -> None:
    with pytest.raises(InputError) as err:
        generate(SynthSpec(enterprises=0, seed=-1, years=0), Path("unused"))
    assert len(err.value.problems()) == 3


def test_scaleup_compute_accepts_the_synthetic_files(tmp_path: Path) -> None:
    """The files pass compute's own validation; every LAD gets a row for every end year."""
    data = tmp_path / "data"
    generate(SynthSpec(enterprises=4_000, seed=2, start_year=2014, years=6, lads=24), data)
    out = tmp_path / "tables"
    result = runner.invoke(
        app,
        [
            "compute",
            "--panel",
            str(data / PANEL_FILE),
            "--population",
            str(data / POPULATION_FILE),
            "--geography",
            str(data / GEOGRAPHY_FILE),
            "--out",
            str(out),
            "--raw",
            "-q",
        ],  # fmt: skip
    )
    assert result.exit_code == 0, result.output
    con = duckdb.connect()
    lad_year = f"read_csv('{out / 'lad_year.csv'}')"
    cells, lads, years, scaleups = con.execute(
        f'SELECT count(*), count(DISTINCT lad_code), count(DISTINCT year), sum("any") '
        f"FROM {lad_year}"
    ).fetchone()
    assert (lads, years, cells) == (24, 3, 72)  # end years 2017-2019
    assert scaleups > 0
