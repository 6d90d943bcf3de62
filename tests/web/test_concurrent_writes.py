"""Writes racing for one programme, on both backends under a real uvicorn server: duplicate
ids are a 409, a change or removal of a programme removed meanwhile is a 404 (or 409),
and no request ever gets a 500."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from finder.world import add_user, record, save, settings_for, token_for
from scaleup.store import db, programmes
from scaleup.web.app import create_app
from support.serving import served

BODY = {
    "id": "racer",
    "name": "Racer",
    "provider": "P",
    "summary": "Raced for.",
    "url": "https://example.org/racer",
    "support_types": ["advice"],
    "areas": ["UK"],
}
PARALLEL = 16


@pytest.fixture
def site(store_url: str) -> Any:
    app = create_app(settings_for(store_url))
    sessions = app.state.scaleup.sessions
    add_user(sessions, "ed@example.org")
    headers = {"Authorization": f"Bearer {token_for(sessions, 'ed@example.org')}"}
    with served(app) as url:
        yield url, headers, sessions
    app.state.scaleup.engine.dispose()


def _all_at_once(calls: list[tuple[str, str, dict | None]], url: str, headers: dict) -> list[int]:
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:

        def one(call: tuple[str, str, dict | None]) -> int:
            method, path, body = call
            return client.request(method, path, json=body).status_code

        with ThreadPoolExecutor(len(calls)) as pool:
            return list(pool.map(one, calls))


def test_posts_of_one_id_one_wins_the_rest_409(site) -> None:  # type: ignore[no-untyped-def]
    url, headers, sessions = site
    calls = [("POST", "/api/v1/programmes", BODY | {"name": f"Racer {n}"}) for n in range(PARALLEL)]
    statuses = _all_at_once(calls, url, headers)
    assert sorted(statuses) == [201] + [409] * (PARALLEL - 1)
    with sessions() as session:
        assert programmes.get(session, "racer") is not None


def test_racing_patches_and_deletes_are_404_or_409_never_500(site) -> None:  # type: ignore[no-untyped-def]
    url, headers, sessions = site
    for round_ in range(3):
        save(sessions, record(id="racer", name=f"Racer {round_}"))
        calls: list[tuple[str, str, dict | None]] = []
        for n in range(PARALLEL):
            if n % 4 == 0:
                calls.append(("DELETE", "/api/v1/programmes/racer", None))
            else:
                calls.append(("PATCH", "/api/v1/programmes/racer", {"summary": f"Change {n}"}))
        statuses = _all_at_once(calls, url, headers)
        assert 500 not in statuses
        assert set(statuses) <= {200, 204, 404, 409}, statuses
        assert statuses.count(204) == 1  # one delete removed it; the others found nothing
        with sessions() as session:
            assert programmes.get(session, "racer") is None
        # every change that answered 200 came before the removal, and is in the history
        patched = statuses.count(200)
        with db.transaction(sessions) as session:
            from scaleup.store.history import history

            changes = [c for c in history(session, kind="programme", key="racer", limit=1000)]
        assert sum(c.action == "delete" for c in changes) == round_ + 1
        assert patched <= len(changes)


def test_a_huge_user_id_is_422_not_500(finder_app) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from finder.world import csrf_of, sign_in

    with TestClient(finder_app) as client:
        assert sign_in(client, "admin@example.org").status_code == 303
        token = csrf_of(client.get("/admin/users").text)
        response = client.post(
            "/admin/users/99999999999999999999999",
            data={"csrf_token": token, "role": "editor", "active": "true"},
        )
    assert response.status_code == 422
