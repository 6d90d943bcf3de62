"""The store connects and migrates on both backends, and reports reachability."""

from __future__ import annotations

from sqlalchemy import inspect

from scaleup.config import load_settings
from scaleup.store import db
from scaleup.web.app import create_app
from support.running import run_async


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


def test_health_checks_at_once_share_one_store_check(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Checks that arrive while one asks the store are told its outcome (one connection for
    many); a check after it asks again, and an unreachable store is a 503."""
    import asyncio
    import threading
    import time

    from scaleup.web.app import StoreCheck

    asked = []
    answer = {"value": True}

    def slow(_engine):  # type: ignore[no-untyped-def]
        asked.append(threading.get_ident())
        time.sleep(0.2)
        return answer["value"]

    monkeypatch.setattr(db, "is_reachable", slow)
    check = StoreCheck(db.make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}"))

    async def main() -> tuple[list[bool], bool]:
        together = await asyncio.gather(*(check() for _ in range(20)))
        answer["value"] = False
        return list(together), await check()

    together, later = run_async(main())
    assert together == [True] * 20 and len(asked) == 2 and later is False

    app = create_app(load_settings(environ={}, overrides={"environment": "development"}),
                     workspace=tmp_path)  # fmt: skip
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json() == {"status": "unavailable"}
