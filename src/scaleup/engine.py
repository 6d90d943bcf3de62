"""The one place that names DuckDB or Spark.

Metrics are Ibis expressions; this module turns settings into an Ibis backend that
executes them. Everything else asks for ``connect(settings.engine)`` and works with the
backend through Ibis only.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import itertools
import logging
import os
import re
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import duckdb
import ibis

from scaleup.config import EngineSettings
from scaleup.errors import ConfigError

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
    # No progress bars on stderr (DuckDB draws them after 2 s, even with --quiet or into
    # a log file); the command reports its own steps.
    raw.execute("SET enable_progress_bar = false")
    return con


@contextlib.contextmanager
def in_file_order(backend: Any) -> Iterator[None]:
    """Queries of the checking DuckDB return rows in the order of the file they read
    (it is set to any order, which is faster, otherwise)."""
    backend.raw_sql("SET preserve_insertion_order = true")
    try:
        yield
    finally:
        backend.raw_sql("SET preserve_insertion_order = false")


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


def reads_in_cluster(backend: Any) -> bool:
    """Whether ``backend`` is a cluster engine (Spark): it reads and checks the panel
    itself, where the data lie, and the driver fetches only small tables from it."""
    return backend is not None and backend.name == "pyspark"


def drop_view(backend: Any, name: str) -> None:
    """Drop a temporary view made while checking (names made here, never from input).

    Raw SQL for DuckDB because Ibis 12's ``drop_view`` renders an empty name with it."""
    if reads_in_cluster(backend):
        backend._session.catalog.dropTempView(name)
    else:
        backend.raw_sql(f"DROP VIEW IF EXISTS {_quoted(name)}")


# --- the panel read by Spark, where it lies -------------------------------------------

FILE_BITS = 40
"""A row read by Spark is numbered ``file index << FILE_BITS | row (or line)``: the part
file and the row within it in one whole number, ordered as the files and their rows."""

PARQUET_SUFFIXES = (".parquet", ".pq")
CSV_SUFFIXES = (".csv",)
ROW, FIELDS, UTF8 = "_row", "_fields", "_utf8"
"""Columns a view of ``read_in_cluster`` adds: the row (FILE_BITS), and for CSV how many
fields the line has and whether it is valid UTF-8."""


class Unreadable(Exception):
    """A location Spark cannot read as a panel: the message says why (no traceback)."""


@dataclass(frozen=True)
class ClusterRead:
    """A file or folder of part files read by Spark into a temporary view.

    The view has the file's columns under their lower-case names, ROW (see FILE_BITS)
    and, for CSV, FIELDS and UTF8. ``files``: the part files' names, in order.
    """

    view: str
    files: tuple[str, ...]
    parquet: bool
    names: tuple[str, ...]
    """The columns as the file names them (Parquet schema, or the CSV header)."""
    arrow_schema: Any
    """Parquet: a pyarrow schema of the columns (their types are checked); CSV: None."""
    rows: int
    """Data rows (Parquet) or lines after the header, blank ones included (CSV)."""


_cluster_views = itertools.count(1)


def _spark_errors() -> tuple[type[Exception], ...]:
    from pyspark.errors import PySparkException

    errors: list[type[Exception]] = [PySparkException]
    try:
        from py4j.protocol import Py4JJavaError  # type: ignore[import-untyped]

        errors.append(Py4JJavaError)
    except ImportError:  # Spark Connect only
        pass
    return tuple(errors)


def spark_read_errors(backend: Any) -> tuple[type[Exception], ...]:
    """What a query on a view of ``read_in_cluster`` raises when a file is unreadable."""
    return _spark_errors() if reads_in_cluster(backend) else READ_ERRORS


def reason(exc: Exception) -> str:
    """The first line of a Spark error that says what is wrong (no JVM stack)."""
    text = str(exc)
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("An error occurred while calling", "at ", "JVM stack")):
            return re.sub(r"\s*SQLSTATE: \w+\.?$", "", line)
    return type(exc).__name__


