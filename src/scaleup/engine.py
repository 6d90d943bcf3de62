"""The one place that names DuckDB or Spark.

Metrics are Ibis expressions; this module turns settings into an Ibis backend that
executes them. Everything else asks for ``connect(settings.engine)`` and works with the
backend through Ibis only.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
import ibis

from scaleup.config import EngineSettings
from scaleup.errors import ConfigError

BACKENDS = ("duckdb", "spark")

READ_ERRORS: tuple[type[Exception], ...] = (duckdb.Error,)
"""What the checking DuckDB raises when it cannot read a file (see ``parquet_view``)."""


def connect(engine: EngineSettings | None = None) -> Any:
    """An Ibis backend for the configured engine (a fresh in-memory DuckDB by default)."""
    engine = engine or EngineSettings()
    if engine.backend == "duckdb":
        return connect_duckdb(engine)
    if engine.backend == "spark":
        return connect_spark(engine)
    raise ValueError(f"unknown backend {engine.backend!r}")  # guarded by the config model


def connect_duckdb(engine: EngineSettings) -> Any:
    con = ibis.duckdb.connect()
    raw = con.con
    if engine.threads:
        raw.execute(f"SET threads = {int(engine.threads)}")
    if engine.memory_limit:
        raw.execute("SET memory_limit = ?", [engine.memory_limit])
    raw.execute("SET preserve_insertion_order = false")
    return con


def parquet_view(backend: Any, path: Path, names: dict[str, str], row: str, view: str) -> Any:
    """A Parquet file as a temporary view of the checking DuckDB, read where it lies.

    Column ``names[k]`` of the file is called ``k``; ``row`` is the row's position in the
    file (first = 1). Nothing is loaded into memory: each query scans the file. A file
    DuckDB cannot read raises one of ``READ_ERRORS`` (at the latest when a query first
    reads every value); drop the view with ``DROP VIEW``.
    """
    columns = ", ".join(f"{_quoted(name)} AS {_quoted(k)}" for k, name in names.items())
    source = "'" + str(path).replace("'", "''") + "'"
    backend.raw_sql(
        f"CREATE OR REPLACE TEMP VIEW {_quoted(view)} AS SELECT {columns}, "
        f"file_row_number + 1 AS {_quoted(row)} "
        f"FROM read_parquet({source}, file_row_number = true)"
    )
    return backend.table(view)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


SPARK_LOG_CONFIG = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = stderr
appender.stderr.type = Console
appender.stderr.name = stderr
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = spark: %p %c{1}: %m%n%ex{3}
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = error
logger.gateway.name = org.apache.spark.api.python.PythonGatewayServer
logger.gateway.level = error
logger.executor.name = org.apache.spark.executor.Executor
logger.executor.level = fatal
logger.tasks.name = org.apache.spark.scheduler.TaskSetManager
logger.tasks.level = fatal
"""
"""Spark's JVM logs only errors, in plain lines (not its default INFO/WARN JSON); a failed
task is not logged at all, as the query's error reaches Python anyway."""

SPARK_DRIVER_MEMORY = "2g"


def _local_cores(master: str) -> int:
    """Cores of a ``local``/``local[N]``/``local[*]`` master (the machine's for ``*``)."""
    if "[" not in master:
        return 1  # "local": one core (or a cluster master: its own defaults apply)
    inner = master.partition("[")[2].partition("]")[0].split(",")[0]
    if inner.isdigit():
        return max(int(inner), 1)
    return os.cpu_count() or 1


def _spark_memory(limit: str | None) -> str:
    """``memory_limit`` ("4GB", "512MB") as Spark writes memory ("4g", "512m")."""
    if not limit:
        return SPARK_DRIVER_MEMORY
    text = limit.strip().lower().replace("ib", "").replace("b", "")
    return text.replace(" ", "")


def _log_config() -> str:
    path = Path(tempfile.gettempdir()) / "scaleup-spark-log4j2.properties"
    if not path.is_file() or path.read_text() != SPARK_LOG_CONFIG:
        path.write_text(SPARK_LOG_CONFIG)
    return str(path)


