"""The review's public pages: the front page, area pages, downloads and static files.

Pages are rendered from the store by the same functions that write the static site. A
rendered page is kept in memory with the version it was made from (the edition's build
time and the area content's last edit); every request checks that version with one small
query, so an admin edit shows at once while unchanged pages are not rendered again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from scaleup.publish import STATIC, make_templates
from scaleup.publish.downloads import XLSX_TYPE, csv_text, xlsx_bytes
from scaleup.publish.pages import render_area, render_front
from scaleup.publish.site import DOWNLOADS
from scaleup.store import repo

Slug = Annotated[str, Path(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=120)]
TableName = Annotated[str, Path(pattern="^(" + "|".join(DOWNLOADS) + ")$")]
CACHE_KEY = "review_pages"


class RenderedCache:
    """Rendered bodies by key, each with the version it was rendered from."""

    def __init__(self, limit: int = 2048) -> None:
        self._items: dict[Any, tuple[Any, bytes]] = {}
        self._lock = threading.Lock()
        self.limit = limit

    async def get(self, key: Any, version: Any, render: Callable[[], bytes | None]) -> bytes | None:
        found = self._items.get(key)
        if found is not None and found[0] == version:
            return found[1]
        body = await run_in_threadpool(render)
        if body is not None:
            with self._lock:
                if len(self._items) >= self.limit:
                    self._items.clear()
                self._items[key] = (version, body)
        return body


def cache_of(request: Request) -> RenderedCache:
    extras = request.app.state.scaleup.extras
    if CACHE_KEY not in extras:
        extras[CACHE_KEY] = RenderedCache()
    return extras[CACHE_KEY]


def area_version(request: Request, slug: str) -> tuple[str, Any, Any]:
    with request.app.state.scaleup.engine.connect() as conn:
        version = repo.area_version(conn, slug=slug)
    if version is None:
        raise HTTPException(404, f"no area {slug!r}")
    return version


def make_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    env = make_templates()

    def rendered(request: Request, fn: Callable[..., str | None], *args: Any) -> bytes | None:
        with request.app.state.scaleup.sessions() as session:
            html = fn(env, session, *args)
        return None if html is None else html.encode()

    @router.get("/", response_class=HTMLResponse)
    async def front(request: Request) -> Response:
        with request.app.state.scaleup.engine.connect() as conn:
            version = repo.review_version(conn)
        body = await cache_of(request).get(
            ("front",), version, lambda: rendered(request, render_front)
        )
        return HTMLResponse(body)

    @router.get("/areas/{slug}/", response_class=HTMLResponse)
    async def area(request: Request, slug: Slug) -> Response:
        version = area_version(request, slug)
        body = await cache_of(request).get(
            ("area", slug), version, lambda: rendered(request, render_area, version[0])
        )
        if body is None:
            raise HTTPException(404, f"no area {slug!r}")
        return HTMLResponse(body)

    def tables(request: Request, code: str) -> dict[str, Any]:
        with request.app.state.scaleup.sessions() as session:
            found = repo.area_tables(session, code)
        assert found is not None
        return found

    @router.get("/areas/{slug}/{table}.csv")
    async def download_csv(request: Request, slug: Slug, table: TableName) -> Response:
        version = area_version(request, slug)
        body = await cache_of(request).get(
            ("csv", slug, table), version[:2],
            lambda: csv_text(table, tables(request, version[0])[table]).encode(),
        )  # fmt: skip
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{slug}-{table}.csv"'},
        )

    @router.get("/areas/{slug}/tables.xlsx")
    async def download_xlsx(request: Request, slug: Slug) -> Response:
        version = area_version(request, slug)
        body = await cache_of(request).get(
            ("xlsx", slug), version[:2], lambda: xlsx_bytes(tables(request, version[0]), slug)
        )
        return Response(
            body,
            media_type=XLSX_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{slug}-tables.xlsx"'},
        )

    return router


def install(app: FastAPI) -> None:
    app.include_router(make_router())
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
