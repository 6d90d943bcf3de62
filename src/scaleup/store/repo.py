"""Every query of the review: the pages, the JSON API and the downloads read these functions.

They answer with frozen records (:class:`Edition`, :class:`AreaRef`, :class:`AreaListing`,
:class:`AreaView` with its :class:`LadView`; :class:`LadDetail`): the one shape of an area
(or a LAD) that the page, the downloads and the API each map to what they show. Cells come
back as stored, in rows keyed by the contract columns of :mod:`scaleup.tables`: suppressed
cells are ``"[c]"``, not-available cells ``None``. Nothing here builds SQL from strings;
nothing here checks who is asking (callers do, and record their own audit).

A store holds several editions of the review. Every query takes ``edition`` (its key, e.g.
``"2026"``); ``None`` means the latest edition (the one with the highest year), so a caller
that knows nothing of editions reads the current review.

Adding a field to an area: add it to :class:`AreaView` and set it in :func:`get_area`; the
page reads it as an attribute; the API shows it only once ``web/api.py`` maps it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, bindparam, delete, func, insert, select
from sqlalchemy.orm import Session

from scaleup.geo.codes import shipped_code_changes
from scaleup.meta import EditionMeta
from scaleup.slugs import unique_slugs
from scaleup.store.db import as_utc
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

T = TypeVar("T")


_CACHE = "scaleup.repo"
"""Key of ``session.info`` holding what a session has read of the editions, their LAD slugs
and their areas' LADs: the same answer for the session's life (a request, or one build's
rendering), and dropped by every write of an edition."""


def _cached(session: Session, key: Any, make: Callable[[], T]) -> T:
    cache = session.info.setdefault(_CACHE, {})
    if key not in cache:
        cache[key] = make()
    return cache[key]


def _forget(session: Session) -> None:
    session.info.pop(_CACHE, None)


def neighbours(items: Sequence[T]) -> list[tuple[T | None, T, T | None]]:
    """(previous, item, next) for each item in order: bookend with None and zip."""
    padded: list[T | None] = [None, *items, None]
    return list(zip(padded[:-2], padded[1:-1], padded[2:], strict=True))  # type: ignore[arg-type]


# -- writing an edition ---------------------------------------------------------------------


def replace_review(
    session: Session,
    *,
    edition: str,
    title: str,
    year: int,
    meta: EditionMeta,
    areas: Iterable[dict[str, Any]],
    area_years: Iterable[dict[str, Any]],
    lads: Iterable[dict[str, Any]],
    memberships: Iterable[tuple[str, str]],
    built_at: datetime | None = None,
) -> None:
    """Replace one edition's statistics (call inside one transaction); other editions stay.
    ``built_at`` (default: now) is the build's stamp, the same for every edition it stores.

    ``areas``: dicts with code, name, slug, position, summary, charts; ``area_years``:
    area_code, year, values; ``lads``: code, name, years, compare.
    """
    _forget(session)
    for model in (ReviewAreaLad, ReviewAreaYear, ReviewArea, ReviewLad):
        session.execute(delete(model).where(model.edition == edition))
    session.execute(delete(ReviewEdition).where(ReviewEdition.key == edition))
    session.add(
        ReviewEdition(
            key=edition, title=title, year=year, meta=meta.to_json(), built_at=built_at or _now()
        )
    )
    session.flush()
    for model, rows in (
        (ReviewLad, list(lads)),
        (ReviewArea, list(areas)),
        (ReviewAreaYear, list(area_years)),
        (ReviewAreaLad, [{"area_code": a, "lad_code": lad} for a, lad in memberships]),
    ):
        if rows:
            session.execute(insert(model), [{**row, "edition": edition} for row in rows])


def keep_editions(session: Session, editions: Iterable[str]) -> None:
    """Remove every stored edition (statistics and content) not in ``editions``."""
    keep = list(editions)
    _forget(session)
    for model in (ReviewAreaLad, ReviewAreaYear, ReviewArea, ReviewLad, AreaContentRow):
        session.execute(delete(model).where(model.edition.not_in(keep)))
    session.execute(delete(ReviewEdition).where(ReviewEdition.key.not_in(keep)))


def build_stamp(session: Session) -> dict[str, str]:
    """Each stored edition's build time (ISO, UTC): what a site written from this store
    records, so that site and store can be checked to agree."""
    rows = session.execute(select(ReviewEdition.key, ReviewEdition.built_at)).all()
    return {key: as_utc(at).astimezone(UTC).isoformat() for key, at in rows}


def _now() -> datetime:
    return datetime.now(UTC)


# -- area content ---------------------------------------------------------------------------


def get_area_content(session: Session, code: str, edition: str | None = None) -> AreaContent | None:
    key = edition or latest_edition(session)
    row = None if key is None else session.get(AreaContentRow, (key, code))
    return None if row is None else AreaContent.model_validate(row.content)


def save_area_content(
    session: Session,
    code: str,
    content: AreaContent | dict[str, Any],
    edition: str | None = None,
) -> None:
    """Insert or replace an area's content in ``edition`` (default: the latest) (validated;
    InputError when invalid)."""
    if not isinstance(content, AreaContent):
        content = content_from_dict({**dict(content), "code": code})
    if content.code != code:
        content = content.model_copy(update={"code": code})
    key = edition or latest_edition(session)
    if key is None:
        raise ValueError("no edition is stored: build the review before editing its content")
    data = content.model_dump(mode="json")
    row = session.get(AreaContentRow, (key, code))
    if row is None:
        session.add(AreaContentRow(edition=key, area_code=code, content=data, updated_at=_now()))
    else:
        row.content = data
        row.updated_at = _now()
    session.flush()


def replace_area_contents(session: Session, contents: Iterable[AreaContent], edition: str) -> None:
    """The edition's content files become the stored content of its areas."""
    session.execute(delete(AreaContentRow).where(AreaContentRow.edition == edition))
    for content in contents:
        save_area_content(session, content.code, content, edition)


