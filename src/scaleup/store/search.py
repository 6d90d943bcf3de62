"""Finding programmes: what a firm asks the finder, as one query on any backend.

Filters are plain indexed ``EXISTS`` over ``programme_facet``; words are matched and
ranked by the backend's full-text index (:mod:`scaleup.store.fulltext`). Which areas serve
a firm comes from the review's geography and the finder's regions
(:func:`scaleup.store.places.codes_serving`): a firm that picks a local authority sees the
programmes of that LAD, of every area containing it, of its region, and the UK-wide ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session

from scaleup.finder.records import SIZE_BANDS, ProgrammePage
from scaleup.store import fulltext, places
from scaleup.store.programmes import Programme, ProgrammeFacet, public_records

MAX_LIMIT = 100


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


def _has(facet: str, values: Iterable[str]):
    values = list(values)
    return exists().where(
        ProgrammeFacet.programme_id == Programme.id,
        ProgrammeFacet.facet == facet,
        func.lower(ProgrammeFacet.value).in_([v.lower() for v in values]),
    )


def _size_filter(low: int, high: int | None):
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
    conditions: list[ColumnElement[bool]] = []
    if not query.include_retired:
        conditions.append(Programme.retired.is_(False))
    if query.area and query.area.strip():
        conditions.append(_has("area", places.codes_serving(session, query.area.strip())))
    if query.region:
        # A region must be one of the finder's regions; any other code matches nothing.
        if places.is_region(session, query.region):
            conditions.append(_has("area", places.codes_serving(session, query.region)))
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

    words = fulltext.search_words(query.q)
    base = select(Programme)
    order = [Programme.name, Programme.id]
    if words:
        hits = fulltext.hits(session, words)
        base = base.join(hits, hits.c.programme_id == Programme.id)
        order = [hits.c.score.desc(), *order]
    base = base.where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = list(session.scalars(base.order_by(*order).limit(limit).offset(offset)))
    results = public_records(rows, session)
    return ProgrammePage(total=total, limit=limit, offset=offset, results=results)


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
