"""The review's JSON API (v1), in the shapes of contracts.md.

Suppressed values are ``"[c]"``, not-available values ``null``; the statistics are the
published (disclosure-controlled) ones the build stored. Reads :mod:`scaleup.store.repo`,
like the pages and the downloads, and maps each field it shows into the response models
here (which refuse any other). The routes are the table :data:`ROUTES`: each is served as
a plain Starlette route and documented in /openapi.json from the same entry
(:mod:`scaleup.web.routes`).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from scaleup.geo import AREA_CODE, GSS_PATTERN
from scaleup.publish.figures import ShownFigure, programme_figures, programme_sectors
from scaleup.publish.site import DOWNLOADS
from scaleup.slugs import EDITION
from scaleup.store import repo
from scaleup.store.repo import AreaListing, AreaView, Edition, LadDetail, LadView
from scaleup.tables import DOWNLOAD_TABLES, TABLE_TITLES
from scaleup.web import routes
from scaleup.web.errors import responses
from scaleup.web.pages import cache_of
from scaleup.web.routes import Route

AreaCode = Annotated[
    str,
    Path(pattern=AREA_CODE.pattern, description="GSS code (E37000045) or the review's own"),
]

LadCode = Annotated[
    str, Path(pattern=GSS_PATTERN, description="The district's GSS code (E07000032)")
]


class Model(BaseModel):
    """A response body: only the fields declared here are ever sent."""

    model_config = ConfigDict(extra="forbid")


class Review(Model):
    title: str
    year: int
    edition: str = Field(description='The edition the figures belong to (e.g. "2026")')

    @classmethod
    def of(cls, edition: Edition) -> Review:
        return cls(title=edition.title, year=edition.year, edition=edition.key)


class EditionItem(Model):
    edition: str
    end_year: int | None = Field(description="The last year of the edition's figures")
    title: str
    area_types: list[str]
    url: str = Field(description="The edition's front page")
    api: str = Field(description="The edition's list of areas in this API")

    @classmethod
    def of(cls, edition: Edition) -> EditionItem:
        end_years = edition.meta.end_years
        return cls(
            edition=edition.key, end_year=end_years[-1] if end_years else None,
            title=edition.name, area_types=list(edition.meta.kinds),
            url=f"/{edition.key}/", api=f"/api/v1/editions/{edition.key}/areas",
        )  # fmt: skip


class EditionList(Model):
    editions: list[EditionItem] = Field(description="Newest first")


class AreaRef(Model):
    code: str
    name: str
    slug: str

    @classmethod
    def of(cls, ref: repo.AreaRef) -> AreaRef:
        return cls(code=ref.code, name=ref.name, slug=ref.slug)


class AreaListItem(AreaRef):
    n_lads: int | None
    url: str

    @classmethod
    def of_listing(cls, area: AreaListing, edition: str) -> AreaListItem:
        return cls(
            code=area.code, name=area.name, slug=area.slug, n_lads=area.n_lads,
            url=area_url(area, edition),
        )  # fmt: skip


class AreaList(Model):
    review: Review
    areas: list[AreaListItem]


class ProgrammeFigure(Model):
    programme: str | None
    kpi: str | None
    label: str
    value: str | None
    base: str | None = Field(description="What the figure is computed over (its n), if known")
    note: str | None = Field(description="How the KPI was computed (from scaleup impact)")
    synthetic: bool = Field(description="True when the cohort behind it is made up (a demo)")
    number: float | int | None = Field(
        description="The KPI's value as a number (shares and changes as fractions: 0.49); "
        "null when the figure is not a computed KPI's or the KPI is not shown"
    )
    unit: str | None = Field(description="What number counts or measures")
    n: int | None = Field(description="The base: how many the KPI is computed over")
    ci_low: float | None = Field(description="A share's 95% Wilson interval: lower bound")
    ci_high: float | None = Field(description="A share's 95% Wilson interval: upper bound")

    @classmethod
    def of(cls, figure: ShownFigure) -> ProgrammeFigure:
        return cls(
            programme=figure.programme, kpi=figure.kpi, label=figure.label, value=figure.value,
            base=figure.base, note=figure.note, synthetic=figure.synthetic,
            number=figure.number, unit=figure.unit, n=figure.n, ci_low=figure.ci_low,
            ci_high=figure.ci_high,
        )  # fmt: skip


class LadEntry(Model):
    lad_code: str
    lad_name: str
    url: str = Field(description="The district's page")
    measures: dict[str, dict[str, Any]] = Field(description="lad_compare columns per measure")

    @classmethod
    def of(cls, lad: LadView, edition: str) -> LadEntry:
        return cls(
            lad_code=lad.lad_code, lad_name=lad.lad_name, url=lad_url(lad.slug, edition),
            measures=lad.measures,
        )  # fmt: skip


class LadAreaRef(Model):
    code: str
    name: str
    edition: str = Field(description="The edition whose area this is")
    url: str

    @classmethod
    def of(cls, area: repo.LadArea) -> LadAreaRef:
        return cls(
            code=area.code, name=area.name, edition=area.edition,
            url=area_url(area, area.edition),
        )  # fmt: skip


class LadFigures(Model):
    """A local authority district: its figures in every year and its comparison with the
    medians of all districts, per measure (contracts.md)."""

    code: str
    name: str
    slug: str
    url: str
    review: Review
    measures: list[str]
    areas: list[LadAreaRef] = Field(description="The review's areas the district belongs to")
    years: list[dict[str, Any]] = Field(description="lad_year.csv rows (every column)")
    compare: dict[str, dict[str, Any]] = Field(
        description="Measure -> its lad_compare.csv row (every column)"
    )

    @classmethod
    def of(cls, lad: LadDetail) -> LadFigures:
        return cls(
            code=lad.code,
            name=lad.name,
            slug=lad.slug,
            url=lad_url(lad.slug, lad.edition.key),
            review=Review.of(lad.edition),
            measures=list(lad.measures),
            areas=[LadAreaRef.of(a) for a in lad.areas],
            years=[dict(row) for row in lad.years],
            compare={m: dict(row) for m, row in lad.compare.items()},
        )


class Benchmark(Model):
    name: str = Field(description='What every comparison is made with, e.g. "UK median"')
    years: list[dict[str, Any]] = Field(
        description="Per end year, the median of every local authority's density per measure "
        "(benchmark.csv columns)"
    )

    @classmethod
    def of(cls, area: AreaView) -> Benchmark:
        meta = area.edition.meta
        return cls(name=meta.comparison.benchmark, years=repo.benchmark_rows(meta))


class AreaOverTime(Model):
    """An area of another edition that shares local authorities with this one."""

    edition: str = Field(description="The other edition")
    relation: str = Field(description='"earlier" or "later": the other edition\'s place')
    code: str
    name: str
    area_type: str | None
    url: str = Field(description="Its page in its edition")
    api: str = Field(description="Its object in this API")
    shared_lads: int = Field(
        description="How many of its local authorities lie in this area (LAD codes mapped "
        "forward to the later edition's vintage)"
    )
    lads: int = Field(description="How many local authorities it has")
    covered_lads: int = Field(description="How many of this area's local authorities it covers")
    same_lads: bool = Field(description="Whether both cover the same local authorities")

    @classmethod
    def of(cls, link: repo.AreaLink) -> AreaOverTime:
        return cls(
            edition=link.edition, relation="later" if link.later else "earlier",
            code=link.code, name=link.name, area_type=link.area_type,
            url=area_url(link, link.edition),
            api=f"/api/v1/editions/{link.edition}/areas/{link.code}",
            shared_lads=link.shared, lads=link.lads, covered_lads=link.covered,
            same_lads=link.same_lads,
        )  # fmt: skip


class AreaDetail(AreaRef):
    review: Review
    url: str
    measures: list[str]
    summary: dict[str, Any] = Field(description="Every column of area_summary.csv")
    trends: dict[str, float | str | None] = Field(
        description="The area's density trend per measure (per 100,000 residents per year)"
    )
    years: list[dict[str, Any]] = Field(description="area_year.csv rows, without code and name")
    lads: list[LadEntry]
    benchmark: Benchmark
    shared_lads: dict[str, list[AreaRef]] = Field(
        description="LAD code -> the other areas the LAD also belongs to"
    )
    programmes: list[ProgrammeFigure]
    sectors: list[str]
    previous: AreaRef | None
    next: AreaRef | None
    other_editions: list[AreaOverTime] = Field(
        description="The areas of the other editions that share local authorities with this "
        "one, newest edition first"
    )

    @classmethod
    def of_view(cls, area: AreaView) -> AreaDetail:
        """The API's object of one area (contracts.md), field by field."""
        impact = area.edition.meta.impact
        return cls(
            code=area.code,
            name=area.name,
            slug=area.slug,
            review=Review.of(area.edition),
            url=area_url(area, area.edition.key),
            measures=list(area.measures),
            summary=dict(area.summary),
            trends=dict(area.trends),
            years=[dict(row) for row in area.years],
            lads=[LadEntry.of(lad, area.edition.key) for lad in area.lads],
            benchmark=Benchmark.of(area),
            shared_lads={
                lad: [AreaRef.of(o) for o in others] for lad, others in area.shared_lads.items()
            },
            programmes=[ProgrammeFigure.of(f) for f in programme_figures(area.content, impact)],
            sectors=programme_sectors(area.content, impact),
            previous=AreaRef.of(area.previous) if area.previous else None,
            next=AreaRef.of(area.next) if area.next else None,
            other_editions=[AreaOverTime.of(link) for link in area.over_time],
        )


