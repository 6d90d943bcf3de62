"""Metrics tests run on every engine through one ``backend`` fixture."""

from __future__ import annotations

import pytest

from scaleup import engine
from scaleup.config import EngineSettings

BACKENDS = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest):
    """An Ibis backend from engine.connect for each engine in BACKENDS.

    Spark is the suite's one shared local session (tests/support/spark.py): starting a JVM
    per module would be slow, and stopping it would stop it for every later test.
    """
    if request.param == "spark":
        yield request.getfixturevalue("spark_backend")
        return
    con = engine.connect(EngineSettings(backend=request.param))
    yield con
    con.disconnect()
