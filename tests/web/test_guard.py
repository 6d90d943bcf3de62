"""Security headers on every answer, and request bodies bounded before they are read
(web/guard.py): in-process for the headers, under a real uvicorn for the bodies."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from fastapi.testclient import TestClient

from finder.world import add_user, settings_for, token_for
from scaleup.web.app import create_app
from scaleup.web.guard import CSP, OPEN_BODY_BYTES
from support.serving import served

PAGES = [
    "/",
    "/finder/",
    "/admin/login",
    "/admin/",
    "/api/v1/programmes",
    "/openapi.json",
    "/healthz",
    "/no/such/page",
    "/api/v1/no-such",
    "/static/site.css",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_answer_carries_the_security_headers(finder_client: TestClient, path: str) -> None:
    response = finder_client.get(path)
    assert response.headers["content-security-policy"] == CSP
    assert "frame-ancestors 'none'" in CSP and "'unsafe-inline'" not in CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in response.headers  # plain HTTP


def test_hsts_only_over_https(finder_app: Any) -> None:
    with TestClient(finder_app, base_url="https://review.example.org") as secure:
        response = secure.get("/finder/")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


def test_hsts_behind_a_trusted_proxy_only(site: tuple[str, dict[str, str]]) -> None:
    """uvicorn believes X-Forwarded-Proto from web.trusted_proxies (here the default,
    127.0.0.1, which the test connects from)."""
    url, _ = site
    with httpx.Client(base_url=url) as client:
        proxied = client.get("/finder/", headers={"X-Forwarded-Proto": "https"})
        plain = client.get("/finder/")
    assert "strict-transport-security" in proxied.headers
    assert "strict-transport-security" not in plain.headers


def test_api_docs_have_their_own_policy_still_without_inline_script(
    finder_client: TestClient,
) -> None:
    policy = finder_client.get("/api/docs").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]


# --- request bodies ---------------------------------------------------------------------

LIMIT = 100_000


@pytest.fixture
def site(finder_sqlite_url: str) -> Iterator[tuple[str, dict[str, str]]]:
    app = create_app(settings_for(finder_sqlite_url, web={"max_request_bytes": LIMIT}))
    sessions = app.state.scaleup.sessions
    add_user(sessions, "bulk@example.org")
    headers = {"Authorization": f"Bearer {token_for(sessions, 'bulk@example.org')}"}
    with served(app, forwarded_allow_ips=app.state.scaleup.settings.web.trusted_proxies) as url:
        yield url, headers
    app.state.scaleup.engine.dispose()


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def send_huge(url: str, path: str, size: int, headers: dict[str, str]) -> tuple[int, float]:
    """POST ``size`` bytes (declared) over a raw socket as fast as the server takes them;
    returns the status of the answer and the seconds until it came."""
    where = urlparse(url)
    started = time.monotonic()
    with socket.create_connection((where.hostname, where.port), timeout=5) as sock:
        head = [f"POST {path} HTTP/1.1", f"Host: {where.netloc}", f"Content-Length: {size}"]
        head += ["Content-Type: application/json", *(f"{k}: {v}" for k, v in headers.items())]
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        chunk = b"x" * (1 << 20)
        sent = 0
        try:
            while sent < size:
                sock.sendall(chunk)
                sent += len(chunk)
        except OSError:  # the server answered and closed, or stopped reading
            pass
        answer = b""
        try:
            while b"\r\n" not in answer:
                data = sock.recv(4096)
                if not data:
                    break
                answer += data
        except OSError:
            pass
    elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 "), answer[:200]
    return int(answer.split()[1]), elapsed


@pytest.mark.slow
@pytest.mark.parametrize(
    ("limit", "expected"),
    [(LIMIT, (413, 413, 413)), (1024**3, (401, 401, 413))],
    ids=["over-the-limit", "within-the-limit-but-no-credentials"],
)
def test_huge_bodies_without_a_token_are_refused_unread(
    finder_sqlite_url: str, limit: int, expected: tuple[int, ...]
) -> None:
    """Four 200 MB bodies to each write route, no token: answered at once, never read (the
    issue saw 285 MB grow to 2.3 GB). With a limit above 200 MB it is the credentials check
    that answers, before the body."""
    app = create_app(settings_for(finder_sqlite_url, web={"max_request_bytes": limit}))
    with served(app) as url:
        before = rss_bytes()
        paths = ("/api/v1/programmes", "/admin/programmes/new", "/admin/login")
        for path, status in zip(paths, expected, strict=True):
            for _ in range(4):
                got, seconds = send_huge(url, path, 200 * 1024 * 1024, {})
                assert got == status, path
                assert seconds < 5, (path, seconds)
        assert rss_bytes() - before < 50 * 1024 * 1024
    app.state.scaleup.engine.dispose()


def test_a_body_over_the_limit_is_413_before_it_is_read(site: tuple[str, dict[str, str]]) -> None:
    url, headers = site
    status, _ = send_huge(url, "/api/v1/programmes", 200 * 1024 * 1024, headers)
    assert status == 413


def test_a_streamed_body_is_counted_as_it_comes(site: tuple[str, dict[str, str]]) -> None:
    url, headers = site

    def chunks() -> Iterator[bytes]:
        yield b'{"id": "x", "name": "'
        for _ in range(50):
            yield b"y" * 10_000
        yield b'"}'

    with httpx.Client(base_url=url, timeout=30) as client:
        response = client.post("/api/v1/programmes", content=chunks(), headers=headers)
        assert response.status_code == 413 and "limit" in response.json()["detail"]
        anonymous = client.post("/api/v1/programmes", content=chunks())
        assert anonymous.status_code == 401
        small = client.post("/api/v1/programmes", json={"id": "x"}, headers=headers)
        assert small.status_code == 422  # a small body is read and judged as before


def test_a_large_body_needs_credentials_but_a_small_one_is_judged_as_before(
    site: tuple[str, dict[str, str]],
) -> None:
    url, headers = site
    big = b"x" * (OPEN_BODY_BYTES + 1)
    with httpx.Client(base_url=url, timeout=30) as client:
        refused = client.post("/api/v1/programmes", content=big)
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
        assert "content-security-policy" in refused.headers
        read = client.post("/api/v1/programmes", content=big, headers=headers)
        assert read.status_code == 422  # with a token the body is read: not JSON
        assert client.post("/admin/login", content=big).status_code == 413


# --- caching: anonymous finder pages are public, signed-in pages private --------------------


def test_anonymous_finder_visitors_get_no_cookie_and_cacheable_pages(
    finder_client: TestClient,
) -> None:
    for path in ("/finder/", "/finder/?q=growth&page=2"):
        response = finder_client.get(path)
        assert response.status_code == 200
        assert "set-cookie" not in response.headers
        assert response.headers["cache-control"] == "public, max-age=60"
        etag = response.headers["etag"]
        again = finder_client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
    assert not finder_client.cookies


def test_signed_in_finder_and_admin_pages_are_private(editor_client: TestClient) -> None:
    for path in ("/finder/", "/admin/", "/admin/login"):
        response = editor_client.get(path)
        assert response.headers["cache-control"] == "private, no-store", path
        assert "etag" not in response.headers
