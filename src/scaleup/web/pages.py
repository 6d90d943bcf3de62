"""The review's public pages: the front page, area pages, downloads and static files.

Pages are rendered at request time from the store (so an admin edit of an area's content
shows at once) by the same functions that write the static site.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, FastAPI, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles

from scaleup.publish import STATIC, make_templates
from scaleup.publish.downloads import XLSX_TYPE, csv_text, xlsx_bytes
from scaleup.publish.pages import render_area, render_front
from scaleup.publish.site import DOWNLOADS
from scaleup.store import repo

Slug = Annotated[str, Path(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=120)]
TableName = Annotated[str, Path(pattern="^(" + "|".join(DOWNLOADS) + ")$")]


def _code(request: Request, slug: str) -> str:
    with request.app.state.scaleup.sessions() as session:
        code = repo.area_code_for_slug(session, slug)
    if code is None:
        raise HTTPException(404, f"no area {slug!r}")
    return code


def make_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    env = make_templates()

    @router.get("/", response_class=HTMLResponse)
    def front(request: Request) -> HTMLResponse:
        with request.app.state.scaleup.sessions() as session:
            return HTMLResponse(render_front(env, session))

    @router.get("/areas/{slug}/", response_class=HTMLResponse)
    def area(request: Request, slug: Slug) -> HTMLResponse:
        with request.app.state.scaleup.sessions() as session:
            code = repo.area_code_for_slug(session, slug)
            html = None if code is None else render_area(env, session, code)
        if html is None:
            raise HTTPException(404, f"no area {slug!r}")
        return HTMLResponse(html)

    @router.get("/areas/{slug}/{table}.csv")
    def download_csv(request: Request, slug: Slug, table: TableName) -> Response:
        code = _code(request, slug)
        with request.app.state.scaleup.sessions() as session:
            tables = repo.area_tables(session, code)
        assert tables is not None
        return PlainTextResponse(
            csv_text(table, tables[table]),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{slug}-{table}.csv"'},
        )

    @router.get("/areas/{slug}/tables.xlsx")
    def download_xlsx(request: Request, slug: Slug) -> Response:
        code = _code(request, slug)
        with request.app.state.scaleup.sessions() as session:
            tables = repo.area_tables(session, code)
            name = repo.get_area(session, code)["name"]  # type: ignore[index]
        assert tables is not None
        return Response(
            xlsx_bytes(tables, name),
            media_type=XLSX_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{slug}-tables.xlsx"'},
        )

    return router


def install(app: FastAPI) -> None:
    app.include_router(make_router())
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
