"""The support finder's programmes in the content store, and the finder's search.

A programme is one row of ``programme``; its lists (support types, sectors, stages, areas)
are rows of ``programme_facet`` so that every filter is a plain indexed ``EXISTS``. Full-text
search uses the backend's own engine, kept in ``programme_search``: an FTS5 table on SQLite
(ranked by ``bm25``) and a ``tsvector`` column with a GIN index on PostgreSQL (ranked by
``ts_rank_cd``). Search text is reduced to its words first, and every word must match as a
word or the start of one (``"word"*`` in FTS5, ``word:*`` in ``to_tsquery``); the words only
ever travel as a bound parameter, so quotes, operators and markup in a search are inert.

Which areas serve a firm comes from the review's geography (:mod:`scaleup.store.review`) and
the finder's regions (:mod:`scaleup.store.places`): a firm that picks a local authority sees
the programmes of that LAD, of every area containing it, of its region, and the UK-wide ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    and_,
    column,
    delete,
    exists,
    false,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from scaleup.finder.records import (
    FACET_OF_FIELD,
    FIELDS,
    LIST_FIELDS,
    SIZE_BANDS,
    UK,
    ProgrammeCreate,
    ProgrammePage,
    ProgrammePublic,
    ProgrammeUpdate,
    slugify,
)
from scaleup.store import places as regions
from scaleup.store.accounts import record_change
from scaleup.store.db import Base
from scaleup.store.review import ReviewArea, ReviewAreaLad, ReviewLad

MAX_LIMIT = 100
SCALAR_FIELDS = tuple(f for f in FIELDS if f != "id" and f not in LIST_FIELDS)
"""Fields held in the programme row itself; list fields are rows of a facet table."""


class Programme(Base):
    """A support programme (the table; see :mod:`scaleup.finder.records` for the models)."""

    __tablename__ = "programme"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200), index=True)
    summary: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(500))
    eligibility: Mapped[str] = mapped_column(Text, default="")
    min_employees: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_employees: Mapped[int | None] = mapped_column(Integer, nullable=True)
    min_turnover: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cost: Mapped[str] = mapped_column(String(300), default="")
    starts: Mapped[date | None] = mapped_column(Date, nullable=True)
    ends: Mapped[date | None] = mapped_column(Date, nullable=True)
    contact: Mapped[str] = mapped_column(String(300), default="")
    updated: Mapped[date] = mapped_column(Date)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class ProgrammeFacet(Base):
    """One value of one of a programme's lists (``facet``: support, sector, stage, area)."""

    __tablename__ = "programme_facet"

    programme_id: Mapped[str] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True
    )
    facet: Mapped[str] = mapped_column(String(10), primary_key=True)
    value: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


# --- reading ----------------------------------------------------------------------------


def _facets(session: Session, ids: list[str]) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {i: {f: [] for f in LIST_FIELDS} for i in ids}
    field_of = {facet: field for field, facet in FACET_OF_FIELD.items()}
    if not ids:
        return out
    rows = session.execute(
        select(ProgrammeFacet.programme_id, ProgrammeFacet.facet, ProgrammeFacet.value)
        .where(ProgrammeFacet.programme_id.in_(ids))
        .order_by(ProgrammeFacet.programme_id, ProgrammeFacet.facet, ProgrammeFacet.position)
    )
    for pid, facet, value in rows:
        out[pid][field_of[facet]].append(value)
    return out


def _public(rows: list[Programme], session: Session) -> list[ProgrammePublic]:
    facets = _facets(session, [r.id for r in rows])
    return [
        ProgrammePublic.model_validate(
            {"id": r.id, **{f: getattr(r, f) for f in SCALAR_FIELDS}, **facets[r.id]}
        )
        for r in rows
    ]


def get(session: Session, programme_id: str) -> ProgrammePublic | None:
    row = session.get(Programme, programme_id)
    return _public([row], session)[0] if row is not None else None