def all_area_contents(session: Session, edition: str | None = None) -> dict[str, AreaContent]:
    key = edition or latest_edition(session)
    rows = session.scalars(select(AreaContentRow).where(AreaContentRow.edition == key))
    return {r.area_code: AreaContent.model_validate(r.content) for r in rows}


# -- reading the review ---------------------------------------------------------------------

Row = dict[str, Any]
"""One row of a published table, keyed by its contract columns (:mod:`scaleup.tables`)."""


@dataclass(frozen=True)
class Edition:
    """A stored edition: its key, title and year, what it was computed from, when built."""

    title: str
    year: int
    meta: EditionMeta
    built_at: datetime
    key: str = ""
    """The edition's key and URL segment (``"2026"``)."""

    @property
    def name(self) -> str:
        return f"{self.title} {self.year}"

    @property
    def label(self) -> str:
        """How a page names the edition: "2026 edition"."""
        return f"{self.key or self.year} edition"


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
    over_time: tuple[AreaLink, ...] = ()
    """The areas of the other editions that share LADs with this one (newest edition first)."""
    started: int | None = None
    """The year the area (a combined authority) was formed, when the code changes say."""

    @property
    def measures(self) -> tuple[str, ...]:
        return self.edition.meta.measures

    @property
    def latest(self) -> Row:
        return self.years[-1] if self.years else {}

    @property
    def earlier(self) -> tuple[AreaLink, ...]:
        return tuple(link for link in self.over_time if not link.later)

    @property
    def later(self) -> tuple[AreaLink, ...]:
        return tuple(link for link in self.over_time if link.later)

    @property
    def counterpart(self) -> AreaLink | None:
        """The area of the previous edition this one is compared with: the same code, else
        the one that shares the most LADs (ties: the first in review order)."""
        earlier = self.earlier
        if not earlier:
            return None
        last = earlier[0].edition
        candidates = [link for link in earlier if link.edition == last]
        same = [link for link in candidates if link.code == self.code]
        return same[0] if same else max(candidates, key=lambda link: (link.shared, -link.position))


