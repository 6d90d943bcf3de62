"""The store connects and migrates on both backends, and reports reachability."""

from __future__ import annotations

from sqlalchemy import inspect

from scaleup.config import load_settings
from scaleup.store import db
from scaleup.web.app import create_app


def test_migrate_and_reach_both_backends(store_url: str) -> None:
    engine = db.make_engine(store_url)
    db.migrate(engine)
    assert db.is_reachable(engine)
    assert "alembic_version" in inspect(engine).get_table_names()
    db.migrate(engine)  # idempotent


def test_unreachable_store_is_reported(tmp_path) -> None:
    engine = db.make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert not db.is_reachable(engine)


def test_healthz(store_url: str) -> None:
    from fastapi.testclient import TestClient

    overrides = {"database_url": store_url, "environment": "development"}
    app = create_app(load_settings(environ={}, overrides=overrides))
    with TestClient(app) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