def all_programmes(session: Session, include_retired: bool = True) -> list[ProgrammePublic]:
    query = select(Programme).order_by(Programme.id)
    if not include_retired:
        query = query.where(Programme.retired.is_(False))
    return _public(list(session.scalars(query)), session)


# --- writing ----------------------------------------------------------------------------


def _snapshot(record: ProgrammePublic | None) -> dict | None:
    return None if record is None else record.model_dump(mode="json")


def new_id(session: Session, name: str) -> str:
    base = slugify(name)[:70].strip("-") or "programme"
    candidate, n = base, 2
    while session.get(Programme, candidate) is not None:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def save(
    session: Session, record: ProgrammeCreate, *, actor: str, today: date | None = None
) -> tuple[ProgrammePublic, bool]:
    """Create or replace a programme; returns it and whether it was new. Recorded in history."""
    pid = record.id or new_id(session, record.name)
    before = get(session, pid)
    row = session.get(Programme, pid)
    created = row is None
    if row is None:
        row = Programme(id=pid)
        session.add(row)
    values = record.model_dump()
    values["updated"] = record.updated or today or date.today()
    for field in SCALAR_FIELDS:
        setattr(row, field, values[field])
    session.execute(delete(ProgrammeFacet).where(ProgrammeFacet.programme_id == pid))
    session.flush()
    for field, facet in FACET_OF_FIELD.items():
        for position, value in enumerate(values[field]):
            session.add(
                ProgrammeFacet(programme_id=pid, facet=facet, value=value, position=position)
            )
    session.flush()
    after = get(session, pid)
    assert after is not None
    _index(session, after)
    if _snapshot(before) != _snapshot(after):
        action = "create" if created else "update"
        record_change(session, actor, action, "programme", pid, _snapshot(before), _snapshot(after))
    return after, created


def patch(
    session: Session, programme_id: str, update: ProgrammeUpdate, *, actor: str
) -> ProgrammePublic | None:
    """Change only the fields given; None when there is no such programme."""
    current = get(session, programme_id)
    if current is None:
        return None
    merged = current.model_dump() | update.model_dump(exclude_unset=True)
    merged["updated"] = date.today()
    record = ProgrammeCreate.model_validate(merged)
    return save(session, record, actor=actor)[0]


def set_retired(
    session: Session, programme_id: str, retired: bool, *, actor: str
) -> ProgrammePublic | None:
    return patch(session, programme_id, ProgrammeUpdate(retired=retired), actor=actor)


def remove(session: Session, programme_id: str, *, actor: str) -> bool:
    before = get(session, programme_id)
    if before is None:
        return False
    _unindex(session, programme_id)
    session.execute(delete(Programme).where(Programme.id == programme_id))
    record_change(session, actor, "delete", "programme", programme_id, _snapshot(before), None)
    return True


def remove_all_but(session: Session, keep: Iterable[str], *, actor: str) -> list[str]:
    keep = set(keep)
    gone = [pid for pid in session.scalars(select(Programme.id)) if pid not in keep]
    for pid in gone:
        remove(session, pid, actor=actor)
    return gone


# --- full-text index --------------------------------------------------------------------


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _unindex(session: Session, programme_id: str) -> None:
    session.execute(
        text("DELETE FROM programme_search WHERE programme_id = :id"), {"id": programme_id}
    )


def _index(session: Session, record: ProgrammePublic) -> None:
    _unindex(session, record.id)
    fields = {
        "id": record.id,
        "name": record.name,
        "provider": record.provider,
        "summary": record.summary,
        "tags": " ".join(record.support_types + record.sectors + record.stages),
        "eligibility": record.eligibility,
    }
    if _is_sqlite(session):
        statement = (
            "INSERT INTO programme_search (programme_id, name, provider, summary, tags, "
            "eligibility) VALUES (:id, :name, :provider, :summary, :tags, :eligibility)"
        )
    else:
        statement = (
            "INSERT INTO programme_search (programme_id, document) VALUES (:id, "
            "setweight(to_tsvector('english', :name), 'A') || "
            "setweight(to_tsvector('english', :provider || ' ' || :tags), 'B') || "
            "setweight(to_tsvector('english', :summary), 'C') || "
            "setweight(to_tsvector('english', :eligibility), 'D'))"
        )
    session.execute(text(statement), fields)