@dataclass(frozen=True)
class AreaLink(AreaRef):
    """An area of another edition that shares local authorities with an area, matched on
    LAD codes mapped forward to the later edition's vintage (so the 2021 districts of North
    Yorkshire match the 2023 unitary authority)."""

    edition: str
    """The other edition's key."""
    edition_year: int
    end_year: int | None
    later: bool
    """Whether the other edition is newer than the area's."""
    area_type: str | None
    position: int
    shared: int
    """The other area's LADs (in its own codes) that lie in the area."""
    lads: int
    """The other area's LADs."""
    covered: int
    """The area's LADs that lie in the other area."""
    own_lads: int
    """The area's LADs."""
    started: int | None
    """The year the other area was formed, when the code changes say."""
    summary: Row
    years: tuple[Row, ...]
    """The other area's area_year rows."""
    gained: tuple[str, ...]
    """Names of the area's LADs that are not in the other area."""
    lost: tuple[str, ...]
    """Names of the other area's LADs that are not in the area."""
    recoded: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
    """LADs in both under other codes: (the other area's names, the area's names)."""

    @property
    def same_lads(self) -> bool:
        """Whether the two areas cover the same LADs (codes mapped forward)."""
        return self.shared == self.lads and self.covered == self.own_lads

    @property
    def latest(self) -> Row:
        return self.years[-1] if self.years else {}


_NEWEST = (ReviewEdition.year.desc(), ReviewEdition.key.desc())


def latest_edition(conn: Session | Connection) -> str | None:
    """The key of the latest edition (highest year), or None when nothing is built."""
    return conn.execute(select(ReviewEdition.key).order_by(*_NEWEST).limit(1)).scalar()


def _edition_of(row: ReviewEdition) -> Edition:
    meta = EditionMeta.from_json(row.meta, "the store")
    return Edition(row.title, row.year, meta, row.built_at, key=row.key)


def editions(session: Session) -> list[Edition]:
    """Every stored edition, newest first."""
    return list(
        _cached(
            session,
            "editions",
            lambda: [
                _edition_of(row)
                for row in session.scalars(select(ReviewEdition).order_by(*_NEWEST))
            ],
        )
    )


def get_review(session: Session, edition: str | None = None) -> Edition | None:
    """The edition (default: the latest), or None when it is not stored."""
    key = edition or latest_edition(session)
    return next((e for e in editions(session) if e.key == key), None)


def area_refs(session: Session, edition: str | None = None) -> list[AreaRef]:
    """Every area of the edition (default: the latest) in review order."""
    key = edition or latest_edition(session)
    rows = session.execute(
        select(ReviewArea.code, ReviewArea.name, ReviewArea.slug)
        .where(ReviewArea.edition == key)
        .order_by(ReviewArea.position)
    )
    return [AreaRef(c, n, s) for c, n, s in rows]


def list_areas(session: Session, edition: str | None = None) -> list[AreaListing]:
    """Every area of the edition in review order with n_lads, summary and the latest year's
    figures."""
    key = edition or latest_edition(session)
    latest: dict[str, Row] = {}
    for area_code, values in session.execute(
        select(ReviewAreaYear.area_code, ReviewAreaYear.values)
        .where(ReviewAreaYear.edition == key)
        .order_by(ReviewAreaYear.year)
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
        for area in session.scalars(
            select(ReviewArea).where(ReviewArea.edition == key).order_by(ReviewArea.position)
        )
    ]


def _summary(stored: Row) -> Row:
    return {k: stored.get(k) for k in AREA_SUMMARY}