def _same_path(column: Any) -> Any:
    """A file path as Spark's ``_metadata.file_path`` and ``inputFiles()`` both write it
    (``file:/x`` and ``file:///x`` are one file)."""
    from pyspark.sql import functions as F

    return F.regexp_replace(column, "^file:/+", "file:/")


def _normal(path: str) -> str:
    return re.sub(r"^file:/+", "file:/", path)


def _ways(path: str) -> tuple[str, ...]:
    """A listed file's path as ``inputFiles()`` writes it and as ``_metadata.file_path``
    does (``file:///x`` and ``file:/x``; the same for other file systems)."""
    return tuple(dict.fromkeys((path, _normal(path))))


def read_in_cluster(backend: Any, location: str) -> ClusterRead:
    """Read ``location`` (a Parquet or CSV file, or a folder of part files; local or a
    Hadoop path) with Spark, as a temporary view; nothing comes to the driver but the
    file listing, the schema, the CSV header and one count per file block.

    Raises ``Unreadable`` for a location Spark cannot list or read.
    """
    session = backend._session
    errors = _spark_errors()
    suffix = Path(str(location).rstrip("/")).suffix.lower()
    try:
        if suffix in PARQUET_SUFFIXES:
            parquet = True
            read = session.read.parquet(location)  # its schema is read once, here
            files = read.inputFiles()
        else:
            files = session.read.text(location).inputFiles()
            kinds = {_kind(f) for f in files}
            if suffix not in CSV_SUFFIXES and kinds == {"parquet"}:
                parquet = True
            elif suffix in CSV_SUFFIXES or kinds == {"csv"}:
                parquet = False
            elif not files:
                raise Unreadable("no files in it")
            else:
                raise Unreadable(
                    "expected .csv or .parquet part files, found "
                    + ", ".join(sorted({Path(f).name for f in files if not _kind(f)})[:3])
                    if None in kinds
                    else "mixes .csv and .parquet files; give one kind"
                )
    except errors as exc:
        if "PATH_NOT_FOUND" in str(exc):
            raise Unreadable(f"no such file or folder: {location}") from None
        raise Unreadable(f"cannot be read: {reason(exc)}") from None
    files = sorted(files)
    names = tuple(unquote(Path(f).name) for f in files)  # the URLs are %-encoded
    view = f"_cluster_{next(_cluster_views)}"
    try:
        if parquet:
            # The location, not the listed files: their URLs are %-encoded (a space is
            # %20), and a path is not decoded when given back to Spark.
            frame = read if suffix in PARQUET_SUFFIXES else session.read.parquet(location)
            return _parquet_view(session, frame, files, names, view)
        return _csv_view(session, location, files, names, view)
    except errors as exc:
        what = "not a readable Parquet file" if parquet else "cannot be read"
        raise Unreadable(f"{what}: {reason(exc)}") from None


def _kind(path: str) -> str | None:
    name = path.lower()
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if name.endswith(CSV_SUFFIXES):
        return "csv"
    return None


_PATH, _FILE, _INDEX = "_scaleup_path", "_scaleup_file", "_scaleup_index"
"""Columns of a read before its view: each row's file path, file index and row index."""


def _file_index(session: Any, files: list[str]) -> Any:
    """The part files' paths and their index (0, 1, ... in ``files``' order), a small
    table to broadcast: column _PATH holds each path as ``inputFiles()`` and as
    ``_metadata.file_path`` write it (``file:///x``, ``file:/x``), _FILE its index.

    Grouped by path, so that Spark knows each path is there once: a left join on it
    that a query takes no column from is then dropped from the query's plan."""
    from pyspark.sql import functions as F

    pairs = {(way, i) for i, f in enumerate(files) for way in _ways(f)}
    table = session.createDataFrame(sorted(pairs), f"{_PATH} string, {_FILE} int")
    return table.groupBy(_PATH).agg(F.min(_FILE).alias(_FILE))


