"""Places: the finder's regions, and the review's areas and LADs as the finder sees them.

The regions (the twelve regions and nations, and the region of each review LAD) are loaded
by ``scaleup build`` in the transaction that stores the review, from the shipped geography
on the review's vintage (:mod:`scaleup.geo.regions`); the review's own tables
(:mod:`scaleup.store.review`) are only read here. A firm can pick its region in the finder,
and a programme that serves a region serves every LAD and area in it (:func:`codes_serving`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, delete, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from scaleup.finder.records import UK
from scaleup.store.db import Base
from scaleup.store.repo import latest_edition
from scaleup.store.review import ReviewArea, ReviewAreaLad, ReviewEdition, ReviewLad

if TYPE_CHECKING:
    from scaleup.geo.regions import Regions


class FinderRegion(Base):
    """An English region, or a nation standing as one (Wales, Scotland, Northern Ireland)."""

    __tablename__ = "finder_region"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    vintage: Mapped[str] = mapped_column(String(8))


class FinderRegionLad(Base):
    """The region of one LAD of the review."""

    __tablename__ = "finder_region_lad"

    lad_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    region_code: Mapped[str] = mapped_column(
        ForeignKey("finder_region.code", ondelete="CASCADE"), index=True
    )


def replace_regions(session: Session, regions: Regions) -> None:
    """Replace every region and LAD membership with ``regions``."""
    session.execute(delete(FinderRegionLad))
    session.execute(delete(FinderRegion))
    vintage = str(regions.vintage)
    if regions.names:
        session.execute(
            insert(FinderRegion),
            [{"code": c, "name": n, "vintage": vintage} for c, n in regions.names.items()],
        )
    if regions.of_lad:
        session.execute(
            insert(FinderRegionLad),
            [{"lad_code": lad, "region_code": r} for lad, r in sorted(regions.of_lad.items())],
        )


def regions(session: Session) -> list[tuple[str, str]]:
    """(code, name) of every region, by name."""
    rows = session.execute(select(FinderRegion.code, FinderRegion.name)).all()
    return sorted(((c, n) for c, n in rows), key=lambda r: r[1].lower())


def region_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(FinderRegion.code, FinderRegion.name)).all())


def is_region(session: Session, code: str) -> bool:
    return session.get(FinderRegion, code.upper()) is not None


def lads_in(session: Session, region_code: str) -> set[str]:
    return set(
        session.scalars(
            select(FinderRegionLad.lad_code).where(FinderRegionLad.region_code == region_code)
        )
    )


def regions_of(session: Session, lad_codes: Iterable[str]) -> set[str]:
    codes = list(lad_codes)
    if not codes:
        return set()
    return set(
        session.scalars(
            select(FinderRegionLad.region_code).where(FinderRegionLad.lad_code.in_(codes))
        )
    )


# --- the review's areas and LADs ------------------------------------------------------

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
    lads |= lads_in(session, code)
    lads.add(code)
    areas = set(
        session.scalars(select(_area_lad.c.area_code).where(_area_lad.c.lad_code.in_(lads)))
    )
    return {UK, code} | lads | areas | regions_of(session, lads)


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    lads: tuple[tuple[str, str], ...]


def places(session: Session) -> list[Place]:
    """The areas of the review's latest edition, in review order, each with its local
    authorities by name."""
    edition = latest_edition(session)
    areas = session.execute(
        select(_area.c.code, _area.c.name)
        .where(_area.c.edition == edition)
        .order_by(_area.c.position)
    ).all()
    members = session.execute(
        select(_area_lad.c.area_code, _lad.c.code, _lad.c.name)
        .join(_lad, (_lad.c.code == _area_lad.c.lad_code) & (_lad.c.edition == edition))
        .where(_area_lad.c.edition == edition)
        .order_by(_lad.c.name)
    ).all()
    by_area: dict[str, list[tuple[str, str]]] = {}
    for area_code, lad_code, lad_name in members:
        by_area.setdefault(area_code, []).append((lad_code, lad_name))
    return [Place(code, name, tuple(by_area.get(code, []))) for code, name in areas]


def place_names(session: Session) -> dict[str, str]:
    """Code -> name for every area, LAD and region of the review, plus UK."""
    names = {UK: "The whole UK"}
    names.update(region_names(session))
    # every edition's, oldest first, so that the latest edition's names win
    order = (ReviewEdition.year, ReviewEdition.key)
    for table in (_lad, _area):
        names.update(
            dict(
                session.execute(
                    select(table.c.code, table.c.name)
                    .join(ReviewEdition, ReviewEdition.key == table.c.edition)
                    .order_by(*order)
                ).all()
            )
        )
    return names