_VERSION = (
    select(ReviewArea.code, ReviewEdition.built_at, AreaContentRow.updated_at, ReviewArea.edition)
    .select_from(ReviewArea)
    .join(ReviewEdition, ReviewEdition.key == ReviewArea.edition)
    .outerjoin(
        AreaContentRow,
        (AreaContentRow.area_code == ReviewArea.code)
        & (AreaContentRow.edition == ReviewArea.edition),
    )
)
_IN_EDITION = ReviewArea.edition == bindparam("edition")
_VERSION_BY_SLUG = _VERSION.where(ReviewArea.slug == bindparam("key"), _IN_EDITION)
_VERSION_BY_CODE = _VERSION.where(ReviewArea.code == bindparam("key"), _IN_EDITION)
_REVIEW_VERSION = select(
    ReviewEdition.built_at,
    select(func.max(AreaContentRow.updated_at))
    .where(AreaContentRow.edition == bindparam("edition"))
    .scalar_subquery(),
    select(func.max(ReviewEdition.built_at)).scalar_subquery(),
).where(ReviewEdition.key == bindparam("edition"))
_NEWEST_WITH = (
    select(ReviewArea.edition)
    .join(ReviewEdition, ReviewEdition.key == ReviewArea.edition)
    .order_by(*_NEWEST)
    .limit(1)
)


def area_version(
    conn: Session | Connection,
    *,
    slug: str | None = None,
    code: str | None = None,
    edition: str | None = None,
) -> tuple[str, Any, Any] | None:
    """(code, edition built_at, content updated_at) of an area of ``edition`` (default: the
    latest), in one query: what a cached page of the area depends on. None when there is no
    such area. Cheap enough to run on every request (a Core connection is faster than a
    Session here)."""
    key = edition or latest_edition(conn)
    if slug is not None:
        row = conn.execute(_VERSION_BY_SLUG, {"key": slug, "edition": key}).first()
    else:
        row = conn.execute(_VERSION_BY_CODE, {"key": code, "edition": key}).first()
    return None if row is None else (row[0], row[1], row[2])


def review_version(
    conn: Session | Connection, edition: str | None = None
) -> tuple[Any, Any, Any] | None:
    """(edition build time, last content edit, last build of any edition): what an
    edition's front page depends on (it links the other editions); None when the edition
    (default: the latest) is not stored."""
    key = edition or latest_edition(conn)
    row = conn.execute(_REVIEW_VERSION, {"edition": key}).first()
    return None if row is None else (row[0], row[1], row[2])


def latest_edition_with(
    conn: Session | Connection, *, code: str | None = None, slug: str | None = None
) -> str | None:
    """The latest edition that has an area with ``code`` (or ``slug``), or None."""
    query = _NEWEST_WITH.where(
        ReviewArea.code == code if code is not None else ReviewArea.slug == slug
    )
    return conn.execute(query).scalar()


def get_area(session: Session, code: str, edition: str | None = None) -> AreaView | None:
    """An area of ``edition`` (default: the latest), or None when unknown (or when nothing
    is built)."""
    key = edition or latest_edition(session)
    area = None if key is None else session.get(ReviewArea, (key, code))
    edition_row = get_review(session, key)
    if area is None or edition_row is None or key is None:
        return None
    refs = area_refs(session, key)
    previous = following = None
    for before, ref, after in neighbours(refs):
        if ref.code == code:
            previous, following = before, after
    years = tuple(
        {"year": y, **{k: v for k, v in values.items() if k in AREA_YEAR[2:]}}
        for y, values in session.execute(
            select(ReviewAreaYear.year, ReviewAreaYear.values)
            .where(ReviewAreaYear.area_code == code, ReviewAreaYear.edition == key)
            .order_by(ReviewAreaYear.year)
        )
    )
    lad_rows = session.scalars(
        select(ReviewLad)
        .join(
            ReviewAreaLad,
            (ReviewAreaLad.lad_code == ReviewLad.code) & (ReviewAreaLad.edition == key),
        )
        .where(ReviewAreaLad.area_code == code, ReviewLad.edition == key)
        .order_by(ReviewLad.name)
    ).all()
    lad_codes = [lad.code for lad in lad_rows]
    slugs = lad_slugs(session, key)
    shared: dict[str, list[AreaRef]] = {}
    by_code = {r.code: r for r in refs}
    for lad_code, other in session.execute(
        select(ReviewAreaLad.lad_code, ReviewAreaLad.area_code).where(
            ReviewAreaLad.edition == key,
            ReviewAreaLad.lad_code.in_(lad_codes),
            ReviewAreaLad.area_code != code,
        )
    ):
        shared.setdefault(lad_code, []).append(by_code[other])
    stored_trends = area.summary.get("trends", {})
    changes = shipped_code_changes()
    return AreaView(
        area.code,
        area.name,
        area.slug,
        edition=edition_row,
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
        content=get_area_content(session, code, key),
        shared_lads={lad: tuple(others) for lad, others in shared.items()},
        over_time=area_links(session, edition_row, code, {lad.code: lad.name for lad in lad_rows}),
        started=changes.started.get(code),
    )


