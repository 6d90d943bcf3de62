"""The review's public pages: the front page, area pages, downloads and static files.

Pages are rendered from the store by the same functions that write the static site, and
kept in memory with the version they were made from (the edition's build time and the area
content's last edit). The version is checked against the store at most every
``VERSION_TTL`` seconds per page, and every commit made through the app's sessions (an
admin edit) empties the cache at once; so an edit in this process shows on the next
request, and an edit made elsewhere (another process, the CLI) within ``VERSION_TTL``.

The HTML routes are plain Starlette routes (no OpenAPI, validated here) because they are
the hot path; so are the JSON API's (web/api.py), which are documented in /openapi.json
from the same table that serves them (:mod:`scaleup.web.routes`).

The download routes import :mod:`scaleup.publish.downloads` when first asked: it imports
openpyxl (and numpy), which nothing else served needs, so the server starts without them.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import event
from starlette.concurrency import run_in_threadpool

from scaleup.publish import STATIC, make_templates
from scaleup.publish.pages import render_area, render_changes, render_front, render_lad
from scaleup.publish.site import DOWNLOADS
from scaleup.slugs import is_slug
from scaleup.store import repo

CACHE_KEY = "review_pages"
VERSION_TTL = 1.0
"""Seconds a page's version is trusted before it is checked against the store again."""


class RenderedCache:
    """Rendered bodies by key, each with the version it was made from and when that version
    was last checked.

    With ``stale_while_rendering``, a body whose version has moved on (a write by another
    process, found by the version check) is still sent while one new rendering runs in the
    background, so a visitor never waits for a render that someone else's write caused
    (the finder's pages during a bulk import); the new body is sent from the moment it is
    ready. A commit through the app's own sessions (:meth:`clear`) still shows at once."""

    def __init__(
        self, ttl: float = VERSION_TTL, limit: int = 4096, *, stale_while_rendering: bool = False
    ) -> None:
        self._items: dict[Any, tuple[float, Any, bytes]] = {}
        self._lock = threading.Lock()
        self._rendering: dict[Any, asyncio.Task[None]] = {}
        self._generation = 0
        self.ttl = ttl
        self.limit = limit
        self.stale_while_rendering = stale_while_rendering

    def clear(self, *_args: Any) -> None:
        with self._lock:
            self._items.clear()
            self._generation += 1  # a rendering begun before this is not kept

    def _keep(self, key: Any, checked: float, version: Any, body: bytes) -> None:
        with self._lock:
            if len(self._items) >= self.limit:
                self._items.clear()
            self._items[key] = (checked, version, body)

    async def get(
        self, key: Any, version: Callable[[], Any], render: Callable[[Any], bytes | None]
    ) -> bytes | None:
        """The body for ``key``; ``version()`` returns None when the page does not exist."""
        now = time.monotonic()
        found = self._items.get(key)
        if found is not None and now - found[0] < self.ttl:
            return found[2]
        current = version()
        if current is None:
            return None
        body: bytes | None
        if found is not None and found[1] == current:
            body = found[2]
        elif found is not None and self.stale_while_rendering:
            self._keep(key, now, found[1], found[2])  # not checked again while it renders
            self._render_later(key, current, render)
            return found[2]
        else:
            body = await run_in_threadpool(render, current)
            if body is None:
                return None
        self._keep(key, now, current, body)
        return body

    def _render_later(self, key: Any, current: Any, render: Callable[[Any], bytes | None]) -> None:
        if key in self._rendering:
            return
        generation = self._generation

        async def rendering() -> None:
            try:
                body = await run_in_threadpool(render, current)
            except Exception:  # noqa: BLE001 - the next request renders it in front and says
                body = None
            with self._lock:
                if generation != self._generation:
                    return
                if body is None:  # gone, or failed: the next request renders in front
                    self._items.pop(key, None)
                    return
            self._keep(key, time.monotonic(), current, body)

        task = asyncio.ensure_future(rendering())
        self._rendering[key] = task
        task.add_done_callback(lambda _t: self._rendering.pop(key, None))


def cache_of(request: Request) -> RenderedCache:
    return request.app.state.scaleup.extras[CACHE_KEY]


def _slug(request: Request, what: str = "an area") -> str:
    slug = request.path_params["slug"]
    if not is_slug(slug) or len(slug) > 120:
        raise HTTPException(422, f"{slug!r} is not {what}'s slug (lower-case words and hyphens)")
    return slug


