"""The finder's regions: the twelve regions and nations, and the region of each review LAD.

Loaded by ``scaleup build`` in the transaction that stores the review, from the shipped
geography on the review's vintage (:mod:`scaleup.geo.regions`). A firm can pick its region
in the finder, and a programme that serves a region serves every LAD and area in it
(:func:`scaleup.store.programmes.codes_serving`). These tables belong to the finder's part
of the store; the review's tables are not touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, delete, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from scaleup.store.db import Base

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
