"""The finder's page is rendered once per search and data version (issue 14, fast finder):
a repeat is served from memory, yet a write shows on the next request (a write through
this app empties the cache at once; one from another process, such as `scaleup finder
import`, within the version check's second); an anonymous visitor gets no cookie, a
cacheable page and a 304 for an unchanged one; a signed-in editor's page is private."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from finder.world import record, save, sign_in, token_for
from scaleup.store import db
from scaleup.web import finder as web_finder
from support.running import run_async

BODY = {
    "name": "Growth Voucher Scheme",
    "provider": "Made-up Growth Hub",
    "summary": "Vouchers for growth advice.",
    "url": "https://example.org/growth-vouchers",
    "support_types": ["advice"],
    "areas": ["UK"],
}


def test_repeat_searches_are_served_from_memory(finder_client: TestClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    first = finder_client.get("/finder/?q=growth")
    assert first.status_code == 200
    calls = []
    real = web_finder._context

    def counted(*args):  # type: ignore[no-untyped-def]
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(web_finder, "_context", counted)
    again = finder_client.get("/finder/?q=growth")
    other = finder_client.get("/finder/?q=growth&page=2")
    assert again.content == first.content and len(calls) == 1  # only the new page rendered
    assert other.status_code == 200
    assert "set-cookie" not in again.headers
    assert again.headers["cache-control"].startswith("public")
    etag = first.headers["etag"]
    unchanged = finder_client.get("/finder/?q=growth", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304


def test_a_write_through_the_api_shows_at_once(finder_app, finder_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    assert "Growth Voucher Scheme" not in finder_client.get("/finder/?q=growth").text
    token = token_for(finder_app.state.scaleup.sessions, "editor@example.org")
    made = finder_client.post(
        "/api/v1/programmes", json=BODY, headers={"Authorization": f"Bearer {token}"}
    )
    assert made.status_code == 201, made.text
    assert "Growth Voucher Scheme" in finder_client.get("/finder/?q=growth").text


def test_a_write_from_another_process_shows_within_the_version_check(  # type: ignore[no-untyped-def]
    finder_app, finder_client: TestClient, finder_sqlite_url: str
) -> None:
    assert "Elsewhere Growth" not in finder_client.get("/finder/?q=growth").text
    # another engine on the same file stands for another process (its commits are not
    # seen by this app's sessions)
    other = db.sessions(db.make_engine(finder_sqlite_url))
    save(other, record(id="elsewhere-growth", name="Elsewhere Growth"))
    deadline = time.monotonic() + 5
    while "Elsewhere Growth" not in finder_client.get("/finder/?q=growth").text:
        assert time.monotonic() < deadline, "the page never showed the new programme"
        time.sleep(0.2)


def test_a_signed_in_editor_gets_a_private_page(finder_client: TestClient) -> None:
    assert sign_in(finder_client, "editor@example.org").status_code == 303
    page = finder_client.get("/finder/?q=growth")
    assert page.status_code == 200 and "no-store" in page.headers["cache-control"]


def test_repeat_api_searches_are_served_from_memory(  # type: ignore[no-untyped-def]
    finder_app, finder_client: TestClient, monkeypatch
) -> None:
    """The API's search is cached like the page: per search and data version."""
    save(finder_app.state.scaleup.sessions, record(id="growth-lab", name="Growth Lab"))
    first = finder_client.get("/api/v1/programmes?q=growth")
    assert first.status_code == 200 and first.json()["total"] >= 1
    calls = []
    real = web_finder.search.search

    def counted(*args):  # type: ignore[no-untyped-def]
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(web_finder.search, "search", counted)
    again = finder_client.get("/api/v1/programmes?q=growth")
    same = finder_client.get("/api/v1/programmes?limit=20&q=growth&offset=0")  # one search
    other = finder_client.get("/api/v1/programmes?q=growth&limit=1")
    assert again.content == first.content == same.content and other.status_code == 200
    assert len(calls) == 1  # only the new search ran
    assert again.headers["content-type"] == "application/json"
    assert again.headers["cache-control"].startswith("public") and "set-cookie" not in again.headers
    etag = first.headers["etag"]
    unchanged = finder_client.get("/api/v1/programmes?q=growth", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304


def test_a_write_shows_in_the_api_search_at_once(finder_app, finder_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    before = finder_client.get("/api/v1/programmes?q=voucher").json()
    token = token_for(finder_app.state.scaleup.sessions, "editor@example.org")
    made = finder_client.post(
        "/api/v1/programmes", json=BODY, headers={"Authorization": f"Bearer {token}"}
    )
    assert made.status_code == 201, made.text
    after = finder_client.get("/api/v1/programmes?q=voucher").json()
    assert after["total"] == before["total"] + 1
    assert "Growth Voucher Scheme" in [r["name"] for r in after["results"]]


def test_a_bad_api_search_is_422_and_not_cached(finder_client: TestClient) -> None:
    for _ in range(2):
        bad = finder_client.get("/api/v1/programmes?limit=0")
        assert bad.status_code == 422
        assert bad.json()["detail"][0]["loc"] == ["query", "limit"]


def test_a_page_made_stale_elsewhere_is_sent_while_it_renders_again() -> None:
    """Stale while rendering (the finder's cache): when another process's write moves the
    version on, the old body is sent until the new one is ready, then the new one; a commit
    through the app (clear) meanwhile discards the rendering begun before it."""
    import asyncio
    import threading

    from scaleup.web.pages import RenderedCache

    cache = RenderedCache(ttl=0.0, stale_while_rendering=True)
    version = {"now": 1}
    release = threading.Event()
    rendered: list[int] = []

    def render(v: int) -> bytes:
        if rendered:  # every rendering after the first waits to be released
            assert release.wait(5)
        rendered.append(v)
        return f"v{v}".encode()

    async def main() -> list[bytes | None]:
        seen = [await cache.get("k", lambda: version["now"], render)]
        version["now"] = 2
        seen.append(await cache.get("k", lambda: version["now"], render))  # starts rendering
        seen.append(await cache.get("k", lambda: version["now"], render))  # one rendering
        release.set()
        for _ in range(100):
            await asyncio.sleep(0.02)
            if await cache.get("k", lambda: version["now"], render) == b"v2":
                break
        seen.append(await cache.get("k", lambda: version["now"], render))
        release.clear()
        version["now"] = 3
        seen.append(await cache.get("k", lambda: version["now"], render))  # v2, renders v3
        cache.clear()  # a commit through the app: v3's rendering began before it
        release.set()
        await asyncio.sleep(0.2)
        version["now"] = 4
        seen.append(await cache.get("k", lambda: version["now"], render))  # nothing kept
        return seen

    seen = run_async(main())
    assert seen == [b"v1", b"v1", b"v1", b"v2", b"v2", b"v4"]
    assert rendered == [1, 2, 3, 4]