def search_words(q: str) -> list[str]:
    """The words of a search text; everything else (quotes, operators, markup) is dropped."""
    return re.findall(r"\w+", q)[:20]


def _hits(session: Session, words: list[str]):  # type: ignore[no-untyped-def]
    """(programme_id, score) of the programmes matching every word; higher score = better."""
    if _is_sqlite(session):
        match = " ".join('"' + w + '"*' for w in words)
        statement = text(
            "SELECT programme_id, -bm25(programme_search, 10.0, 5.0, 2.0, 4.0, 1.0) AS score "
            "FROM programme_search WHERE programme_search MATCH :match"
        ).bindparams(match=match)
    else:
        statement = text(
            "SELECT programme_id, ts_rank_cd(document, to_tsquery('english', :q)) "
            "AS score FROM programme_search WHERE document @@ to_tsquery('english', :q)"
        ).bindparams(q=" & ".join(w + ":*" for w in words))
    return statement.columns(column("programme_id", String), column("score", Float)).subquery(
        "hits"
    )


# --- search -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    """What a firm asks the finder (all optional)."""

    q: str = ""
    area: str | None = None
    region: str | None = None
    sector: str | None = None
    support: str | None = None
    stage: str | None = None
    provider: str | None = None
    employees: int | None = None
    size: str | None = None
    limit: int = 20
    offset: int = 0
    include_retired: bool = False


def _has(facet: str, values: Iterable[str]):  # type: ignore[no-untyped-def]
    values = list(values)
    return exists().where(
        ProgrammeFacet.programme_id == Programme.id,
        ProgrammeFacet.facet == facet,
        func.lower(ProgrammeFacet.value).in_([v.lower() for v in values]),
    )


def _size_filter(low: int, high: int | None):  # type: ignore[no-untyped-def]
    """Programmes whose employee range overlaps [low, high]."""
    conditions = [or_(Programme.max_employees.is_(None), Programme.max_employees >= low)]
    if high is not None:
        conditions.append(or_(Programme.min_employees.is_(None), Programme.min_employees <= high))
    return and_(*conditions)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _clean(value: str | None, limit: int = 100) -> str | None:
    """A filter value as text that any backend can bind (no control characters)."""
    if value is None:
        return None
    return _CONTROL.sub("", value).strip()[:limit] or None


