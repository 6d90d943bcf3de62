"""The support finder's directory as the HSDS 3.0 read API, under ``/hsds/``.

The routes, parameters and shapes of ``spec/hsds-3.0/openapi.json``: lists are the API's
``Page`` (``total_items``, ``total_pages``, ``page_number``, ``size``, ``first_page``,
``last_page``, ``empty``) with their ``contents``; ``/hsds/services`` lists services as
``compiled/service_list.json`` (``full=true``: fully nested), ``/hsds/services/{id}`` is one
fully nested service. The documents are those of ``scaleup finder export --format hsds``
(:mod:`scaleup.finder.hsds`); retired programmes are left out, as on the finder's pages.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request

from scaleup.finder import hsds
from scaleup.store import places, programmes
from scaleup.web.errors import responses
from scaleup.web.state import Sessions

PREFIX = "/hsds"
PER_PAGE = 50

Page = Annotated[int, Query(ge=1, le=100_000, description="Page number of the results (from 1).")]
PerPage = Annotated[int, Query(ge=1, le=500, description="Results in a single page.")]
Search = Annotated[
    str | None, Query(max_length=200, description="Words that must all appear (any case).")
]
Flag = Annotated[bool, Query(description="Fully nested records.")]
FullService = Annotated[
    bool, Query(description="Organisations nested with their services in full.")
]
Id = Annotated[str | None, Query(max_length=100)]
NOT_FOUND = responses(404, s404="No record with this id")
INVALID = responses(422, s422="A parameter is not valid")


def _directory(sessions: Sessions) -> hsds.HsdsDirectory:
    with sessions() as session:
        records = programmes.all_programmes(session, include_retired=False)
        names = places.place_names(session)
    return hsds.directory(records, names)


Directory = Annotated[hsds.HsdsDirectory, Depends(_directory)]
"""The directory as HSDS documents, from the store (a route's parameter)."""


def _matches(words: list[str], *texts: Any) -> bool:
    haystack = " ".join(t for t in texts if isinstance(t, str)).lower()
    return all(w in haystack for w in words)


def _words(search: str | None) -> list[str]:
    return (search or "").lower().split()


def _modified_after(value: str | None) -> str | None:
    """An ISO date or date-time, as the ``last_modified`` text it is compared with."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text.replace("Z", "+00:00")).strftime("%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise HTTPException(
            422,
            [{"loc": ["query", "modified_after"], "type": "datetime_parsing",
              "msg": f"expected an ISO 8601 date or date-time, got {value!r}"}],
        ) from None  # fmt: skip


def router() -> APIRouter:
    r = APIRouter(prefix=PREFIX, tags=["HSDS 3.0"])

    @r.get("/")
    def about(request: Request) -> dict[str, str]:
        """This API and its relationship with HSDS."""
        base = str(request.base_url).rstrip("/")
        return {
            "version": hsds.HSDS_VERSION,
            "profile": "https://docs.openreferral.org/en/3.0/",
            "openapi_url": f"{base}/openapi.json",
        }

    @r.get("/services", responses=INVALID)
    def list_services(
        directory: Directory,
        search: Search = None,
        page: Page = 1,
        per_page: PerPage = PER_PAGE,
        taxonomy_term_id: Id = None,
        taxonomy_id: Id = None,
        organization_id: Id = None,
        modified_after: Annotated[str | None, Query(max_length=40)] = None,
        minimal: bool = False,
        full: Flag = False,
    ) -> dict[str, Any]:
        """Services, paged (``compiled/service_list.json``; ``full=true``: fully nested)."""
        since = _modified_after(modified_after)
        words = _words(search)
        found = []
        for service in directory.services:
            terms = service["attributes"]
            if words and not _matches(
                words, service["name"], service.get("description"),
                service["organization"]["name"], *(a["value"] for a in terms),
            ):  # fmt: skip
                continue
            if taxonomy_term_id and all(a["taxonomy_term_id"] != taxonomy_term_id for a in terms):
                continue
            if taxonomy_id and all(a["taxonomy_term"]["taxonomy_id"] != taxonomy_id for a in terms):
                continue
            if organization_id and service["organization_id"] != organization_id:
                continue
            if since and service["last_modified"][: len(since)] < since:
                continue
            if minimal:
                found.append({"id": service["id"], "last_modified": service["last_modified"]})
            else:
                found.append(service if full else hsds.service_summary(service))
        return hsds.page(found, page, per_page)

    @r.get("/services/{id}", responses=NOT_FOUND)
    def get_service(directory: Directory, id: str) -> dict[str, Any]:
        """One service, fully nested (``compiled/service.json``)."""
        found = directory.service(id[:100])
        if found is None:
            raise HTTPException(404, f"no service {id[:100]!r}")
        return found

    @r.get("/organizations", responses=INVALID)
    def list_organizations(
        directory: Directory,
        search: Search = None,
        page: Page = 1,
        per_page: PerPage = PER_PAGE,
        full: Flag = False,
        full_service: FullService = False,
    ) -> dict[str, Any]:
        """Organisations (the programmes' providers), paged (``organization_list.json``;
        ``full``: each nested with its services, ``full_service``: fully nested services)."""
        words = _words(search)
        found = [
            directory.organization(o["id"], full_service) if full or full_service else o
            for o in directory.organizations
            if _matches(words, o["name"], o["description"])
        ]
        return hsds.page([o for o in found if o is not None], page, per_page)

    @r.get("/organizations/{id}", responses=NOT_FOUND)
    def get_organization(
        directory: Directory, id: str, full_service: FullService = False
    ) -> dict[str, Any]:
        """One organisation with its services (``full_service``: fully nested)."""
        found = directory.organization(id[:100], full_service)
        if found is None:
            raise HTTPException(404, f"no organization {id[:100]!r}")
        return found

    @r.get("/taxonomies", responses=INVALID)
    def list_taxonomies(
        directory: Directory, search: Search = None, page: Page = 1, per_page: PerPage = PER_PAGE
    ) -> dict[str, Any]:
        """The taxonomies the directory's services are tagged with, paged."""
        words = _words(search)
        found = [
            t for t in directory.taxonomies
            if _matches(words, t["name"], t["description"])
        ]  # fmt: skip
        return hsds.page(found, page, per_page)

    @r.get("/taxonomies/{id}", responses=NOT_FOUND)
    def get_taxonomy(directory: Directory, id: str) -> dict[str, Any]:
        """One taxonomy."""
        found = next((t for t in directory.taxonomies if t["id"] == id), None)
        if found is None:
            raise HTTPException(404, f"no taxonomy {id[:100]!r}")
        return found

    @r.get("/taxonomy_terms", responses=INVALID)
    def list_terms(
        directory: Directory,
        search: Search = None,
        page: Page = 1,
        per_page: PerPage = PER_PAGE,
        taxonomy_id: Id = None,
        top_only: Annotated[bool, Query(description="Only terms without child terms.")] = False,
        parent_id: Annotated[
            str | None, Query(max_length=100, description="Only the child terms of this term.")
        ] = None,
    ) -> dict[str, Any]:
        """The taxonomy terms in use, paged (``top_only``: terms without child terms;
        ``parent_id``: the children of one term)."""
        words = _words(search)
        parents = {t.get("parent_id") for t in directory.terms}
        found = [
            t for t in directory.terms
            if _matches(words, t["name"], t["description"])
            and (not taxonomy_id or t["taxonomy_id"] == taxonomy_id)
            and (not top_only or t["id"] not in parents)
            and (parent_id is None or t.get("parent_id") == parent_id)
        ]  # fmt: skip
        return hsds.page(found, page, per_page)

    @r.get("/taxonomy_terms/{id}", responses=NOT_FOUND)
    def get_term(directory: Directory, id: str) -> dict[str, Any]:
        """One taxonomy term."""
        found = next((t for t in directory.terms if t["id"] == id), None)
        if found is None:
            raise HTTPException(404, f"no taxonomy term {id[:100]!r}")
        return found

    return r


def install(app: FastAPI) -> None:
    app.include_router(router())
