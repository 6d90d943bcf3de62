"""Metrics tests run on every engine through one ``backend`` fixture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import settings

from scaleup import engine
from scaleup.config import EngineSettings

BACKENDS = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]

SPARK_MAX_EXAMPLES = 3
"""Property tests draw fewer worlds on Spark: each query costs about a second there, and
every world is also checked on DuckDB, with the full number of examples."""


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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Cap the examples of a Hypothesis test while it runs on the Spark backend."""
    callspec = getattr(item, "callspec", None)
    test = getattr(item, "obj", None)
    current = getattr(test, "_hypothesis_internal_use_settings", None)
    if callspec is None or callspec.params.get("backend") != "spark" or current is None:
        yield
        return
    fewer = min(current.max_examples, SPARK_MAX_EXAMPLES)
    test._hypothesis_internal_use_settings = settings(current, max_examples=fewer)
    try:
        yield
    finally:
        test._hypothesis_internal_use_settings = current