def search(session: Session, query: SearchQuery) -> ProgrammePage:
    """One page of the programmes matching ``query``, best first (by name without text)."""
    query = replace(
        query,
        q=_clean(query.q, 500) or "",
        area=_clean(query.area, 20),
        region=_clean(query.region, 20),
        sector=_clean(query.sector),
        support=_clean(query.support),
        stage=_clean(query.stage),
        provider=_clean(query.provider, 200),
    )
    limit = max(1, min(query.limit, MAX_LIMIT))
    offset = max(0, query.offset)
    conditions = []
    if not query.include_retired:
        conditions.append(Programme.retired.is_(False))
    if query.area and query.area.strip():
        conditions.append(_has("area", codes_serving(session, query.area.strip())))
    if query.region:
        # A region must be one of the finder's regions; any other code matches nothing.
        if regions.is_region(session, query.region):
            conditions.append(_has("area", codes_serving(session, query.region)))
        else:
            conditions.append(false())
    for facet, value in (
        ("sector", query.sector),
        ("support", query.support),
        ("stage", query.stage),
    ):
        if value and value.strip():
            # A programme that names no sector (or stage) serves any.
            wanted = _has(facet, [value.strip()])
            if facet in ("sector", "stage"):
                wanted = or_(wanted, ~exists().where(
                    ProgrammeFacet.programme_id == Programme.id, ProgrammeFacet.facet == facet
                ))  # fmt: skip
            conditions.append(wanted)
    if query.provider and query.provider.strip():
        conditions.append(func.lower(Programme.provider) == query.provider.strip().lower())
    if query.employees is not None:
        conditions.append(_size_filter(query.employees, query.employees))
    if query.size in SIZE_BANDS:
        conditions.append(_size_filter(*SIZE_BANDS[query.size]))

    words = search_words(query.q)
    base = select(Programme)
    order = [Programme.name, Programme.id]
    if words:
        hits = _hits(session, words)
        base = base.join(hits, hits.c.programme_id == Programme.id)
        order = [hits.c.score.desc(), *order]
    base = base.where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = list(session.scalars(base.order_by(*order).limit(limit).offset(offset)))
    return ProgrammePage(total=total, limit=limit, offset=offset, results=_public(rows, session))


def facet_values(session: Session, facet: str) -> list[str]:
    """Every value of a facet used by a current programme, sorted."""
    rows = session.scalars(
        select(ProgrammeFacet.value)
        .join(Programme, Programme.id == ProgrammeFacet.programme_id)
        .where(ProgrammeFacet.facet == facet, Programme.retired.is_(False))
        .distinct()
    )
    return sorted(rows, key=str.lower)


def providers(session: Session) -> list[str]:
    rows = session.scalars(
        select(Programme.provider).where(Programme.retired.is_(False)).distinct()
    )
    return sorted(rows, key=str.lower)


# --- geography (the review's areas and their local authorities) -------------------------

_area = ReviewArea.__table__
_lad = ReviewLad.__table__
_area_lad = ReviewAreaLad.__table__


def codes_serving(session: Session, code: str) -> set[str]:
    """The area codes whose programmes serve a firm in ``code`` (a LAD, an area or a region).

    For a LAD: itself, every area containing it and its region. For an area: itself, its
    LADs, every area containing one of its LADs and their regions. For a region: itself, its
    LADs and every area containing one of them. Always ``UK``.
    """
    code = code.upper()
    if code == UK:
        return {UK}
    lads = set(session.scalars(select(_area_lad.c.lad_code).where(_area_lad.c.area_code == code)))
    lads |= regions.lads_in(session, code)
    lads.add(code)
    areas = set(
        session.scalars(select(_area_lad.c.area_code).where(_area_lad.c.lad_code.in_(lads)))
    )
    return {UK, code} | lads | areas | regions.regions_of(session, lads)


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    lads: tuple[tuple[str, str], ...]


def places(session: Session) -> list[Place]:
    """The review's areas, in review order, each with its local authorities by name."""
    areas = session.execute(select(_area.c.code, _area.c.name).order_by(_area.c.position)).all()
    members = session.execute(
        select(_area_lad.c.area_code, _lad.c.code, _lad.c.name)
        .join(_lad, _lad.c.code == _area_lad.c.lad_code)
        .order_by(_lad.c.name)
    ).all()
    by_area: dict[str, list[tuple[str, str]]] = {}
    for area_code, lad_code, lad_name in members:
        by_area.setdefault(area_code, []).append((lad_code, lad_name))
    return [Place(code, name, tuple(by_area.get(code, []))) for code, name in areas]


def place_names(session: Session) -> dict[str, str]:
    """Code -> name for every area, LAD and region of the review, plus UK."""
    names = {UK: "The whole UK"}
    names.update(regions.region_names(session))
    names.update(dict(session.execute(select(_lad.c.code, _lad.c.name)).all()))
    names.update(dict(session.execute(select(_area.c.code, _area.c.name)).all()))
    return names
