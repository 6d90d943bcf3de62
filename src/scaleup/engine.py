"""The one place that names DuckDB or Spark.

Metrics are Ibis expressions; this module turns settings into an Ibis backend that
executes them. Everything else asks for ``connect(settings.engine)`` and works with the
backend through Ibis only.
"""

from __future__ import annotations

import os
from typing import Any

import ibis

from scaleup.config import EngineSettings

BACKENDS = ("duckdb", "spark")


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


def spark_session(engine: EngineSettings) -> Any:
    """A SparkSession: Spark Connect when ``spark_remote`` is set, else a local session."""
    from pyspark.sql import SparkSession  # imported lazily: Spark is optional

    builder = SparkSession.builder.appName("scaleup")
    if engine.spark_remote:
        return builder.remote(engine.spark_remote).getOrCreate()
    os.environ.setdefault("PYSPARK_PYTHON", os.sys.executable)
    return (
        builder.master(engine.spark_master)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )


def connect_spark(engine: EngineSettings) -> Any:
    return ibis.pyspark.connect(spark_session(engine))
