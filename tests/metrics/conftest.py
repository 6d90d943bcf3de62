"""Metrics tests run on every engine through one ``backend`` fixture."""

from __future__ import annotations

import pytest

from scaleup import engine
from scaleup.config import EngineSettings

BACKENDS = ["duckdb"]


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest):
    """An Ibis backend from engine.connect for each engine in BACKENDS."""
    con = engine.connect(EngineSettings(backend=request.param))
    yield con
    con.disconnect()
