"""One local Spark session for the whole test run, shared by every Spark test.

Spark starts a JVM (several seconds), so the session is started once, lazily, by the first
test that asks for ``spark_backend``: ``local[2]``, few shuffle partitions, error-only
logs (see scaleup.engine). Without PySpark or without Java the Spark tests are skipped,
saying why (`make test` installs Java; `pip install "scaleup[spark]"` installs PySpark).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from scaleup.config import EngineSettings
from scaleup.engine import connect_spark

SPARK_TEST_MASTER = "SCALEUP_TEST_SPARK_MASTER"
"""Environment variable: run the Spark tests against this master instead of local[2]
(tests/test_engine_spark_cluster.py sets it to its standalone cluster's spark://)."""

SPARK_TEST_ENGINE = EngineSettings(
    backend="spark", spark_master=os.environ.get(SPARK_TEST_MASTER, "local[2]")
)


def skip_without_spark() -> None:
    """Skip the calling test when PySpark or a Java runtime is missing."""
    if importlib.util.find_spec("pyspark") is None:
        pytest.skip('Spark tests need PySpark: pip install "scaleup[spark]"')
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        pytest.skip(
            "Spark tests need Java: run `bash scripts/system-deps.sh` (or `make test`, "
            "which does) to install Debian's default-jre-headless"
        )


@pytest.fixture(scope="session")
def spark_backend() -> Iterator[Any]:
    """The Ibis PySpark backend on the shared local session (never disconnect it in a test)."""
    skip_without_spark()
    con = connect_spark(SPARK_TEST_ENGINE)
    yield con
    con.disconnect()