class DownloadFile(Model):
    url: str
    title: str
    media_type: str
    tables: list[str] = Field(description="The published tables the file holds")
    columns: list[str] | None = Field(description="A CSV file's columns (contracts.md)")


class DownloadList(Model):
    """The review's all-areas downloads: every published table as CSV, and all of them in
    one workbook (cover, contents, notes on every column, one Excel table per sheet)."""

    review: Review
    files: list[DownloadFile]

    @classmethod
    def of(cls, edition: Edition) -> DownloadList:
        from scaleup.publish.downloads import XLSX_TYPE  # openpyxl: not at start-up

        csvs = [
            DownloadFile(
                url=f"/{edition.key}/downloads/{t}.csv", title=TABLE_TITLES[t],
                media_type="text/csv", tables=[t], columns=list(DOWNLOAD_TABLES[t]),
            )
            for t in DOWNLOADS
        ]  # fmt: skip
        book = DownloadFile(
            url=f"/{edition.key}/downloads/tables.xlsx", title="All these tables (Excel workbook)",
            media_type=XLSX_TYPE, tables=list(DOWNLOADS), columns=None,
        )  # fmt: skip
        return cls(review=Review.of(edition), files=[*csvs, book])


def area_url(area: repo.AreaRef, edition: str) -> str:
    """The area's page in its edition: ``/2026/areas/SLUG/``."""
    return f"/{edition}/areas/{area.slug}/"


