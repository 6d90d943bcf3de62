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
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import event
from starlette.concurrency import run_in_threadpool

from scaleup.publish import STATIC, make_templates
from scaleup.publish.downloads import XLSX_TYPE, cover_of, csv_text, xlsx_bytes
from scaleup.publish.pages import render_area, render_front, render_lad
from scaleup.publish.site import DOWNLOADS
from scaleup.slugs import is_slug
from scaleup.store import repo

CACHE_KEY = "review_pages"
VERSION_TTL = 1.0
"""Seconds a page's version is trusted before it is checked against the store again."""


class RenderedCache:
    """Rendered bodies by key, each with the version it was made from and when that version
    was last checked."""

    def __init__(self, ttl: float = VERSION_TTL, limit: int = 4096) -> None:
        self._items: dict[Any, tuple[float, Any, bytes]] = {}
        self._lock = threading.Lock()
        self.ttl = ttl
        self.limit = limit

    def clear(self, *_args: Any) -> None:
        with self._lock:
            self._items.clear()

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
        else:
            body = await run_in_threadpool(render, current)
            if body is None:
                return None
        with self._lock:
            if len(self._items) >= self.limit:
                self._items.clear()
            self._items[key] = (now, current, body)
        return body


def cache_of(request: Request) -> RenderedCache:
    return request.app.state.scaleup.extras[CACHE_KEY]


def _slug(request: Request, what: str = "an area") -> str:
    slug = request.path_params["slug"]
    if not is_slug(slug) or len(slug) > 120:
        raise HTTPException(422, f"{slug!r} is not {what}'s slug (lower-case words and hyphens)")
    return slug


def install(app: FastAPI) -> None:
    state = app.state.scaleup
    cache = RenderedCache()
    state.extras[CACHE_KEY] = cache
    event.listen(state.sessions, "after_commit", cache.clear)
    env = make_templates()

    def area_version(slug: str) -> Callable[[], Any]:
        def check() -> Any:
            with state.engine.connect() as conn:
                return repo.area_version(conn, slug=slug)

        return check

    def review_version() -> Any:
        with state.engine.connect() as conn:
            return repo.review_version(conn)

    def tables(code: str) -> dict[str, Any]:
        with state.sessions() as session:
            found = repo.area_tables(session, code)
        assert found is not None
        return found

    async def front(request: Request) -> Response:
        def render(_version: Any) -> bytes:
            with state.sessions() as session:
                return render_front(env, session).encode()

        body = await cache.get(("front",), lambda: review_version() or "empty", render)
        return HTMLResponse(body)

    async def area(request: Request) -> Response:
        slug = _slug(request)

        def render(version: Any) -> bytes | None:
            with state.sessions() as session:
                html = render_area(env, session, version[0])
            return None if html is None else html.encode()

        body = await cache.get(("area", slug), area_version(slug), render)
        if body is None:
            raise HTTPException(404, f"no area {slug!r}")
        return HTMLResponse(body)

    async def lad(request: Request) -> Response:
        slug = _slug(request, "a local authority")

        def render(_version: Any) -> bytes | None:
            with state.sessions() as session:
                code = repo.lad_code_for_slug(session, slug)
                html = None if code is None else render_lad(env, session, code)
            return None if html is None else html.encode()

        body = await cache.get(("lad", slug), review_version, render)
        if body is None:
            raise HTTPException(404, f"no local authority {slug!r}")
        return HTMLResponse(body)

    async def download_csv(request: Request) -> Response:
        slug, table = _slug(request), request.path_params["table"]
        if table not in DOWNLOADS:
            raise HTTPException(404, f"no table {table!r}; the tables are {', '.join(DOWNLOADS)}")
        body = await cache.get(
            ("csv", slug, table), area_version(slug),
            lambda v: csv_text(table, tables(v[0])[table]).encode(),
        )  # fmt: skip
        if body is None:
            raise HTTPException(404, f"no area {slug!r}")
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{slug}-{table}.csv"'},
        )

    def area_workbook(code: str) -> bytes | None:
        with state.sessions() as session:
            view = repo.get_area(session, code)
        return (
            None
            if view is None
            else xlsx_bytes(repo.tables_of(view), cover_of(view.edition, view.name))
        )

    async def download_xlsx(request: Request) -> Response:
        slug = _slug(request)
        body = await cache.get(("xlsx", slug), area_version(slug), lambda v: area_workbook(v[0]))
        if body is None:
            raise HTTPException(404, f"no area {slug!r}")
        return Response(
            body,
            media_type=XLSX_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{slug}-tables.xlsx"'},
        )

    def review_tables() -> dict[str, list[dict[str, Any]]]:
        with state.sessions() as session:
            return repo.review_tables(session)

    def review_workbook() -> bytes | None:
        with state.sessions() as session:
            edition = repo.get_review(session)
            found = repo.review_tables(session)
        return None if edition is None else xlsx_bytes(found, cover_of(edition))

    async def all_csv(request: Request) -> Response:
        table = request.path_params["table"]
        if table not in DOWNLOADS:
            raise HTTPException(404, f"no table {table!r}; the tables are {', '.join(DOWNLOADS)}")
        body = await cache.get(
            ("all-csv", table), review_version,
            lambda _v: csv_text(table, review_tables()[table]).encode(),
        )  # fmt: skip
        if body is None:
            raise HTTPException(404, "no review has been built into this store yet")
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{table}.csv"'},
        )

    async def all_xlsx(request: Request) -> Response:
        body = await cache.get(("all-xlsx",), review_version, lambda _v: review_workbook())
        if body is None:
            raise HTTPException(404, "no review has been built into this store yet")
        return Response(
            body,
            media_type=XLSX_TYPE,
            headers={"Content-Disposition": 'attachment; filename="tables.xlsx"'},
        )

    app.add_route("/", front, methods=["GET"], include_in_schema=False)
    app.add_route("/areas/{slug}/", area, methods=["GET"], include_in_schema=False)
    app.add_route("/lads/{slug}/", lad, methods=["GET"], include_in_schema=False)
    app.add_route("/downloads/tables.xlsx", all_xlsx, ["GET"], include_in_schema=False)
    app.add_route("/downloads/{table}.csv", all_csv, ["GET"], include_in_schema=False)
    app.add_route("/areas/{slug}/tables.xlsx", download_xlsx, ["GET"], include_in_schema=False)
    app.add_route("/areas/{slug}/{table}.csv", download_csv, ["GET"], include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
