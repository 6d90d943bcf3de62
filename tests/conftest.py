"""Suite-wide fixtures. Each test package keeps its own fixtures in its own conftest.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEST_OUTPUT = ROOT / "test-output"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No SCALEUP_* variable from the developer's shell leaks into a test."""
    for name in list(os.environ):
        if name.startswith("SCALEUP_"):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def test_output() -> Path:
    """A folder for artefacts a person may want to look at (screenshots, built sites)."""
    TEST_OUTPUT.mkdir(exist_ok=True)
    return TEST_OUTPUT


pytest_plugins = ["support.postgres", "support.spark", "finder.world"]
