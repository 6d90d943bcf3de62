"""Spark on a real standalone cluster on this machine: a master and a worker JVM started
from the PySpark package's ``bin/spark-class``, executors in processes of their own (the
worker's Python is this environment's), all on 127.0.0.1 with free ports. The metrics
suite and one full ``scaleup compute`` run against ``spark://127.0.0.1:PORT`` and give
DuckDB's tables. The cluster is always torn down."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from scaleup.synth import PANEL_FILE, SynthSpec, generate
from support.spark import SPARK_TEST_MASTER, skip_without_spark

pyspark = pytest.importorskip("pyspark")

pytestmark = [pytest.mark.spark, pytest.mark.slow]

TESTS = Path(__file__).parent
TABLE_NAMES = ("lad_year", "lad_compare", "area_year", "area_summary")


def _free_ports(n: int) -> list[int]:
    """``n`` different free ports: all held open while chosen, so none is chosen twice."""
    held = [socket.socket() for _ in range(n)]
    try:
        for s in held:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in held]
    finally:
        for s in held:
            s.close()


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _alive_workers(ui_port: int, master_log: Path) -> int:
    """The master's count of alive workers, from its web UI's JSON. The UI is on
    ``ui_port`` unless that port was taken between choosing it and the master binding it:
    Spark then moves to the next free port and says so in its log, which is read here."""
    found = re.findall(r"'MasterUI' on port (\d+)", _text(master_log))
    port = int(found[-1]) if found else ui_port
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/", timeout=5) as reply:
            return int(json.load(reply).get("aliveworkers", 0))
    except (OSError, ValueError):
        return 0


def _text(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A standalone master and one worker (1 core, 1 GB); yields the environment that
    points a process at it (``spark://127.0.0.1:PORT`` as the engine's master)."""
    skip_without_spark()
    spark_home = Path(pyspark.__file__).parent
    logs = tmp_path_factory.mktemp("spark-cluster")
    port, ui_port, worker_ui = _free_ports(3)
    master_url = f"spark://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SPARK_HOME": str(spark_home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "PYSPARK_PYTHON": sys.executable,
        "SPARK_NO_DAEMONIZE": "1",
    }
    spark_class = str(spark_home / "bin" / "spark-class")
    commands = {
        "master": [
            spark_class, "org.apache.spark.deploy.master.Master",
            "--host", "127.0.0.1", "--port", str(port), "--webui-port", str(ui_port),
        ],
        "worker": [
            spark_class, "org.apache.spark.deploy.worker.Worker",
            "--host", "127.0.0.1", "--webui-port", str(worker_ui),
            "--cores", "1", "--memory", "1g", "--work-dir", str(logs / "work"),
            master_url,
        ],
    }  # fmt: skip
    procs: list[subprocess.Popen] = []
    try:
        for name, cmd in commands.items():
            with open(logs / f"{name}.log", "wb") as out:
                procs.append(
                    subprocess.Popen(
                        cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
                    )
                )
            if name == "master":
                _wait(lambda: _port_open(port), procs, logs, "master")
        _wait(lambda: _alive_workers(ui_port, logs / "master.log") == 1, procs, logs, "worker")
        yield {
            **env,
            "SCALEUP_ENGINE__SPARK_MASTER": master_url,
            SPARK_TEST_MASTER: master_url,
        }
    finally:
        for proc in reversed(procs):
            _stop(proc)


def _port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def _wait(ready, procs: list[subprocess.Popen], logs: Path, what: str) -> None:
    deadline = time.monotonic() + 180
    while not ready():
        for proc, name in zip(procs, ("master", "worker"), strict=False):
            if proc.poll() is not None:
                pytest.fail(f"Spark {name} exited: {(logs / f'{name}.log').read_text()[-2000:]}")
        if time.monotonic() > deadline:
            told = "\n".join(
                f"{n}.log: {_text(logs / f'{n}.log')[-2000:]}" for n in ("master", what)
            )
            pytest.fail(f"Spark {what} did not start within 180 s:\n{told}")
        time.sleep(0.5)


def _scaleup(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    scaleup = str(Path(sys.executable).with_name("scaleup"))
    return subprocess.run(
        [scaleup, *args], capture_output=True, text=True, env=env, timeout=900, cwd=cwd
    )


def test_scaleup_compute_on_the_cluster_gives_duckdbs_tables(cluster, tmp_path: Path) -> None:
    """The panel as a folder of part files, read and checked by the cluster's executors."""
    data = tmp_path / "data"
    generate(SynthSpec(enterprises=3_000, seed=5, years=6, lads=25), data)
    parts = tmp_path / "lake" / "panel"
    parts.mkdir(parents=True)
    table = pq.read_table(data / PANEL_FILE)
    step = table.num_rows // 3 + 1
    for i in range(3):
        pq.write_table(table.slice(i * step, step), parts / f"part-{i:05d}.parquet")
    inputs = ["--population", str(data / "population.csv"), "--geography"]
    inputs += [str(data / "geography.csv"), "--raw", "-q"]
    plain = {k: v for k, v in cluster.items() if not k.startswith("SCALEUP_")}
    duck = _scaleup(
        ["compute", "--panel", str(data / PANEL_FILE), *inputs, "--out", "duck"], plain, tmp_path
    )
    assert duck.returncode == 0, duck.stderr[-3000:]
    spark = _scaleup(
        ["compute", "--panel", f"file://{parts}", *inputs, "--engine", "spark", "--out", "spark"],
        cluster,
        tmp_path,
    )
    assert spark.returncode == 0, spark.stderr[-3000:]
    for name in TABLE_NAMES:
        got = (tmp_path / "spark" / f"{name}.csv").read_text()
        assert got == (tmp_path / "duck" / f"{name}.csv").read_text(), name
    # Bad input is found by the executors too, with the part file and its row.
    bad = table.slice(0, 10).to_pylist()
    bad[4]["employees"] = -7
    pq.write_table(type(table).from_pylist(bad, table.schema), parts / "part-00001.parquet")
    failed = _scaleup(
        ["compute", "--panel", str(parts), *inputs, "--engine", "spark", "--out", "bad"],
        cluster,
        tmp_path,
    )
    assert failed.returncode == 2, failed.stderr[-3000:]
    assert "error: panel/part-00001.parquet: row 5: employees: '-7' is negative" in failed.stderr
    assert not (tmp_path / "bad").exists()


def test_the_metrics_suite_on_the_cluster(cluster) -> None:
    """Every metrics test's Spark case, in a process whose Spark is the cluster."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(TESTS / "metrics"), "-m", "spark", "-q",
         "-p", "no:cacheprovider", "-x"],
        capture_output=True, text=True, env=cluster, timeout=1800, cwd=TESTS.parent,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and " skipped" not in done.stdout, done.stdout[-2000:]
