"""Every query of the review: the pages, the JSON API and the downloads read these functions.

They answer with frozen records (:class:`Edition`, :class:`AreaRef`, :class:`AreaListing`,
:class:`AreaView` with its :class:`LadView`; :class:`LadDetail`): the one shape of an area
(or a LAD) that the page, the downloads and the API each map to what they show. Cells come
back as stored, in rows keyed by the contract columns of :mod:`scaleup.tables`: suppressed
cells are ``"[c]"``, not-available cells ``None``. Nothing here builds SQL from strings;
nothing here checks who is asking (callers do, and record their own audit).

Adding a field to an area: add it to :class:`AreaView` and set it in :func:`get_area`; the
page reads it as an attribute; the API shows it only once ``web/api.py`` maps it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, bindparam, delete, func, insert, select
from sqlalchemy.orm import Session

from scaleup.meta import EditionMeta
from scaleup.slugs import unique_slugs
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
    meta: EditionMeta,
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
    session.add(
        ReviewEdition(key=EDITION_KEY, title=title, year=year, meta=meta.to_json(), built_at=_now())
    )
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

Row = dict[str, Any]
"""One row of a published table, keyed by its contract columns (:mod:`scaleup.tables`)."""


@dataclass(frozen=True)
class Edition:
    """The stored edition: its title and year, what it was computed from, when it was built."""

    title: str
    year: int
    meta: EditionMeta
    built_at: datetime

    @property
    def name(self) -> str:
        return f"{self.title} {self.year}"


@dataclass(frozen=True)
class AreaRef:
    code: str
    name: str
    slug: str


@dataclass(frozen=True)
class AreaListing(AreaRef):
    """An area as the front page and the list of areas show it."""

    n_lads: int | None
    summary: Row
    latest: Row
    """The area's row of area_year in the latest year (empty when it has none)."""


@dataclass(frozen=True)
class LadView:
    """A local authority district of an area: its lad_year rows and, per measure, its
    lad_compare row."""

    lad_code: str
    lad_name: str
    measures: dict[str, Row]
    years: tuple[Row, ...]
    slug: str
    """The LAD's page address (/lads/{slug}/)."""


@dataclass(frozen=True)
class AreaView(AreaRef):
    """Everything about one area that a page, a download or the API shows."""

    edition: Edition
    summary: Row
    """Every column of area_summary."""
    trends: dict[str, float | str | None]
    """The area's density trend per measure (area_summary has only ``trend_any``)."""
    years: tuple[Row, ...]
    """The area's area_year rows, without its code and name."""
    lads: tuple[LadView, ...]
    """By name."""
    previous: AreaRef | None
    next: AreaRef | None
    charts: dict[str, Any]
    """SVG charts by name, drawn by the build."""
    content: AreaContent | None
    shared_lads: dict[str, tuple[AreaRef, ...]]
    """LAD code -> the other areas the LAD belongs to."""

    @property
    def measures(self) -> tuple[str, ...]:
        return self.edition.meta.measures

    @property
    def latest(self) -> Row:
        return self.years[-1] if self.years else {}


def get_review(session: Session) -> Edition | None:
    """The stored edition, or None when nothing is built."""
    row = session.get(ReviewEdition, EDITION_KEY)
    if row is None:
        return None
    return Edition(row.title, row.year, EditionMeta.from_json(row.meta, "the store"), row.built_at)


def area_refs(session: Session) -> list[AreaRef]:
    """Every area in review order."""
    rows = session.execute(
        select(ReviewArea.code, ReviewArea.name, ReviewArea.slug).order_by(ReviewArea.position)
    )
    return [AreaRef(c, n, s) for c, n, s in rows]


def list_areas(session: Session) -> list[AreaListing]:
    """Every area in review order with n_lads, summary and the latest year's figures."""
    latest: dict[str, Row] = {}
    for area_code, values in session.execute(
        select(ReviewAreaYear.area_code, ReviewAreaYear.values).order_by(ReviewAreaYear.year)
    ):
        latest[area_code] = values
    return [
        AreaListing(
            area.code,
            area.name,
            area.slug,
            n_lads=area.summary.get("n_lads"),
            summary=_summary(area.summary),
            latest=latest.get(area.code, {}),
        )
        for area in session.scalars(select(ReviewArea).order_by(ReviewArea.position))
    ]


def _summary(stored: Row) -> Row:
    return {k: stored.get(k) for k in AREA_SUMMARY}


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


def get_area(session: Session, code: str) -> AreaView | None:
    """An area, or None when unknown (or when nothing is built)."""
    area = session.get(ReviewArea, code)
    edition = get_review(session)
    if area is None or edition is None:
        return None
    refs = area_refs(session)
    previous = following = None
    for before, ref, after in neighbours(refs):
        if ref.code == code:
            previous, following = before, after
    years = tuple(
        {"year": y, **{k: v for k, v in values.items() if k in AREA_YEAR[2:]}}
        for y, values in session.execute(
            select(ReviewAreaYear.year, ReviewAreaYear.values)
            .where(ReviewAreaYear.area_code == code)
            .order_by(ReviewAreaYear.year)
        )
    )
    lad_rows = session.scalars(
        select(ReviewLad)
        .join(ReviewAreaLad, ReviewAreaLad.lad_code == ReviewLad.code)
        .where(ReviewAreaLad.area_code == code)
        .order_by(ReviewLad.name)
    ).all()
    lad_codes = [lad.code for lad in lad_rows]
    slugs = lad_slugs(session)
    shared: dict[str, list[AreaRef]] = {}
    by_code = {r.code: r for r in refs}
    for lad_code, other in session.execute(
        select(ReviewAreaLad.lad_code, ReviewAreaLad.area_code).where(
            ReviewAreaLad.lad_code.in_(lad_codes), ReviewAreaLad.area_code != code
        )
    ):
        shared.setdefault(lad_code, []).append(by_code[other])
    stored_trends = area.summary.get("trends", {})
    return AreaView(
        area.code,
        area.name,
        area.slug,
        edition=edition,
        summary=_summary(area.summary),
        trends={m: stored_trends.get(m) for m in MEASURES},
        years=years,
        lads=tuple(
            LadView(
                lad_code=lad.code,
                lad_name=lad.name,
                slug=slugs[lad.code],
                measures={
                    m: {k: row.get(k) for k in LAD_COMPARE} for m, row in lad.compare.items()
                },
                years=tuple(lad.years),
            )
            for lad in lad_rows
        ),
        previous=previous,
        next=following,
        charts=area.charts,
        content=get_area_content(session, code),
        shared_lads={lad: tuple(others) for lad, others in shared.items()},
    )