def _edition(request: Request) -> str:
    """The edition of an edition's URL (``/2026/...``), as stored (``"2026"``)."""
    return str(request.path_params["edition"])


def install(app: FastAPI) -> None:
    state = app.state.scaleup
    cache = RenderedCache()
    state.extras[CACHE_KEY] = cache
    event.listen(state.sessions, "after_commit", cache.clear)
    env = make_templates()

    def area_version(edition: str, slug: str) -> Callable[[], Any]:
        def check() -> Any:
            with state.engine.connect() as conn:
                return repo.area_version(conn, slug=slug, edition=edition)

        return check

    def review_version(edition: str | None) -> Callable[[], Any]:
        def check() -> Any:
            with state.engine.connect() as conn:
                return repo.review_version(conn, edition)

        return check

    def tables(edition: str, code: str) -> dict[str, Any]:
        with state.sessions() as session:
            found = repo.area_tables(session, code, edition)
        assert found is not None
        return found

    async def front(request: Request) -> Response:
        def render(_version: Any) -> bytes:
            with state.sessions() as session:
                return render_front(env, session).encode()

        body = await cache.get(("front",), lambda: review_version(None)() or "empty", render)
        return HTMLResponse(body)

    async def edition_front(request: Request) -> Response:
        edition = _edition(request)

        def render(_version: Any) -> bytes:
            with state.sessions() as session:
                return render_front(env, session, edition=edition).encode()

        body = await cache.get(("front", edition), review_version(edition), render)
        if body is None:
            raise HTTPException(404, f"no {edition} edition of the review")
        return HTMLResponse(body)

    async def changes(request: Request) -> Response:
        edition = _edition(request)

        def render(_version: Any) -> bytes | None:
            with state.sessions() as session:
                html = render_changes(env, session, edition)
            return None if html is None else html.encode()

        body = await cache.get(("changes", edition), review_version(edition), render)
        if body is None:
            raise HTTPException(404, f"no {edition} edition of the review")
        return HTMLResponse(body)

    async def area(request: Request) -> Response:
        edition, slug = _edition(request), _slug(request)

        def render(version: Any) -> bytes | None:
            with state.sessions() as session:
                html = render_area(env, session, version[0], edition=edition)
            return None if html is None else html.encode()

        body = await cache.get(("area", edition, slug), area_version(edition, slug), render)
        if body is None:
            raise HTTPException(404, f"no area {slug!r} in the {edition} edition")
        return HTMLResponse(body)

    async def lad(request: Request) -> Response:
        edition, slug = _edition(request), _slug(request, "a local authority")

        def render(_version: Any) -> bytes | None:
            with state.sessions() as session:
                code = repo.lad_code_for_slug(session, slug, edition)
                html = None if code is None else render_lad(env, session, code, edition=edition)
            return None if html is None else html.encode()

        body = await cache.get(("lad", edition, slug), review_version(edition), render)
        if body is None:
            raise HTTPException(404, f"no local authority {slug!r} in the {edition} edition")
        return HTMLResponse(body)

    async def latest_lad(request: Request) -> Response:
        """``/lads/SLUG/`` (the address before editions): the latest edition's page."""
        slug = _slug(request, "a local authority")
        with state.engine.connect() as conn:
            edition = repo.latest_edition(conn)
        if edition is None:
            raise HTTPException(404, f"no local authority {slug!r}")
        return RedirectResponse(f"/{edition}/lads/{slug}/", status_code=307)

    async def download_csv(request: Request) -> Response:
        from scaleup.publish.downloads import csv_text

        edition, slug, table = _edition(request), _slug(request), request.path_params["table"]
        if table not in DOWNLOADS:
            raise HTTPException(404, f"no table {table!r}; the tables are {', '.join(DOWNLOADS)}")
        body = await cache.get(
            ("csv", edition, slug, table), area_version(edition, slug),
            lambda v: csv_text(table, tables(edition, v[0])[table]).encode(),
        )  # fmt: skip
        if body is None:
            raise HTTPException(404, f"no area {slug!r} in the {edition} edition")
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{slug}-{edition}-{table}.csv"'},
        )

    def area_workbook(edition: str, code: str) -> bytes | None:
        from scaleup.publish.downloads import cover_of, xlsx_bytes

        with state.sessions() as session:
            view = repo.get_area(session, code, edition)
        return (
            None
            if view is None
            else xlsx_bytes(repo.tables_of(view), cover_of(view.edition, view.name))
        )

    async def download_xlsx(request: Request) -> Response:
        from scaleup.publish.downloads import XLSX_TYPE

        edition, slug = _edition(request), _slug(request)
        body = await cache.get(
            ("xlsx", edition, slug), area_version(edition, slug),
            lambda v: area_workbook(edition, v[0]),
        )  # fmt: skip
        if body is None:
            raise HTTPException(404, f"no area {slug!r} in the {edition} edition")
        return Response(
            body,
            media_type=XLSX_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{slug}-{edition}-tables.xlsx"'},
        )

    def review_tables(edition: str) -> dict[str, list[dict[str, Any]]]:
        with state.sessions() as session:
            return repo.review_tables(session, edition)

    def review_workbook(edition: str) -> bytes | None:
        from scaleup.publish.downloads import cover_of, xlsx_bytes

        with state.sessions() as session:
            found = repo.get_review(session, edition)
            rows = repo.review_tables(session, edition)
        return None if found is None else xlsx_bytes(rows, cover_of(found))

    async def all_csv(request: Request) -> Response:
        from scaleup.publish.downloads import csv_text

        edition, table = _edition(request), request.path_params["table"]
        if table not in DOWNLOADS:
            raise HTTPException(404, f"no table {table!r}; the tables are {', '.join(DOWNLOADS)}")
        body = await cache.get(
            ("all-csv", edition, table), review_version(edition),
            lambda _v: csv_text(table, review_tables(edition)[table]).encode(),
        )  # fmt: skip
        if body is None:
            raise HTTPException(404, f"no {edition} edition of the review")
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{edition}-{table}.csv"'},
        )

    async def all_xlsx(request: Request) -> Response:
        from scaleup.publish.downloads import XLSX_TYPE

        edition = _edition(request)
        body = await cache.get(
            ("all-xlsx", edition), review_version(edition), lambda _v: review_workbook(edition)
        )
        if body is None:
            raise HTTPException(404, f"no {edition} edition of the review")
        return Response(
            body,
            media_type=XLSX_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{edition}-tables.xlsx"'},
        )

    async def latest_downloads(request: Request) -> Response:
        """``/downloads/FILE`` (the address before editions): the latest edition's file."""
        with state.engine.connect() as conn:
            edition = repo.latest_edition(conn)
        if edition is None:
            raise HTTPException(404, "no review has been built into this store yet")
        name = request.url.path.rsplit("/", 1)[1]
        return RedirectResponse(f"/{edition}/downloads/{name}", status_code=307)

    async def latest_area(request: Request) -> Response:
        """``/areas/SLUG/...`` (the address before editions): the page of the latest edition
        that has the area."""
        slug = _slug(request)
        with state.engine.connect() as conn:
            edition = repo.latest_edition_with(conn, slug=slug)
        if edition is None:
            raise HTTPException(404, f"no area {slug!r}")
        rest = request.url.path.split(f"/areas/{slug}/", 1)[1]
        return RedirectResponse(f"/{edition}/areas/{slug}/{rest}", status_code=307)

    edition = "/{edition:int}"
    for path, handler in (
        ("/", front),
        (f"{edition}/", edition_front),
        (f"{edition}/changes/", changes),
        (f"{edition}/areas/{{slug}}/", area),
        (f"{edition}/areas/{{slug}}/tables.xlsx", download_xlsx),
        (f"{edition}/areas/{{slug}}/{{table}}.csv", download_csv),
        (f"{edition}/lads/{{slug}}/", lad),
        (f"{edition}/downloads/tables.xlsx", all_xlsx),
        (f"{edition}/downloads/{{table}}.csv", all_csv),
        ("/downloads/tables.xlsx", latest_downloads),
        ("/downloads/{table}.csv", latest_downloads),
        ("/lads/{slug}/", latest_lad),
        ("/areas/{slug}/", latest_area),
        ("/areas/{slug}/tables.xlsx", latest_area),
        ("/areas/{slug}/{table}.csv", latest_area),
    ):
        app.add_route(path, handler, methods=["GET"], include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
