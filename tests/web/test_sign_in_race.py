"""Sign-ins racing for one account under a real uvicorn, on SQLite and PostgreSQL: however
many arrive at once, at most ``ACCOUNT_FAILURES`` passwords are checked in the window
(the throttle's slot is taken in the store before the password is checked)."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from finder.world import add_user, settings_for
from scaleup.store import accounts
from scaleup.web.app import create_app
from support.serving import served

PARALLEL = 30


@pytest.fixture
def site(store_url: str) -> Any:
    app = create_app(settings_for(store_url))
    sessions = app.state.scaleup.sessions
    add_user(sessions, "target@example.org")
    with served(app) as url:
        yield url, sessions
    app.state.scaleup.engine.dispose()


def test_parallel_sign_ins_check_at_most_five_passwords(site) -> None:  # type: ignore[no-untyped-def]
    url, sessions = site
    clients = [httpx.Client(base_url=url, timeout=120) for _ in range(PARALLEL)]
    tokens = []
    for client in clients:  # each browser has its own session and CSRF token
        found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/admin/login").text)
        assert found
        tokens.append(found.group(1))
    start = threading.Barrier(PARALLEL)

    def attempt(n: int) -> int:
        start.wait()
        form = {
            "email": "target@example.org",
            "password": f"guess number {n}!",
            "csrf_token": tokens[n],
        }
        return clients[n].post("/admin/login", data=form).status_code

    try:
        with ThreadPoolExecutor(PARALLEL) as pool:
            statuses = list(pool.map(attempt, range(PARALLEL)))
    finally:
        for client in clients:
            client.close()
    assert set(statuses) <= {401, 429}, statuses
    assert statuses.count(401) <= accounts.ACCOUNT_FAILURES
    with sessions() as session:
        checked = session.scalar(
            select(func.count()).where(
                accounts.SignInAttempt.email == "target@example.org",
                accounts.SignInAttempt.checked.is_(True),
            )
        )
        refused = session.scalar(
            select(func.count()).where(accounts.SignInAttempt.checked.is_(False))
        )
    assert checked == statuses.count(401) and checked <= accounts.ACCOUNT_FAILURES
    assert checked + refused == PARALLEL
