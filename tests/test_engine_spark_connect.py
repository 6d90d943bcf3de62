"""Spark Connect, as on a real cluster: a Spark Connect server in its own JVM, and scaleup
pointed at it with ``SCALEUP_ENGINE__SPARK_REMOTE=sc://host:port`` from another process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scaleup.synth import PANEL_FILE, SynthSpec, generate
from support.spark import skip_without_spark

pyspark = pytest.importorskip("pyspark")

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def connect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Spark Connect server (local[1], 512 MB) on a free loopback port."""
    skip_without_spark()
    spark_home = Path(pyspark.__file__).parent
    port = _free_port()
    log = tmp_path_factory.mktemp("spark-connect") / "server.log"
    cmd = [
        str(spark_home / "bin" / "spark-submit"),
        "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
        "--master", "local[1]",
        "--conf", f"spark.connect.grpc.binding.port={port}",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.driver.memory=512m",
        "--conf", "spark.sql.shuffle.partitions=2",
        "spark-internal",
    ]  # fmt: skip
    env = {**os.environ, "SPARK_HOME": str(spark_home), "SPARK_LOCAL_IP": "127.0.0.1"}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                pytest.fail(f"Spark Connect server exited: {log.read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"Spark Connect server did not start: {log.read_text()[-2000:]}")
                time.sleep(0.5)
        yield f"sc://127.0.0.1:{port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def assert_tables_as_duckdb(args: list[str], spark_out: Path, duck_out: Path) -> None:
    """``scaleup *args`` on DuckDB writes the four tables Spark wrote to ``spark_out``."""
    scaleup = str(Path(sys.executable).with_name("scaleup"))
    duck = subprocess.run([scaleup, *args, "--out", str(duck_out)], capture_output=True, text=True)
    assert duck.returncode == 0, duck.stderr
    for name in ("lad_year", "lad_compare", "area_year", "area_summary"):
        spark_csv = (spark_out / f"{name}.csv").read_text()
        assert spark_csv == (duck_out / f"{name}.csv").read_text(), name


def test_scaleup_compute_on_a_spark_connect_server(connect_server: str, tmp_path: Path) -> None:
    """`scaleup compute --engine spark` through Spark Connect writes DuckDB's tables."""
    data = tmp_path / "data"
    generate(SynthSpec(enterprises=2_000, seed=9, years=5, lads=25), data)
    args = [
        "compute", "--panel", str(data / PANEL_FILE), "--population",
        str(data / "population.csv"), "--geography", str(data / "geography.csv"), "-q",
    ]  # fmt: skip
    scaleup = str(Path(sys.executable).with_name("scaleup"))
    env = {**os.environ, "SCALEUP_ENGINE__SPARK_REMOTE": connect_server}
    done = subprocess.run(
        [scaleup, *args, "--engine", "spark", "--out", str(tmp_path / "spark")],
        capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert_tables_as_duckdb(args, tmp_path / "spark", tmp_path / "duckdb")


DRIVER = "from scaleup.cli.main import main\nmain()\n"


def test_scaleup_compute_under_spark_submit(tmp_path: Path) -> None:
    """`spark-submit driver.py compute --engine spark` keeps spark-submit's master and
    writes the same tables as DuckDB."""
    skip_without_spark()
    data = tmp_path / "data"
    generate(SynthSpec(enterprises=2_000, seed=4, years=5, lads=25), data)
    (tmp_path / "driver.py").write_text(DRIVER)
    args = [
        "compute", "--panel", str(data / PANEL_FILE), "--population",
        str(data / "population.csv"), "--geography", str(data / "geography.csv"), "--raw", "-q",
    ]  # fmt: skip
    spark_home = Path(pyspark.__file__).parent
    env = {**os.environ, "SPARK_HOME": str(spark_home), "SPARK_LOCAL_IP": "127.0.0.1"}
    submit = [
        str(spark_home / "bin" / "spark-submit"),
        "--master", "local[1]",
        "--conf", "spark.ui.enabled=false",
        "--conf", f"spark.pyspark.python={sys.executable}",
        str(tmp_path / "driver.py"),
    ]  # fmt: skip
    done = subprocess.run(
        [*submit, *args, "--engine", "spark", "--out", str(tmp_path / "spark")],
        capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert_tables_as_duckdb(args, tmp_path / "spark", tmp_path / "duckdb")
    assert '"backend": "spark"' in (tmp_path / "spark" / "meta.json").read_text()
