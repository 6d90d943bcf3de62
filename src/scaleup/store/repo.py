"""Every query of the review: the pages, the JSON API and the downloads read these functions.

Values come back as stored: suppressed cells are ``"[c]"``, not-available cells ``None``.
Nothing here builds SQL from strings; nothing here checks who is asking (callers do, and
record their own audit).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, bindparam, delete, func, insert, select
from sqlalchemy.orm import Session

from scaleup.store.review import (
    AreaContentRow,
    ReviewArea,
    ReviewAreaLad,
    ReviewAreaYear,
    ReviewEdition,
    ReviewLad,
)
from scaleup.tables import AREA_SUMMARY, AREA_YEAR, LAD_COMPARE, LAD_YEAR, MEASURES
from scaleup.workspace import AreaContent, content_from_dict

EDITION_KEY = "current"
T = TypeVar("T")


def neighbours(items: Sequence[T]) -> list[tuple[T | None, T, T | None]]:
    """(previous, item, next) for each item in order: bookend with None and zip."""
    padded: list[T | None] = [None, *items, None]
    return list(zip(padded[:-2], padded[1:-1], padded[2:], strict=True))  # type: ignore[arg-type]


# -- writing an edition ---------------------------------------------------------------------


def replace_review(
    session: Session,
    *,
    title: str,
    year: int,
    meta: dict[str, Any],
    areas: Iterable[dict[str, Any]],
    area_years: Iterable[dict[str, Any]],
    lads: Iterable[dict[str, Any]],
    memberships: Iterable[tuple[str, str]],
) -> None:
    """Replace the stored edition's statistics (call inside one transaction).

    ``areas``: dicts with code, name, slug, position, summary, charts; ``area_years``:
    area_code, year, values; ``lads``: code, name, years, compare.
    """
    for model in (ReviewAreaLad, ReviewAreaYear, ReviewArea, ReviewLad, ReviewEdition):
        session.execute(delete(model))
    session.add(ReviewEdition(key=EDITION_KEY, title=title, year=year, meta=meta, built_at=_now()))
    session.flush()
    for model, rows in (
        (ReviewLad, list(lads)),
        (ReviewArea, list(areas)),
        (ReviewAreaYear, list(area_years)),
        (ReviewAreaLad, [{"area_code": a, "lad_code": lad} for a, lad in memberships]),
    ):
        if rows:
            session.execute(insert(model), rows)


def _now() -> datetime:
    return datetime.now(UTC)


# -- area content ---------------------------------------------------------------------------


def get_area_content(session: Session, code: str) -> AreaContent | None:
    row = session.get(AreaContentRow, code)
    return None if row is None else AreaContent.model_validate(row.content)


def save_area_content(session: Session, code: str, content: AreaContent | dict[str, Any]) -> None:
    """Insert or replace an area's content (validated; InputError when invalid)."""
    if not isinstance(content, AreaContent):
        content = content_from_dict({**dict(content), "code": code})
    if content.code != code:
        content = content.model_copy(update={"code": code})
    data = content.model_dump(mode="json")
    row = session.get(AreaContentRow, code)
    if row is None:
        session.add(AreaContentRow(area_code=code, content=data, updated_at=_now()))
    else:
        row.content = data
        row.updated_at = _now()
    session.flush()


def replace_area_contents(session: Session, contents: Iterable[AreaContent]) -> None:
    """The workspace's content files become the stored content of every area."""
    session.execute(delete(AreaContentRow))
    for content in contents:
        save_area_content(session, content.code, content)


def all_area_contents(session: Session) -> dict[str, AreaContent]:
    rows = session.scalars(select(AreaContentRow))
    return {r.area_code: AreaContent.model_validate(r.content) for r in rows}


# -- reading the review ---------------------------------------------------------------------


def get_review(session: Session) -> dict[str, Any] | None:
    """The edition: title, year, meta (settings, vintage, measures...), built_at."""
    row = session.get(ReviewEdition, EDITION_KEY)
    if row is None:
        return None
    return {"title": row.title, "year": row.year, "meta": row.meta, "built_at": row.built_at}


def review_ref(review: dict[str, Any]) -> dict[str, Any]:
    return {"title": review["title"], "year": review["year"]}


def area_refs(session: Session) -> list[dict[str, str]]:
    """Every area in review order as {code, name, slug}."""
    rows = session.execute(
        select(ReviewArea.code, ReviewArea.name, ReviewArea.slug).order_by(ReviewArea.position)
    )
    return [{"code": c, "name": n, "slug": s} for c, n, s in rows]


def list_areas(session: Session) -> list[dict[str, Any]]:
    """Every area in review order with n_lads, summary and the latest year's figures."""
    latest: dict[str, dict[str, Any]] = {}
    for area_code, values in session.execute(
        select(ReviewAreaYear.area_code, ReviewAreaYear.values).order_by(ReviewAreaYear.year)
    ):
        latest[area_code] = values
    out = []
    for area in session.scalars(select(ReviewArea).order_by(ReviewArea.position)):
        out.append(
            {
                "code": area.code,
                "name": area.name,
                "slug": area.slug,
                "n_lads": area.summary.get("n_lads"),
                "summary": area.summary,
                "latest": latest.get(area.code, {}),
            }
        )
    return out


