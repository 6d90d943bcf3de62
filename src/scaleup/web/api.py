"""The review's JSON API (v1), in the shapes of contracts.md.

Suppressed values are ``"[c]"``, not-available values ``null``; the statistics are the
published (disclosure-controlled) ones the build stored. Reads :mod:`scaleup.store.repo`,
like the pages and the downloads.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, HTTPException, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from scaleup.geo import AREA_CODE
from scaleup.publish.figures import programme_figures, programme_sectors
from scaleup.store import repo
from scaleup.web.pages import cache_of

AreaCode = Annotated[
    str,
    Path(pattern=AREA_CODE.pattern, description="GSS code (E37000045) or the review's own"),
]


class Review(BaseModel):
    title: str
    year: int


class AreaRef(BaseModel):
    code: str
    name: str
    slug: str


class AreaListItem(AreaRef):
    n_lads: int | None
    url: str


class AreaList(BaseModel):
    review: Review
    areas: list[AreaListItem]


class ProgrammeFigure(BaseModel):
    programme: str | None
    kpi: str | None
    label: str
    value: str | None
    base: str | None = Field(description="What the figure is computed over (its n), if known")
    note: str | None = Field(description="How the KPI was computed (from scaleup impact)")
    synthetic: bool


class LadEntry(BaseModel):
    lad_code: str
    lad_name: str
    measures: dict[str, dict[str, Any]]


class AreaDetail(AreaRef):
    model_config = ConfigDict(extra="allow")

    review: Review
    url: str
    measures: list[str]
    summary: dict[str, Any] = Field(description="Every column of area_summary.csv")
    trends: dict[str, float | str | None] = Field(
        description="The area's density trend per measure (per 100,000 residents per year)"
    )
    years: list[dict[str, Any]] = Field(description="area_year.csv rows, without code and name")
    lads: list[LadEntry]
    shared_lads: dict[str, list[AreaRef]] = Field(
        description="LAD code -> the other areas the LAD also belongs to"
    )
    programmes: list[ProgrammeFigure]
    sectors: list[str]
    previous: AreaRef | None
    next: AreaRef | None


class Problem(BaseModel):
    detail: Any


def docs_router() -> APIRouter:
    """The API as documented in /openapi.json. The routes that answer (:func:`install`) are
    plain Starlette routes, validated with the same pattern and serialised through the same
    models; FastAPI's per-request machinery would halve their throughput."""
    router = APIRouter(prefix="/api/v1", tags=["review"])

    @router.get("/areas", response_model=AreaList, responses=NOT_BUILT)
    def list_areas() -> None:
        """Every area of the review, in review order."""

    @router.get("/areas/{code}", response_model=AreaDetail, responses=NO_AREA)
    def get_area(code: AreaCode) -> None:
        """One area: summary, years, LADs with their comparison, programme figures, prev/next.

        Suppressed values are ``"[c]"``, not-available values ``null``."""

    return router


NOT_BUILT: dict[int | str, Any] = {404: {"model": Problem, "description": "Nothing built yet"}}
NO_AREA: dict[int | str, Any] = {
    404: {"model": Problem, "description": "No such area"},
    422: {"model": Problem, "description": "Not an area code"},
}


async def list_areas(request: Request) -> Response:
    engine = request.app.state.scaleup.engine

    def version() -> Any:
        with engine.connect() as conn:
            return repo.review_version(conn)

    body = await cache_of(request).get(("api-areas",), version, lambda _v: _json(areas(request)))
    if body is None:
        raise HTTPException(404, "no review has been built into this store yet")
    return Response(body, media_type="application/json")


async def get_area(request: Request) -> Response:
    code = request.path_params["code"]
    if not AREA_CODE.match(code):
        raise RequestValidationError(
            [{"loc": ("path", "code"), "type": "string_pattern_mismatch",
              "msg": f"String should match pattern '{AREA_CODE.pattern}'", "input": code}]
        )  # fmt: skip
    engine = request.app.state.scaleup.engine

    def version() -> Any:
        with engine.connect() as conn:
            return repo.area_version(conn, code=code)

    body = await cache_of(request).get(
        ("api-area", code), version, lambda _v: _json(area(request, code))
    )
    if body is None:
        raise HTTPException(404, f"no area {code}")
    return Response(body, media_type="application/json")


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def areas(request: Request) -> dict[str, Any]:
    with request.app.state.scaleup.sessions() as session:
        review = repo.get_review(session)
        areas = repo.list_areas(session) if review else []
    assert review is not None
    listed = [
        {"code": a["code"], "name": a["name"], "slug": a["slug"], "n_lads": a["n_lads"],
         "url": f"/areas/{a['slug']}/"}
        for a in areas
    ]  # fmt: skip
    return AreaList.model_validate({"review": repo.review_ref(review), "areas": listed}).model_dump(
        mode="json"
    )


def area(request: Request, code: str) -> dict[str, Any] | None:
    """The API's object of one area (contracts.md), from the repo."""
    with request.app.state.scaleup.sessions() as session:
        area = repo.get_area(session, code)
    if area is None:
        return None
    impact = area["meta"].get("impact", {})
    out = {k: v for k, v in area.items() if k not in repo.API_EXTRAS}
    out["url"] = f"/areas/{area['slug']}/"
    out["shared_lads"] = area["shared_lads"]
    out["programmes"] = programme_figures(area["content"], impact)
    out["sectors"] = programme_sectors(area["content"], impact)
    return AreaDetail.model_validate(out).model_dump(mode="json")


def install(app: FastAPI) -> None:
    app.add_route("/api/v1/areas", list_areas, ["GET"], include_in_schema=False)
    app.add_route("/api/v1/areas/{code}", get_area, ["GET"], include_in_schema=False)
    documented = docs_router().routes
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        """FastAPI's document of the app, with the review's routes added (once)."""
        if app.openapi_schema is None:
            schema = generate()
            extra = get_openapi(title=app.title, version=app.version, routes=documented)
            schema["paths"].update(extra["paths"])
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(extra.get("components", {}).get("schemas", {}))
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