def _vintage(edition: Edition) -> int | None:
    vintage = edition.meta.vintage
    return int(vintage) if vintage and vintage.isdigit() else None


def area_links(
    session: Session, edition: Edition, code: str, lads: dict[str, str]
) -> tuple[AreaLink, ...]:
    """The areas of every other edition that share a LAD with the area ``code`` of
    ``edition`` (whose LADs are ``lads``: code -> name), newest edition first, then by LADs
    shared. The codes of the earlier edition are mapped forward to the later one's vintage
    with the shipped LAD code changes (:mod:`scaleup.geo.codes`)."""
    changes = shipped_code_changes()
    found: list[AreaLink] = []
    for other in editions(session):
        if other.key == edition.key:
            continue
        later = (other.year, other.key) > (edition.year, edition.key)
        own_vintage, other_vintage = _vintage(edition), _vintage(other)
        target = max((v for v in (own_vintage, other_vintage) if v is not None), default=None)
        own_forward = changes.mapper(own_vintage, target)
        other_forward = changes.mapper(other_vintage, target)
        mine: dict[str, list[str]] = {}
        for lad in lads:
            mine.setdefault(own_forward(lad), []).append(lad)
        members = _members(session, other.key)
        touching = {
            area_code: theirs
            for area_code, theirs in members.items()
            if any(other_forward(c) in mine for c in theirs)
        }
        if not touching:
            continue
        rows = session.scalars(
            select(ReviewArea).where(
                ReviewArea.edition == other.key, ReviewArea.code.in_(list(touching))
            )
        ).all()
        years: dict[str, list[Row]] = {}
        for area_code, year, values in session.execute(
            select(ReviewAreaYear.area_code, ReviewAreaYear.year, ReviewAreaYear.values)
            .where(
                ReviewAreaYear.edition == other.key, ReviewAreaYear.area_code.in_(list(touching))
            )
            .order_by(ReviewAreaYear.year)
        ):
            years.setdefault(area_code, []).append(
                {"year": year, **{k: v for k, v in values.items() if k in AREA_YEAR[2:]}}
            )
        end_years = other.meta.end_years
        for row in rows:
            theirs = touching[row.code]
            forward = {c: other_forward(c) for c in theirs}
            reached = set(forward.values())
            recoded: dict[str, tuple[list[str], list[str]]] = {}
            for c, target_code in forward.items():
                own_codes = mine.get(target_code, [])
                if own_codes and own_codes != [c]:
                    pair = recoded.setdefault(target_code, ([], [lads[o] for o in own_codes]))
                    pair[0].append(theirs[c])
            found.append(
                AreaLink(
                    row.code,
                    row.name,
                    row.slug,
                    edition=other.key,
                    edition_year=other.year,
                    end_year=end_years[-1] if end_years else None,
                    later=later,
                    area_type=other.meta.area_types.get(row.code),
                    position=row.position,
                    shared=sum(1 for c in theirs if forward[c] in mine),
                    lads=len(theirs),
                    covered=sum(len(v) for k, v in mine.items() if k in reached),
                    own_lads=len(lads),
                    started=changes.started.get(row.code),
                    summary=_summary(row.summary),
                    years=tuple(years.get(row.code, [])),
                    gained=tuple(
                        sorted(lads[o] for k, v in mine.items() if k not in reached for o in v)
                    ),
                    lost=tuple(sorted(theirs[c] for c in theirs if forward[c] not in mine)),
                    recoded=tuple(
                        (tuple(sorted(old)), tuple(sorted(new))) for old, new in recoded.values()
                    ),
                )  # fmt: skip
            )
    order = {e.key: i for i, e in enumerate(editions(session))}
    found.sort(key=lambda link: (order[link.edition], -link.shared, link.position))
    return tuple(found)