_VERSION = (
    select(ReviewArea.code, ReviewEdition.built_at, AreaContentRow.updated_at)
    .select_from(ReviewArea)
    .join(ReviewEdition, ReviewEdition.key == EDITION_KEY)
    .outerjoin(AreaContentRow, AreaContentRow.area_code == ReviewArea.code)
)
_VERSION_BY_SLUG = _VERSION.where(ReviewArea.slug == bindparam("key"))
_VERSION_BY_CODE = _VERSION.where(ReviewArea.code == bindparam("key"))
_REVIEW_VERSION = select(
    ReviewEdition.built_at,
    select(func.max(AreaContentRow.updated_at)).scalar_subquery(),
).where(ReviewEdition.key == EDITION_KEY)


def area_version(
    conn: Session | Connection, *, slug: str | None = None, code: str | None = None
) -> tuple[str, Any, Any] | None:
    """(code, edition built_at, content updated_at) of an area, in one query: what a cached
    page of the area depends on. None when there is no such area. Cheap enough to run on
    every request (a Core connection is faster than a Session here)."""
    if slug is not None:
        row = conn.execute(_VERSION_BY_SLUG, {"key": slug}).first()
    else:
        row = conn.execute(_VERSION_BY_CODE, {"key": code}).first()
    return None if row is None else (row[0], row[1], row[2])


def review_version(conn: Session | Connection) -> tuple[Any, Any] | None:
    """(edition build time, last content edit): what the front page depends on; None when
    nothing is built."""
    row = conn.execute(_REVIEW_VERSION).first()
    return None if row is None else (row[0], row[1])


def area_code_for_slug(session: Session, slug: str) -> str | None:
    return session.scalar(select(ReviewArea.code).where(ReviewArea.slug == slug))


def get_area(session: Session, code: str) -> dict[str, Any] | None:
    """An area in the JSON shape of contracts.md (API v1), or None when unknown.

    ``trends`` (beyond the contract, kept by the API): the area's density trend per measure.
    Extra keys the API drops: ``charts`` (SVG by name, from the build),
    ``content`` (the area's AreaContent or None) and ``shared_lads`` (LAD code -> the other
    areas it belongs to); the API drops them.
    """
    area = session.get(ReviewArea, code)
    review = get_review(session)
    if area is None or review is None:
        return None
    refs = area_refs(session)
    previous = following = None
    for before, ref, after in neighbours(refs):
        if ref["code"] == code:
            previous, following = before, after
    years = [
        {"year": y, **{k: v for k, v in values.items() if k in AREA_YEAR[2:]}}
        for y, values in session.execute(
            select(ReviewAreaYear.year, ReviewAreaYear.values)
            .where(ReviewAreaYear.area_code == code)
            .order_by(ReviewAreaYear.year)
        )
    ]
    lad_rows = session.scalars(
        select(ReviewLad)
        .join(ReviewAreaLad, ReviewAreaLad.lad_code == ReviewLad.code)
        .where(ReviewAreaLad.area_code == code)
        .order_by(ReviewLad.name)
    ).all()
    lad_codes = [lad.code for lad in lad_rows]
    shared: dict[str, list[dict[str, str]]] = {}
    names = {r["code"]: r for r in refs}
    for lad_code, other in session.execute(
        select(ReviewAreaLad.lad_code, ReviewAreaLad.area_code).where(
            ReviewAreaLad.lad_code.in_(lad_codes), ReviewAreaLad.area_code != code
        )
    ):
        shared.setdefault(lad_code, []).append(names[other])
    return {
        "code": area.code,
        "name": area.name,
        "slug": area.slug,
        "review": review_ref(review),
        "measures": list(review["meta"].get("measures", MEASURES)),
        "summary": {k: area.summary.get(k) for k in AREA_SUMMARY},
        "trends": {m: area.summary.get("trends", {}).get(m) for m in MEASURES},
        "years": years,
        "lads": [
            {
                "lad_code": lad.code,
                "lad_name": lad.name,
                "measures": {
                    m: {k: row.get(k) for k in LAD_COMPARE} for m, row in lad.compare.items()
                },
            }
            for lad in lad_rows
        ],
        "previous": previous,
        "next": following,
        "charts": area.charts,
        "content": get_area_content(session, code),
        "shared_lads": shared,
        "meta": review["meta"],
        "lad_years": {lad.code: lad.years for lad in lad_rows},
    }


API_EXTRAS = ("charts", "content", "shared_lads", "meta", "lad_years")


def area_tables(session: Session, code: str) -> dict[str, list[dict[str, Any]]] | None:
    """The area's rows of the four published tables, in contract columns (for downloads)."""
    area = get_area(session, code)
    if area is None:
        return None
    lad_year = [
        {k: row.get(k) for k in LAD_YEAR}
        for lad in area["lads"]
        for row in area["lad_years"][lad["lad_code"]]
    ]
    lad_compare = [dict(values) for lad in area["lads"] for values in lad["measures"].values()]
    area_year = [
        {"area_code": area["code"], "area_name": area["name"], **row} for row in area["years"]
    ]
    return {
        "area_summary": [area["summary"]],
        "area_year": [{k: row.get(k) for k in AREA_YEAR} for row in area_year],
        "lad_year": lad_year,
        "lad_compare": lad_compare,
    }
