"""The Spark engine: a quiet local session, and the same answers as DuckDB on the same
Ibis expressions (exact medians, 64-bit sums, overflow refused rather than wrapped)."""

from __future__ import annotations

import warnings
from pathlib import Path

import ibis
import pandas as pd
import pytest

from scaleup.config import EngineSettings
from scaleup.engine import connect_duckdb
from scaleup.synth import PANEL_FILE, SynthSpec, generate

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def duck():
    con = connect_duckdb(EngineSettings())
    yield con
    con.disconnect()


def spark_conf(spark_backend, key: str) -> str:
    return spark_backend.raw_sql(f"SET {key}").collect()[0]["value"]


def test_local_session_is_configured_for_small_machines(spark_backend) -> None:
    assert spark_conf(spark_backend, "spark.ui.enabled") == "false"
    assert spark_conf(spark_backend, "spark.ui.showConsoleProgress") == "false"
    assert spark_conf(spark_backend, "spark.sql.ansi.enabled") == "true"
    assert spark_conf(spark_backend, "spark.sql.shuffle.partitions") == "8"  # 4 x local[2]
    assert spark_conf(spark_backend, "spark.sql.session.timeZone") == "UTC"


def both(duck, spark_backend, expr) -> tuple[pd.DataFrame, pd.DataFrame]:
    return duck.execute(expr), spark_backend.execute(expr)


def test_median_is_the_exact_ordinary_median(duck, spark_backend) -> None:
    """Mean of the two middle values for an even count; no approximate percentile."""
    values = [1, 2, 3, 1000, 5, 7, 9, 10**12, 10**12 + 1, 3, 3]
    groups = ["a"] * 4 + ["b"] * 3 + ["c"] * 2 + ["d"] * 2
    t = ibis.memtable({"g": groups, "x": values, "f": [v / 3 for v in values]})
    expr = t.group_by("g").aggregate(m=t.x.median(), mf=t.f.median()).order_by("g")
    d, s = both(duck, spark_backend, expr)
    assert d["m"].tolist() == [2.5, 7.0, 10**12 + 0.5, 3.0]
    pd.testing.assert_frame_equal(d, s, check_dtype=False)


def test_64_bit_sums_and_products_agree_and_overflow_is_an_error(duck, spark_backend) -> None:
    t = ibis.memtable(
        {"a": [2**40, 2**40, 7], "b": [2**20, 3, 2**61]}, schema={"a": "int64", "b": "int64"}
    )
    d, s = both(duck, spark_backend, t.aggregate(total=(t.a * 4095).sum(), n=t.count()))
    assert d.iloc[0]["total"] == (2**41 + 7) * 4095
    pd.testing.assert_frame_equal(d, s, check_dtype=False)
    overflow = t.aggregate(p=(t.a * t.b).sum())
    for con in (duck, spark_backend):
        with pytest.raises(Exception, match="(?i)overflow"):
            con.execute(overflow)


def test_a_synthetic_panel_gives_the_same_counts_on_both_engines(
    duck, spark_backend, tmp_path: Path
) -> None:
    """read_parquet, a self-join and grouped exact growth counts, as the metrics do."""
    generate(SynthSpec(enterprises=4_000, seed=3, years=6, lads=30), tmp_path)
    results = []
    for con in (duck, spark_backend):
        p = con.read_parquet(str(tmp_path / PANEL_FILE))
        a = p.select(sid=p.enterprise_id, end=p.year + 3, e0=p.employees)
        a = a.filter(a.e0 >= 10)
        j = a.join(p, [a.sid == p.enterprise_id, a.end == p.year])
        grown = (j.employees * 125 > j.e0 * 216).cast("int64")
        expr = j.group_by("lad_code", "year").aggregate(assessed=j.count(), scaleups=grown.sum())
        results.append(con.execute(expr.order_by("lad_code", "year")))
    d, s = results
    assert d["assessed"].sum() > 500 and d["scaleups"].sum() > 0
    pd.testing.assert_frame_equal(d, s, check_dtype=False)


def test_in_memory_tables_go_to_spark_as_arrow(duck, spark_backend) -> None:
    """pandas 3 strings, nulls and small ints arrive intact, without PySpark's slow
    row-by-row fallback (which announces itself with a UserWarning)."""
    frame = pd.DataFrame(
        {
            "code": ["E07000001", None, "W06000002"],
            "n": pd.array([1, None, 3], dtype="Int32"),
            "x": [0.5, None, 2.0],
        }
    )
    t = ibis.memtable(frame)
    expr = t.mutate(k=t.code.length()).order_by("n")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        s = spark_backend.execute(expr)
    pd.testing.assert_frame_equal(duck.execute(expr), s, check_dtype=False)


def test_a_failed_query_is_not_logged_as_json(spark_backend, capfd) -> None:
    """The error reaches the caller; PySpark's JSON log record of it is not printed."""
    t = ibis.memtable({"a": [2**62, 2**62]}, schema={"a": "int64"})
    with pytest.raises(Exception, match="(?i)overflow"):
        spark_backend.execute(t.aggregate(s=t.a.sum()))
    assert "SQLQueryContextLogger" not in capfd.readouterr().err


def test_where_the_engines_differ(duck, spark_backend) -> None:
    """The differences docs/spark.md lists: Spark refuses what DuckDB widens or makes inf."""
    t = ibis.memtable({"a": [2**62, 2**62], "b": [0, 0]}, schema={"a": "int64", "b": "int64"})
    assert int(duck.execute(t.a.sum())) == 2**63
    assert duck.execute(t.select(x=t.a / t.b))["x"].tolist() == [float("inf")] * 2
    with pytest.raises(Exception, match="(?i)overflow"):
        spark_backend.execute(t.a.sum())
    with pytest.raises(Exception, match="DIVIDE_BY_ZERO"):
        spark_backend.execute(t.select(x=t.a / t.b))
