"""The scaleup support finder: ``/finder/`` for people, ``/api/v1/programmes`` for programs.

The page and the API call the same :func:`scaleup.store.search.search`, so they can
never disagree. The page is a plain GET form (no JavaScript needed); results are ranked and
paginated, each with a details page. Writes go through the API with an editor's bearer
token, or through the admin (:mod:`scaleup.web.admin`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, HTTPException, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from sqlalchemy import Engine, event, func, select
from starlette.concurrency import run_in_threadpool

from scaleup.errors import InputError
from scaleup.finder.records import (
    SIZE_BANDS,
    STAGES,
    SUPPORT_TYPES,
    ProgrammeCreate,
    ProgrammePage,
    ProgrammePublic,
    ProgrammeUpdate,
)
from scaleup.geo.regions import REGION_PATTERN
from scaleup.store import db, programmes, repo, search
from scaleup.store import places as store_places
from scaleup.store.history import Change
from scaleup.store.places import regions as all_regions
from scaleup.web import routes
from scaleup.web.auth import ApiEditor, etag_of, public_response, render, session_user
from scaleup.web.errors import responses
from scaleup.web.pages import RenderedCache
from scaleup.web.routes import Route, query_of
from scaleup.web.state import Sessions

PAGE_SIZE = 10
WORD = 100
REGION_DESCRIPTION = (
    "GSS code of an English region (E12000004) or of Wales (W92000004), "
    "Scotland (S92000003) or Northern Ireland (N92000002); programmes serving it"
)


class Filters(BaseModel):
    """What a firm asks the finder, as the page's form and the API's query both take it.

    The page and the API add their own few parameters (:class:`PageFilters`,
    :class:`ApiFilters`): the page forgives a bad value (it is ignored), the API refuses it
    (422)."""

    q: str | None = Field(None, max_length=200, description="Words; all must match")
    area: str | None = Field(None, max_length=WORD, description="LAD or area code of the firm")
    sector: str | None = Field(None, max_length=WORD)
    support: str | None = Field(None, max_length=WORD, description="Support type")
    stage: str | None = Field(None, max_length=WORD)
    provider: str | None = Field(None, max_length=WORD)

    def query(self, **more: Any) -> search.SearchQuery:
        return search.SearchQuery(
            q=self.q or "",
            area=self.area or None,
            sector=self.sector or None,
            support=self.support or None,
            stage=self.stage or None,
            provider=self.provider or None,
            **more,
        )


class PageFilters(Filters):
    region: str | None = Field(None, max_length=WORD)
    size: str | None = Field(None, max_length=WORD)
    employees: str | None = Field(None, max_length=WORD)
    page: str | None = Field(None, max_length=WORD)

    def search_query(self) -> search.SearchQuery:
        return self.query(
            region=self.region or None,
            size=self.size if self.size in SIZE_BANDS else None,
            employees=_employees(self.employees),
            limit=PAGE_SIZE,
            offset=_offset_of(self.page),
        )

    def chosen(self) -> dict[str, str]:
        """The form's values as the page shows them again (all but the page number)."""
        values = {k: v or "" for k, v in self.model_dump(exclude={"page"}).items()}
        return {**values, "region": values["region"].upper()}


class ApiFilters(Filters):
    region: str | None = Field(
        None, pattern=f"^({REGION_PATTERN})?$", description=REGION_DESCRIPTION
    )
    employees: int | None = Field(None, ge=0, le=10_000_000, description="The firm's size")
    size: str | None = Field(None, max_length=10, description=f"One of {list(SIZE_BANDS)}")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1_000_000)

    def search_query(self) -> search.SearchQuery:
        return self.query(
            region=self.region or None,
            employees=self.employees,
            size=self.size if self.size in SIZE_BANDS else None,
            limit=self.limit,
            offset=self.offset,
        )


def data_url(query: search.SearchQuery) -> str:
    """The API's address of the same search (the values the page searched with, which the
    API accepts as they are): "the same search as data"."""
    params: dict[str, Any] = {
        "q": query.q, "area": query.area, "sector": query.sector, "support": query.support,
        "stage": query.stage, "provider": query.provider, "size": query.size,
        "employees": query.employees,
        "region": query.region if query.region and re.fullmatch(REGION_PATTERN, query.region)
        else None,
    }  # fmt: skip
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    if query.limit != search.SearchQuery.limit:
        kept["limit"] = query.limit
    if query.offset:
        kept["offset"] = query.offset
    return "/api/v1/programmes" + (f"?{urlencode(kept)}" if kept else "")