def _members(session: Session, edition: str) -> dict[str, dict[str, str]]:
    """Area code -> its LADs (code -> name) in ``edition``: read once per session."""

    def make() -> dict[str, dict[str, str]]:
        members: dict[str, dict[str, str]] = {}
        for area_code, lad_code, lad_name in session.execute(
            select(ReviewAreaLad.area_code, ReviewAreaLad.lad_code, ReviewLad.name)
            .join(
                ReviewLad,
                (ReviewLad.edition == ReviewAreaLad.edition)
                & (ReviewLad.code == ReviewAreaLad.lad_code),
            )
            .where(ReviewAreaLad.edition == edition)
        ):
            members.setdefault(area_code, {})[lad_code] = lad_name
        return members

    return _cached(session, ("members", edition), make)


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
    """The areas the LAD belongs to in every edition (newest edition first, each in review
    order)."""
    years: tuple[Row, ...]
    """Its lad_year rows (every column), by year."""
    compare: dict[str, Row]
    """Measure -> its lad_compare row (every column)."""

    @property
    def measures(self) -> tuple[str, ...]:
        return self.edition.meta.measures


def lad_slugs(session: Session, edition: str | None = None) -> dict[str, str]:
    """LAD code -> its page's slug (:func:`scaleup.slugs.unique_slugs` of the names)."""
    key = edition or latest_edition(session)

    def make() -> dict[str, str]:
        rows = session.execute(
            select(ReviewLad.code, ReviewLad.name).where(ReviewLad.edition == key)
        )
        return unique_slugs(rows, fallback="lad")

    return dict(_cached(session, ("lad_slugs", key), make))


def lad_refs(session: Session, edition: str | None = None) -> list[LadRef]:
    """Every LAD of the edition (default: the latest), by name."""
    key = edition or latest_edition(session)
    rows = session.execute(
        select(ReviewLad.code, ReviewLad.name)
        .where(ReviewLad.edition == key)
        .order_by(ReviewLad.name)
    )
    named = [(code, name) for code, name in rows]
    slugs = unique_slugs(named, fallback="lad")
    return [LadRef(code, name, slugs[code]) for code, name in named]


def lad_code_for_slug(session: Session, slug: str, edition: str | None = None) -> str | None:
    return next((code for code, s in lad_slugs(session, edition).items() if s == slug), None)


_LAD_AREAS = (
    select(
        ReviewAreaLad.lad_code,
        ReviewArea.edition,
        ReviewArea.code,
        ReviewArea.name,
        ReviewArea.slug,
    )
    .select_from(ReviewArea)
    .join(
        ReviewAreaLad,
        (ReviewAreaLad.edition == ReviewArea.edition)
        & (ReviewAreaLad.area_code == ReviewArea.code),
    )
    .join(ReviewEdition, ReviewEdition.key == ReviewArea.edition)
    .order_by(*_NEWEST, ReviewArea.position)
)
"""(LAD code, edition, area code, name, slug) of the areas LADs belong to in every edition:
newest edition first, then in review order."""


def get_lad(session: Session, code: str, edition: str | None = None) -> LadDetail | None:
    """A local authority district of the edition (default: the latest), or None when
    unknown (or nothing built)."""
    key = edition or latest_edition(session)
    lad = None if key is None else session.get(ReviewLad, (key, code))
    found = get_review(session, key)
    if lad is None or found is None or key is None:
        return None
    areas = session.execute(_LAD_AREAS.where(ReviewAreaLad.lad_code == code))
    return _lad_detail(lad, found, lad_slugs(session, key), [row[1:] for row in areas])