def lad_url(slug: str, edition: str) -> str:
    """The district's page in an edition: ``/2026/lads/SLUG/``."""
    return f"/{edition}/lads/{slug}/"


NOT_BUILT = responses(404, s404="Nothing built yet")
NO_AREA = responses(404, 422, s404="No such area", s422="Not an area code")
NO_LAD = responses(
    404, 422, s404="No such local authority district in the review", s422="Not a GSS code"
)


NO_EDITION = responses(404, 422, s404="No such edition", s422="Not an edition")
NO_EDITION_AREA = responses(
    404, 422, s404="No such edition, or no such area in it",
    s422="Not an edition or not an area code",
)  # fmt: skip


def _engine(request: Request) -> Any:
    return request.app.state.scaleup.engine


async def list_editions(request: Request) -> Response:
    """Every edition of the review, newest first."""

    def version() -> Any:
        with _engine(request).connect() as conn:
            return repo.review_version(conn) or "empty"

    body = await cache_of(request).get(
        ("api-editions",), version, lambda _v: _json(editions(request))
    )
    assert body is not None
    return Response(body, media_type="application/json")


async def list_areas(request: Request) -> Response:
    """Every area of the latest edition, in review order."""
    return await _areas_of(request, None)


async def list_edition_areas(request: Request, edition: str) -> Response:
    """Every area of ``edition``, in review order."""
    return await _areas_of(request, edition)


async def _areas_of(request: Request, edition: str | None) -> Response:
    def version() -> Any:
        with _engine(request).connect() as conn:
            return repo.review_version(conn, edition)

    body = await cache_of(request).get(
        ("api-areas", edition), version, lambda _v: _json(areas(request, edition))
    )
    if body is None:
        if edition is None:
            raise HTTPException(404, "no review has been built into this store yet")
        raise HTTPException(404, f"no {edition} edition of the review")
    return Response(body, media_type="application/json")


async def get_area(request: Request, code: str) -> Response:
    """One area, from the latest edition that has it."""
    with _engine(request).connect() as conn:
        edition = repo.latest_edition_with(conn, code=code)
    if edition is None:
        raise HTTPException(404, f"no area {code}")
    return await _area_of(request, edition, code)


async def get_edition_area(request: Request, edition: str, code: str) -> Response:
    return await _area_of(request, edition, code)


async def _area_of(request: Request, edition: str, code: str) -> Response:
    def version() -> Any:
        with _engine(request).connect() as conn:
            return repo.area_version(conn, code=code, edition=edition)

    body = await cache_of(request).get(
        ("api-area", edition, code), version, lambda _v: _json(area(request, code, edition))
    )
    if body is None:
        raise HTTPException(404, f"no area {code} in the {edition} edition")
    return Response(body, media_type="application/json")