def _employees(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return min(int(value.strip()), 10_000_000)


def _offset_of(page: str | None) -> int:
    if page is None or not page.strip().isdigit():
        return 0
    return (min(int(page.strip()), 10_000) - 1) * PAGE_SIZE if int(page.strip()) > 0 else 0


FINDER_CACHE = "finder_pages"


def finder_version(engine: Engine) -> Callable[[], Any]:
    """What the finder's page shows depends on: the last change to any programme (every
    write records one) and the review's version (the places and the site's title)."""

    def check() -> Any:
        with engine.connect() as conn:
            changed = conn.execute(select(func.max(Change.id))).scalar()
            return ("finder", changed, repo.review_version(conn))

    return check


def cache_of(request: Request) -> RenderedCache:
    cache: RenderedCache = request.app.state.scaleup.extras[FINDER_CACHE]
    return cache


@dataclass
class FormChoices:
    """The search form's choices: the same for every search of one data version."""

    places: Any
    regions: Any
    names: Any
    sectors: list[str]
    providers: list[str]
    any_programme: bool
    site_title: str | None


CHOICES = "finder_choices"


def form_choices(state: Any, session: Any, version: Any) -> FormChoices:
    """The form's choices for ``version`` (computed once per version and app)."""
    found = state.extras.get(CHOICES)
    if found is not None and found[0] == version:
        return found[1]
    edition = repo.get_review(session)
    choices = FormChoices(
        places=store_places.places(session),
        regions=all_regions(session),
        names=store_places.place_names(session),
        sectors=search.facet_values(session, "sector"),
        providers=search.providers(session),
        any_programme=search.search(session, search.SearchQuery(limit=1)).total > 0,
        site_title=None if edition is None else edition.name,
    )
    state.extras[CHOICES] = (version, choices)
    return choices


def _context(state: Any, filters: PageFilters, version: Any) -> dict[str, Any]:
    """What the finder's page shows for ``filters`` (nothing of the visitor's)."""
    query = filters.search_query()
    with state.sessions() as session:
        found = search.search(session, query)
        choices = form_choices(state, session, version)
    chosen = filters.chosen()
    kept = {k: v for k, v in chosen.items() if v}
    number = found.offset // PAGE_SIZE + 1
    last = max(1, (found.total + PAGE_SIZE - 1) // PAGE_SIZE)

    def link(n: int) -> str:
        return "/finder/?" + urlencode({**kept, "page": n})

    return dict(
        site_title=choices.site_title,
        section="finder",
        found=found,
        chosen=chosen,
        searched=bool(kept),
        empty=found.total == 0 and not choices.any_programme,
        data_url=data_url(query),
        places=choices.places,
        regions=choices.regions,
        names=choices.names,
        sectors=choices.sectors,
        providers=choices.providers,
        support_types=SUPPORT_TYPES,
        stages=STAGES,
        sizes=list(SIZE_BANDS),
        page=number,
        last_page=last,
        previous_url=link(number - 1) if number > 1 else None,
        next_url=link(number + 1) if number < last else None,
    )


def _tagged(body: bytes) -> bytes:
    """``body`` with its ETag in front (``etag`` + NUL + body), as the cache keeps it."""
    return etag_of(body).encode("ascii") + b"\0" + body


def _page(state: Any, filters: PageFilters, version: Any) -> bytes:
    """The finder's page for an anonymous visitor (no account, no CSRF token), tagged: the
    same for every such visitor."""
    template = state.extras["templates"].get_template("finder/search.html")
    html = template.render(csrf_token="", user=None, **_context(state, filters, version))
    return _tagged(html.encode("utf-8"))


def _results(state: Any, query: search.SearchQuery) -> bytes:
    """The API's answer to ``query`` (the JSON FastAPI would send for a ProgrammePage),
    tagged: the same for every caller."""
    with state.sessions() as session:
        found = search.search(session, query)
    data = found.model_dump(mode="json")
    return _tagged(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


def _public(request: Request, tagged: bytes | None, media_type: str, **headers: str) -> Response:
    """A cached answer (:func:`_tagged`) as auth sends a public one."""
    assert tagged is not None
    etag, body = tagged.split(b"\0", 1)
    return public_response(request, body, etag.decode("ascii"), media_type, headers=headers)


async def finder_page(request: Request) -> Response:
    """``/finder/``: the search form and results; every filter is a plain GET parameter.

    An anonymous visitor's page is the same for all (it shows no account): rendered once
    per search and data version (:func:`finder_version`), kept in memory, sent as
    auth.render sends a public page (no session, cacheable, ETag). A plain Starlette route,
    like the review's pages: this is the finder's hot path, and FastAPI's per-request
    machinery (solving the query model as a dependency) cost as much as the rest of it."""
    filters = query_of(request, PageFilters)
    state = request.app.state.scaleup
    version = finder_version(state.engine)
    if session_user(request) is not None or "csrf" in request.session:
        context = await run_in_threadpool(_context, state, filters, version())
        return render(request, "finder/search.html", public=True, **context)
    key = ("finder", tuple(sorted(filters.chosen().items())), filters.search_query().offset)
    found = await cache_of(request).get(key, version, lambda v: _page(state, filters, v))
    return _public(request, found, "text/html", Vary="Cookie")


async def search_programmes(request: Request, query: ApiFilters) -> Response:
    """Search the finder: the same results, in the same order, as ``/finder/``."""
    state = request.app.state.scaleup
    wanted = query.search_query()
    found = await cache_of(request).get(
        ("api", wanted), finder_version(state.engine), lambda _v: _results(state, wanted)
    )
    return _public(request, found, "application/json")


SEARCH = Route(
    "/api/v1/programmes",
    search_programmes,
    ProgrammePage,
    summary="Search Programmes",
    description="Search the finder: the same results, in the same order, as ``/finder/``.",
    query=ApiFilters,
    responses=responses(422),
    tags=("finder",),
)
"""The API's search, as the review's API routes are (web/routes.py): a plain route,
documented in /openapi.json as FastAPI documents a query model. Its answers, the same for
every caller, are cached per search and data version like the finder's page."""


def pages_router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/finder/{programme_id}/", response_class=HTMLResponse)
    def programme_page(request: Request, sessions: Sessions, programme_id: str) -> Response:
        with sessions() as session:
            record = programmes.get(session, programme_id[:80])
            names = store_places.place_names(session)
        if record is None or record.retired:
            raise HTTPException(404, "There is no programme at this address.")
        return render(
            request, "finder/programme.html", public=True, section="finder", p=record, names=names
        )

    return r


def api_router() -> APIRouter:
    r = APIRouter(prefix="/api/v1/programmes", tags=["finder"])

    @r.post(
        "",
        response_model=ProgrammePublic,
        status_code=201,
        responses=responses(401, 409, 413, 422, s409="A programme with this id exists"),
    )
    def create_programme(
        request: Request, sessions: Sessions, editor: ApiEditor, body: ProgrammeCreate
    ) -> ProgrammePublic:
        """Add a programme (its id is made from the name when not given); 409 if it exists."""
        with db.transaction(sessions) as session:
            exists = HTTPException(409, f"programme {body.id!r} exists; use PUT to replace it")
            if body.id and programmes.get(session, body.id) is not None:
                raise exists
            record, created = programmes.save(session, body, actor=editor.email)
            if not created:  # made by another request since the look above: undone
                raise exists
        return record

    @r.get("/{programme_id}", response_model=ProgrammePublic, responses=responses(404))
    def get_programme(request: Request, sessions: Sessions, programme_id: str) -> ProgrammePublic:
        with sessions() as session:
            record = programmes.get(session, programme_id[:80])
        if record is None:
            raise HTTPException(404, "no such programme")
        return record

    @r.put(
        "/{programme_id}",
        response_model=ProgrammePublic,
        responses={
            201: {"model": ProgrammePublic, "description": "Created: no programme had this id"},
            **responses(401, 409, 413, 422),
        },
    )
    def replace_programme(
        request: Request,
        sessions: Sessions,
        response: Response,
        editor: ApiEditor,
        programme_id: str,
        body: ProgrammeCreate,
    ) -> ProgrammePublic:
        """Create or replace the programme at this id (the body's id, if any, must agree)."""
        if body.id is not None and body.id != programme_id:
            raise HTTPException(422, [{"loc": ["body", "id"], "type": "value_error",
                                       "msg": "the id in the body differs from the id in the "
                                       "address"}])  # fmt: skip
        try:
            record_in = ProgrammeCreate.model_validate({**body.model_dump(), "id": programme_id})
        except ValueError:
            raise HTTPException(422, [{"loc": ["path", "programme_id"], "type": "value_error",
                                       "msg": "not a valid slug"}]) from None  # fmt: skip
        with db.transaction(sessions) as session:
            record, created = programmes.save(session, record_in, actor=editor.email)
        response.status_code = 201 if created else 200
        return record

    @r.patch(
        "/{programme_id}",
        response_model=ProgrammePublic,
        responses=responses(401, 404, 409, 413, 422),
    )
    def update_programme(
        request: Request,
        sessions: Sessions,
        editor: ApiEditor,
        programme_id: str,
        body: ProgrammeUpdate,
    ) -> ProgrammePublic:
        """Change only the fields given."""
        try:
            with db.transaction(sessions) as session:
                record = programmes.patch(session, programme_id[:80], body, actor=editor.email)
                if record is None:
                    raise HTTPException(404, "no such programme")
        except (InputError, ValueError) as exc:
            raise HTTPException(422, str(exc)) from None
        return record

    @r.delete("/{programme_id}", status_code=204, responses=responses(401, 404, 409))
    def delete_programme(
        request: Request, sessions: Sessions, editor: ApiEditor, programme_id: str
    ) -> Response:
        """Remove a programme for good (to keep it in the history but off the finder, retire it)."""
        with db.transaction(sessions) as session:
            if not programmes.remove(session, programme_id[:80], actor=editor.email):
                raise HTTPException(404, "no such programme")
        return Response(status_code=204)

    return r


def install(app: FastAPI) -> None:
    state = app.state.scaleup
    cache = RenderedCache(limit=512, stale_while_rendering=True)
    state.extras[FINDER_CACHE] = cache
    event.listen(state.sessions, "after_commit", cache.clear)
    app.add_route("/finder/", finder_page, ["GET"], include_in_schema=False)
    routes.install(app, (SEARCH,))
    app.include_router(pages_router())
    app.include_router(api_router())
