"""The review's JSON API (v1), in the shapes of contracts.md.

Suppressed values are ``"[c]"``, not-available values ``null``; the statistics are the
published (disclosure-controlled) ones the build stored. Reads :mod:`scaleup.store.repo`,
like the pages and the downloads.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, HTTPException, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from scaleup.publish.figures import programme_figures, programme_sectors
from scaleup.store import repo

AreaCode = Annotated[
    str, Path(pattern=r"^[EWSNK]\d{8}$", description="GSS code of the area, e.g. E37000045")
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


def make_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["review"])

    @router.get("/areas", response_model=AreaList)
    def list_areas(request: Request) -> dict[str, Any]:
        """Every area of the review, in review order."""
        with request.app.state.scaleup.sessions() as session:
            review = repo.get_review(session)
            areas = repo.list_areas(session) if review else []
        if review is None:
            raise HTTPException(404, "no review has been built into this store yet")
        return {
            "review": repo.review_ref(review),
            "areas": [
                {"code": a["code"], "name": a["name"], "slug": a["slug"], "n_lads": a["n_lads"],
                 "url": f"/areas/{a['slug']}/"}
                for a in areas
            ],
        }  # fmt: skip

    @router.get(
        "/areas/{code}",
        response_model=AreaDetail,
        responses={404: {"model": Problem, "description": "No such area"}},
    )
    def get_area(request: Request, code: AreaCode) -> dict[str, Any]:
        """One area: summary, years, LADs with their comparison, programme figures, prev/next."""
        with request.app.state.scaleup.sessions() as session:
            area = repo.get_area(session, code)
        if area is None:
            raise HTTPException(404, f"no area {code}")
        impact = area["meta"].get("impact", {})
        out = {k: v for k, v in area.items() if k not in repo.API_EXTRAS}
        out["url"] = f"/areas/{area['slug']}/"
        out["shared_lads"] = area["shared_lads"]
        out["programmes"] = programme_figures(area["content"], impact)
        out["sectors"] = programme_sectors(area["content"], impact)
        return out

    return router


def install(app: FastAPI) -> None:
    app.include_router(make_router())