async def list_downloads(request: Request) -> Response:
    engine = request.app.state.scaleup.engine

    def version() -> Any:
        with engine.connect() as conn:
            return repo.review_version(conn)

    def render(_v: Any) -> bytes | None:
        with request.app.state.scaleup.sessions() as session:
            edition = repo.get_review(session)
        return None if edition is None else _json(DownloadList.of(edition).model_dump(mode="json"))

    body = await cache_of(request).get(("api-downloads",), version, render)
    if body is None:
        raise HTTPException(404, "no review has been built into this store yet")
    return Response(body, media_type="application/json")


async def get_lad(request: Request, code: str) -> Response:
    engine = request.app.state.scaleup.engine

    def version() -> Any:
        with engine.connect() as conn:
            return repo.review_version(conn)

    body = await cache_of(request).get(("api-lad", code), version, lambda _v: lad(request, code))
    if body is None:
        raise HTTPException(404, f"no local authority district {code} in the review")
    return Response(body, media_type="application/json")


def lad(request: Request, code: str) -> bytes | None:
    with request.app.state.scaleup.sessions() as session:
        found = repo.get_lad(session, code)
    return None if found is None else _json(LadFigures.of(found).model_dump(mode="json"))


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def editions(request: Request) -> dict[str, Any]:
    with request.app.state.scaleup.sessions() as session:
        stored = repo.editions(session)
    return EditionList(editions=[EditionItem.of(e) for e in stored]).model_dump(mode="json")


def areas(request: Request, edition: str | None = None) -> dict[str, Any]:
    with request.app.state.scaleup.sessions() as session:
        found = repo.get_review(session, edition)
        listings = repo.list_areas(session, found.key) if found else []
    assert found is not None
    body = AreaList(
        review=Review.of(found), areas=[AreaListItem.of_listing(a, found.key) for a in listings]
    )
    return body.model_dump(mode="json")


def area(request: Request, code: str, edition: str | None = None) -> dict[str, Any] | None:
    """The API's object of one area (contracts.md), from the repo."""
    with request.app.state.scaleup.sessions() as session:
        view = repo.get_area(session, code, edition)
    return None if view is None else AreaDetail.of_view(view).model_dump(mode="json")


EditionKey = Annotated[
    str,
    Path(pattern=EDITION.pattern, description="The edition (its year, e.g. 2026)"),
]
AREA_DESCRIPTION = (
    "One area: summary, years, LADs with their comparison, programme figures, prev/next."
    '\n\nSuppressed values are ``"[c]"``, not-available values ``null``.'
)

ROUTES = (
    Route(
        "/api/v1/editions",
        list_editions,
        EditionList,
        summary="List Editions",
        description="Every edition of the review the store holds, newest first.",
        tags=("review",),
    ),
    Route(
        "/api/v1/editions/{edition}/areas",
        list_edition_areas,
        AreaList,
        summary="List Areas Of An Edition",
        description="Every area of one edition, in review order.",
        params={"edition": EditionKey},
        responses=NO_EDITION,
        tags=("review",),
    ),
    Route(
        "/api/v1/editions/{edition}/areas/{code}",
        get_edition_area,
        AreaDetail,
        summary="Get Area Of An Edition",
        description=AREA_DESCRIPTION,
        params={"edition": EditionKey, "code": AreaCode},
        responses=NO_EDITION_AREA,
        tags=("review",),
    ),
    Route(
        "/api/v1/areas",
        list_areas,
        AreaList,
        summary="List Areas",
        description="Every area of the latest edition, in review order.",
        responses=NOT_BUILT,
        tags=("review",),
    ),
    Route(
        "/api/v1/areas/{code}",
        get_area,
        AreaDetail,
        summary="Get Area",
        description=AREA_DESCRIPTION + "\n\nFrom the latest edition that has the area.",
        params={"code": AreaCode},
        responses=NO_AREA,
        tags=("review",),
    ),
    Route(
        "/api/v1/downloads",
        list_downloads,
        DownloadList,
        summary="List Downloads",
        description="The review's all-areas downloads: each published table as CSV (the "
        "columns of contracts.md; empty cells not available) and all four in one Excel "
        "workbook. The figures are those of the pages and of this API.",
        responses=NOT_BUILT,
        tags=("review",),
    ),
    Route(
        "/api/v1/lads/{code}",
        get_lad,
        LadFigures,
        summary="Get Local Authority District",
        description="One local authority district of the review: the areas it belongs to, "
        "its lad_year rows and its lad_compare row per measure.\n\nSuppressed values are "
        '``"[c]"``, not-available values ``null``.',
        params={"code": LadCode},
        responses=NO_LAD,
        tags=("review",),
    ),
)
"""The review's API: served and documented from this one table."""


def install(app: FastAPI) -> None:
    routes.install(app, ROUTES)