def _with_file(session: Any, frame: Any, files: list[str]) -> Any:
    """``frame`` (with column _PATH, ``_metadata.file_path``) with column _FILE, the index
    of each row's file in ``files``, instead of _PATH.

    One file: the constant 0. Part files: each row's path is looked up in
    the broadcast ``_file_index`` (a hash join: no per-row string work beyond the
    hash); a path written another way than both forms there (never seen) is looked up
    in the list of files, with ``file:`` URLs normalised, as a fallback."""
    from pyspark.sql import functions as F

    if len(files) == 1:
        return frame.withColumn(_FILE, F.lit(0)).drop(_PATH)
    slow = _listed_index(F.col(_PATH), files)
    joined = frame.join(F.broadcast(_file_index(session, files)), _PATH, "left")
    return joined.withColumn(_FILE, F.coalesce(F.col(_FILE), slow)).drop(_PATH)


def _listed_index(path: Any, files: list[str]) -> Any:
    """The index in ``files`` of the file at ``path`` (a column), looked up in the list
    with ``file:`` URLs normalised, per row: the slow way, for a path written neither
    way that ``_ways`` knows (never seen)."""
    from pyspark.sql import functions as F

    listed = F.array(*[F.lit(_normal(f)) for f in files])
    return F.array_position(listed, _same_path(path)).cast("int") - F.lit(1)


UNION_FILES = 64
"""Up to this many Parquet part files, each row's file index is a constant of its file's
own scan (``_each_file``); beyond, a broadcast join looks it up (``_with_file``)."""


def _each_file(frame: Any, files: list[str]) -> Any:
    """``frame`` (with column _PATH) with column _FILE, the index of each row's file in
    ``files``, instead of _PATH: one scan per file, its index a constant, unioned.

    Each scan keeps the rows of one path (``inputFiles()``'s form or
    ``_metadata.file_path``'s); Spark tests that on the file listing, so each file is read
    by its own scan only, and per row only an equality of two short strings remains. Rows
    of a path written neither way (never seen) go to one more scan, which looks the path
    up in the list (normally it reads no file at all)."""
    from pyspark.sql import functions as F

    path = F.col(_PATH)
    ways = [_ways(f) for f in files]
    scans = [
        frame.where(path.isin(*both)).withColumn(_FILE, F.lit(i)) for i, both in enumerate(ways)
    ]
    other = frame.where(~path.isin(*[w for both in ways for w in both])).withColumn(
        _FILE, _listed_index(path, files)
    )
    return functools.reduce(lambda a, b: a.unionAll(b), [*scans, other]).drop(_PATH)


def _parquet_view(
    session: Any, frame: Any, files: list[str], names: tuple[str, ...], view: str
) -> ClusterRead:
    import pyarrow as pa
    from ibis.backends.pyspark.datatypes import PySparkType
    from pyspark.sql import functions as F

    columns = tuple(frame.columns)
    schema = pa.schema(
        [pa.field(f.name, PySparkType.to_ibis(f.dataType).to_pyarrow()) for f in frame.schema]
    )
    rows = frame.count()  # from the files' footers
    values = [F.col(f"`{c}`").alias(n) for c, n in zip(columns, _unique(columns), strict=True)]
    read = frame.select(
        *values,
        F.col("_metadata.row_index").alias(_INDEX),
        F.col("_metadata.file_path").alias(_PATH),
    )
    numbered = (
        _with_file(session, read, files) if len(files) > UNION_FILES else _each_file(read, files)
    )
    row = F.col(_FILE).cast("long") * F.lit(1 << FILE_BITS) + F.col(_INDEX) + F.lit(1)
    numbered.select(*_unique(columns), row.alias(ROW)).createOrReplaceTempView(view)
    return ClusterRead(view, names, True, columns, schema, rows)