def lad_details(session: Session, edition: str | None = None) -> dict[str, LadDetail]:
    """Every LAD of the edition (default: the latest) by code, as :func:`get_lad` gives
    each, read in two queries (a build writes every LAD's page)."""
    key = edition or latest_edition(session)
    found = get_review(session, key)
    if found is None or key is None:
        return {}
    codes = select(ReviewLad.code).where(ReviewLad.edition == key).scalar_subquery()
    areas: dict[str, list[tuple[str, ...]]] = {}
    for lad_code, *area in session.execute(_LAD_AREAS.where(ReviewAreaLad.lad_code.in_(codes))):
        areas.setdefault(lad_code, []).append(tuple(area))
    slugs = lad_slugs(session, key)
    return {
        lad.code: _lad_detail(lad, found, slugs, areas.get(lad.code, []))
        for lad in session.scalars(select(ReviewLad).where(ReviewLad.edition == key))
    }


def _lad_detail(
    lad: ReviewLad,
    edition: Edition,
    slugs: dict[str, str],
    areas: Iterable[Sequence[str]],
) -> LadDetail:
    """A LAD's detail from its stored row and its areas: (edition, code, name, slug)."""
    return LadDetail(
        lad.code,
        lad.name,
        slugs[lad.code],
        edition=edition,
        areas=tuple(LadArea(c, n, slug, edition=e) for e, c, n, slug in areas),
        years=tuple({k: row.get(k) for k in LAD_YEAR} for row in lad.years),
        compare={m: {k: row.get(k) for k in LAD_COMPARE} for m, row in lad.compare.items()},
    )


def area_tables(
    session: Session, code: str, edition: str | None = None
) -> dict[str, list[Row]] | None:
    """The area's rows of the four published tables, in contract columns (for downloads)."""
    area = get_area(session, code, edition)
    if area is None:
        return None
    return tables_of(area)


def review_tables(session: Session, edition: str | None = None) -> dict[str, list[Row]]:
    """Every row of the four published tables of ``edition`` (default: the latest), in
    contract columns: the areas in review order, the LADs (every one in the data) by code,
    and the benchmark series. Empty when nothing is built."""
    key = edition or latest_edition(session)
    refs = area_refs(session, key)
    stored = None if key is None else get_review(session, key)
    names = {r.code: r.name for r in refs}
    position = {r.code: i for i, r in enumerate(refs)}
    area_years = sorted(
        session.execute(
            select(ReviewAreaYear.area_code, ReviewAreaYear.year, ReviewAreaYear.values).where(
                ReviewAreaYear.edition == key
            )
        ),
        key=lambda r: (position[r[0]], r[1]),
    )
    lads = session.scalars(
        select(ReviewLad).where(ReviewLad.edition == key).order_by(ReviewLad.code)
    ).all()
    summaries = {
        a.code: a.summary
        for a in session.scalars(select(ReviewArea).where(ReviewArea.edition == key))
    }
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
        "benchmark": [] if stored is None else benchmark_rows(stored.meta),
    }  # fmt: skip


def tables_of(area: AreaView) -> dict[str, list[Row]]:
    """An area's rows of the four published tables, in contract columns."""
    names = {"area_code": area.code, "area_name": area.name}
    return {
        "area_summary": [dict(area.summary)],
        "area_year": [{k: {**names, **row}.get(k) for k in AREA_YEAR} for row in area.years],
        "lad_year": [{k: row.get(k) for k in LAD_YEAR} for lad in area.lads for row in lad.years],
        "lad_compare": [dict(values) for lad in area.lads for values in lad.measures.values()],
        "benchmark": benchmark_rows(area.edition.meta),
    }


def benchmark_rows(meta: EditionMeta) -> list[Row]:
    """The benchmark series in the columns of :data:`scaleup.tables.BENCHMARK`."""
    return [
        {"year": r.get("year"), **{f"density_median_{m}": r.get(f"density_{m}") for m in MEASURES}}
        for r in meta.comparison.years
    ]