def _check_reachable(remote: str) -> None:
    """Fail fast on a Spark Connect URL nobody answers (the client would retry for minutes)."""
    url = urlsplit(remote)
    if url.scheme != "sc":
        if remote.startswith("local"):
            return  # "local[N]": pyspark starts a Spark Connect server in-process
        raise ConfigError(
            f"engine.spark_remote: expected a Spark Connect URL such as 'sc://host:15002', "
            f"got {remote!r}"
        )
    host, port = url.hostname or "localhost", url.port or 15002
    try:
        socket.create_connection((host, port), timeout=10).close()
    except OSError as exc:
        raise ConfigError(
            f"engine.spark_remote: no Spark Connect server answers at {host}:{port} "
            f"({exc.strerror or exc})"
        ) from None


def _quiet_query_errors() -> None:
    """PySpark 4 logs every failed query as a JSON record with the JVM stack trace; the
    error itself still reaches scaleup (exit 1 with one line, or 2 for bad settings)."""
    try:
        from pyspark.logger import PySparkLogger
    except ImportError:  # PySpark before 4.0 does not log them
        return
    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).setLevel(logging.CRITICAL)


def spark_session(engine: EngineSettings) -> Any:
    """A SparkSession: Spark Connect when ``spark_remote`` is set, else a local session.

    The local session (``spark_master``, default ``local[*]``) has no web UI, no console
    progress bar, error-only logs, Arrow transfers, a small number of shuffle partitions
    (adaptive execution merges them further) and ANSI SQL arithmetic, so an integer
    overflow is an error, as on DuckDB, never a silently wrong count.
    """
    try:
        from pyspark.errors import PySparkException
        from pyspark.sql import SparkSession  # imported lazily: Spark is optional
    except ImportError:
        raise ConfigError(
            'engine.backend = "spark" needs PySpark: pip install "scaleup[spark]"'
        ) from None

    _quiet_query_errors()
    if engine.spark_remote:
        _check_reachable(engine.spark_remote)
        try:
            return SparkSession.builder.remote(engine.spark_remote).getOrCreate()
        except ImportError as exc:
            raise ConfigError(
                f"engine.spark_remote needs the Spark Connect client ({exc.name} is missing): "
                'pip install "scaleup[spark]"'
            ) from None
        except (PySparkException, ValueError) as exc:
            raise ConfigError(
                f"engine.spark_remote: cannot use Spark Connect at {engine.spark_remote!r}: "
                f"{str(exc).splitlines()[0]}"
            ) from None

    # Under spark-submit the JVM is already running, with the master and resources that
    # spark-submit was given: those win, only SQL behaviour is set here.
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    if not submitted and not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise ConfigError(
            'engine.backend = "spark" needs a Java runtime (17 or later): none on PATH and '
            "JAVA_HOME is not set (Debian: apt-get install default-jre-headless)"
        )
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    master = engine.spark_master
    builder = SparkSession.builder.appName("scaleup")
    if not submitted:
        if master.startswith("local"):
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = (
            builder.master(master)
            .config("spark.driver.memory", _spark_memory(engine.memory_limit))
            .config("spark.driver.extraJavaOptions", f"-Dlog4j.configurationFile={_log_config()}")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", str(4 * _local_cores(master)))
        )
    builder = (
        builder.config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "true")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    try:
        session = builder.getOrCreate()
    except PySparkException as exc:
        raise ConfigError(
            f"engine: cannot start Spark ({master}): {str(exc).splitlines()[0]}"
        ) from None
    session.sparkContext.setLogLevel("ERROR")
    return session


def _arrow_spark_backend() -> type:
    from ibis.backends.pyspark import Backend

    ibis.pyspark  # noqa: B018 - first use registers the backend's options (its compiler reads them)

    class ArrowSparkBackend(Backend):
        """Ibis' PySpark backend, sending in-memory tables to Spark as Arrow.

        Ibis goes through pandas, and PySpark 4.0 cannot convert pandas 3's Arrow-backed
        strings: it warns and falls back to row-by-row transfer. An Arrow table goes in one
        batched transfer, on a local session and over Spark Connect alike.
        """

        def _register_in_memory_table(self, op: Any) -> None:
            data = op.data.to_pyarrow(op.schema)
            try:
                frame = self._session.createDataFrame(data)
            except TypeError:  # PySpark before 4.0 takes no Arrow tables
                super()._register_in_memory_table(op)
                return
            frame.createOrReplaceTempView(op.name)

    return ArrowSparkBackend


def connect_spark(engine: EngineSettings) -> Any:
    """The same Ibis metrics on PySpark (a local session or Spark Connect)."""
    session = spark_session(engine)
    return _arrow_spark_backend()().connect(session)