def _csv_view(session: Any, location: str, files: list[str], names: tuple[str, ...], view: str):
    """CSV read as lines, so that each keeps its line number (header = line 1) and blank
    lines count, as when the file is read by the driver.

    A line's number is the lines before its file block (one count per block, summed here)
    plus its place in the block: ``monotonically_increasing_id`` rises by one per line
    within a task, and a block is read by one task, in order. Lines are matched to their
    block by path and start (a broadcast hash join); the file index of each block is
    looked up on the small table of blocks, not per line.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    lines = session.read.text(location).select(
        F.col("value"),
        F.col("_metadata.file_path").alias(_PATH),
        F.col("_metadata.file_block_start").alias("_block"),
        F.monotonically_increasing_id().alias("_id"),
    )
    blocks = lines.groupBy(_PATH, "_block").agg(
        F.count(F.lit(1)).alias("_n"), F.min("_id").alias("_first")
    )
    blocks = _with_file(session, blocks.withColumn("_key", F.col(_PATH)), files)
    before = F.sum("_n").over(
        Window.partitionBy(_FILE).orderBy("_block").rowsBetween(Window.unboundedPreceding, -1)
    )
    blocks = blocks.select(
        F.col("_key").alias(_PATH),
        "_block",
        F.col(_FILE).cast("long").alias("_file"),
        "_first",
        F.coalesce(before, F.lit(0)).alias("_before"),
    )
    numbered = lines.join(F.broadcast(blocks), [_PATH, "_block"]).select(
        "value",
        "_file",
        (F.col("_before") + F.col("_id") - F.col("_first") + F.lit(1)).alias("_line"),
    )
    numbered.createOrReplaceTempView(f"{view}_lines")
    heads = {
        r["_file"]: r["value"]
        for r in session.sql(f"SELECT _file, value FROM {view}_lines WHERE _line = 1").collect()
    }
    per_file = {
        r["_file"]: r["n"]
        for r in numbered.groupBy("_file").agg(F.max("_line").alias("n")).collect()
    }
    empty = [names[i] for i in range(len(names)) if per_file.get(i, 0) == 0]
    if empty:
        raise Unreadable(f"empty file (expected a header row and data): {', '.join(empty[:3])}")
    headers = {i: _header(heads[i]) for i in heads}
    first = headers[0]
    same = [n.strip().lower() for n in first]
    differ = [names[i] for i, h in headers.items() if [n.strip().lower() for n in h] != same]
    if differ:
        raise Unreadable(
            f"part files with another header than {names[0]}: {', '.join(sorted(differ)[:3])}"
        )
    width = len(first)
    schema = ", ".join(f"`_c{i}` STRING" for i in range(width))
    options = {  # RFC 4180 quoting, white space kept (the checks strip it), as Arrow reads
        "escape": '"',
        "ignoreLeadingWhiteSpace": "false",
        "ignoreTrailingWhiteSpace": "false",
    }
    unquoted = F.regexp_replace("value", '"([^"]|"")*"', "")
    fields = F.length(unquoted) - F.length(F.regexp_replace(unquoted, ",", "")) + F.lit(1)
    data = numbered.where((F.col("_line") > 1) & (F.col("value") != ""))
    parsed = data.select(
        F.from_csv("value", schema, options).alias("_p"),
        (F.col("_file") * F.lit(1 << FILE_BITS) + F.col("_line")).alias(ROW),
        fields.cast("int").alias(FIELDS),
        _valid_utf8(F.col("value")).alias(UTF8),
    )
    parsed.select(
        *[F.col(f"_p._c{i}").alias(n) for i, n in enumerate(_unique(first))],
        ROW,
        FIELDS,
        UTF8,
    ).createOrReplaceTempView(view)
    rows = sum(n - 1 for n in per_file.values())
    return ClusterRead(view, names, False, tuple(first), None, rows)


def _valid_utf8(line: Any) -> Any:
    """Whether a line is valid UTF-8 (Spark 4; before it, every line passes this test and
    only the value checks see the bytes)."""
    from pyspark.sql import functions as F

    test = getattr(F, "is_valid_utf8", None)
    return test(line) if test is not None else F.lit(True)


def _unique(names: Any) -> list[str]:
    """Lower-case column names, a placeholder for an empty or repeated one (the
    declared columns are matched by their lower-case name; repeats are refused)."""
    seen: set[str] = set()
    out = []
    for i, name in enumerate(names):
        low = name.strip().lower()
        kept = low and low not in seen and low not in (ROW, FIELDS, UTF8, _PATH, _FILE, _INDEX)
        out.append(low if kept else f"_extra{i}")
        seen.add(low)
    return out


def _header(line: str) -> list[str]:
    return next(csv.reader(io.StringIO(line.removeprefix("\ufeff"))), [])


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
