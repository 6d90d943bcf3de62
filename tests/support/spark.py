"""One local Spark session for the whole test run, shared by every Spark test.

Spark starts a JVM (several seconds), so the session is started once, lazily, by the first
test that asks for ``spark_backend``: ``local[2]``, few shuffle partitions, error-only
logs (see scaleup.engine). Missing Java is a failure with instructions, never a skip:
`make test` installs it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from scaleup.config import EngineSettings
from scaleup.engine import connect_spark

SPARK_TEST_ENGINE = EngineSettings(backend="spark", spark_master="local[2]")


@pytest.fixture(scope="session")
def spark_backend() -> Iterator[Any]:
    """The Ibis PySpark backend on the shared local session (never disconnect it in a test)."""
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        pytest.fail(
            "Spark tests need Java: run `bash scripts/system-deps.sh` (or `make test`, "
            "which does) to install Debian's default-jre-headless"
        )
    con = connect_spark(SPARK_TEST_ENGINE)
    yield con
    con.disconnect()