@dataclass(frozen=True)
class LadRef:
    code: str
    name: str
    slug: str


@dataclass(frozen=True)
class LadArea(AreaRef):
    """An area a LAD belongs to, in the edition it is published in."""

    edition: str


@dataclass(frozen=True)
class LadDetail(LadRef):
    """Everything about one local authority district that its page and the API show."""

    edition: Edition
    areas: tuple[LadArea, ...]
    """The review's areas the LAD belongs to, in review order."""
    years: tuple[Row, ...]
    """Its lad_year rows (every column), by year."""
    compare: dict[str, Row]
    """Measure -> its lad_compare row (every column)."""

    @property
    def measures(self) -> tuple[str, ...]:
        return self.edition.meta.measures


def lad_slugs(session: Session) -> dict[str, str]:
    """LAD code -> its page's slug (:func:`scaleup.slugs.unique_slugs` of the names)."""
    return unique_slugs(session.execute(select(ReviewLad.code, ReviewLad.name)), fallback="lad")


def lad_refs(session: Session) -> list[LadRef]:
    """Every LAD of the review, by name."""
    rows = session.execute(select(ReviewLad.code, ReviewLad.name).order_by(ReviewLad.name))
    named = [(code, name) for code, name in rows]
    slugs = unique_slugs(named, fallback="lad")
    return [LadRef(code, name, slugs[code]) for code, name in named]


def lad_code_for_slug(session: Session, slug: str) -> str | None:
    return next((code for code, s in lad_slugs(session).items() if s == slug), None)


def get_lad(session: Session, code: str) -> LadDetail | None:
    """A local authority district of the review, or None when unknown (or nothing built)."""
    lad = session.get(ReviewLad, code)
    edition = get_review(session)
    if lad is None or edition is None:
        return None
    member_of = set(
        session.scalars(select(ReviewAreaLad.area_code).where(ReviewAreaLad.lad_code == code))
    )
    label = str(edition.year)
    return LadDetail(
        lad.code,
        lad.name,
        lad_slugs(session)[lad.code],
        edition=edition,
        areas=tuple(
            LadArea(a.code, a.name, a.slug, edition=label)
            for a in area_refs(session)
            if a.code in member_of
        ),
        years=tuple({k: row.get(k) for k in LAD_YEAR} for row in lad.years),
        compare={m: {k: row.get(k) for k in LAD_COMPARE} for m, row in lad.compare.items()},
    )


def area_tables(session: Session, code: str) -> dict[str, list[Row]] | None:
    """The area's rows of the four published tables, in contract columns (for downloads)."""
    area = get_area(session, code)
    if area is None:
        return None
    return tables_of(area)


def review_tables(session: Session) -> dict[str, list[Row]]:
    """Every row of the four published tables, in contract columns: the areas in review
    order, the LADs (every one in the data) by code. Empty when nothing is built."""
    refs = area_refs(session)
    names = {r.code: r.name for r in refs}
    position = {r.code: i for i, r in enumerate(refs)}
    area_years = sorted(
        session.execute(
            select(ReviewAreaYear.area_code, ReviewAreaYear.year, ReviewAreaYear.values)
        ),
        key=lambda r: (position[r[0]], r[1]),
    )
    lads = session.scalars(select(ReviewLad).order_by(ReviewLad.code)).all()
    summaries = {a.code: a.summary for a in session.scalars(select(ReviewArea))}
    return {
        "area_summary": [_summary(summaries[r.code]) for r in refs],
        "area_year": [
            {k: {"area_code": code, "area_name": names[code], **values, "year": year}.get(k)
             for k in AREA_YEAR}
            for code, year, values in area_years
        ],
        "lad_year": [{k: row.get(k) for k in LAD_YEAR} for lad in lads for row in lad.years],
        "lad_compare": [
            {k: lad.compare[m].get(k) for k in LAD_COMPARE}
            for lad in lads for m in MEASURES if m in lad.compare
        ],
    }  # fmt: skip


def tables_of(area: AreaView) -> dict[str, list[Row]]:
    """An area's rows of the four published tables, in contract columns."""
    names = {"area_code": area.code, "area_name": area.name}
    return {
        "area_summary": [dict(area.summary)],
        "area_year": [{k: {**names, **row}.get(k) for k in AREA_YEAR} for row in area.years],
        "lad_year": [{k: row.get(k) for k in LAD_YEAR} for lad in area.lads for row in lad.years],
        "lad_compare": [dict(values) for lad in area.lads for values in lad.measures.values()],
    }
