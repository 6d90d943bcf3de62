"""Fixtures of the site tests: a small generated review built into a store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from scaleup.config import load_settings
from scaleup.publish.build import BuildResult, build_site
from scaleup.store import db
from scaleup.workspace import load_workspace
from support.review import make_tables, make_workspace, members


@pytest.fixture
def build(tmp_path: Path) -> Callable[..., tuple[BuildResult, Engine]]:
    """Build the generated review: ``build(url=None, content=None, strict=False, ...)``;
    ``tables`` replaces the generated tables."""

    def run(url: str | None = None, content=None, strict=False, employment_only=False,
            out: Path | None = None, tables=None):  # fmt: skip
        root = make_workspace(tmp_path / "ws", content)
        engine = db.make_engine(url or db.default_url(root))
        result = build_site(
            load_workspace(root), load_settings(environ={}), engine, out or root / "site",
            strict=strict, tables=tables or make_tables(employment_only), members=members(),
        )  # fmt: skip
        return result, engine

    return run
