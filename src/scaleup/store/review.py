"""The review's tables in the content store: the published statistics and each area's content.

A store holds one or more editions of the review (keyed by the edition, e.g. ``"2021"``):
every row of the statistics and of the content belongs to one edition. Statistics are loaded
by ``scaleup build`` (one transaction replaces the workspace's editions); the content of an
area (narrative sections, headline programme figures, links) is loaded from the
workspace's Markdown files and may then be edited through the admin. Values of the published
tables are kept as JSON so that suppressed cells stay ``"[c]"`` and not-available cells
stay ``null``; an edition's ``meta`` is its :class:`scaleup.meta.EditionMeta` as JSON. The
review's queries are :mod:`scaleup.store.repo`'s; the finder reads the areas and their LADs
through :mod:`scaleup.store.places`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from scaleup.store.db import Base

EDITION = String(16)


def _edition() -> Mapped[str]:
    return mapped_column(
        EDITION, ForeignKey("review_edition.key", ondelete="CASCADE"), primary_key=True
    )


class ReviewEdition(Base):
    """An edition of the review held by the store (key: the edition, e.g. ``"2026"``)."""

    __tablename__ = "review_edition"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    year: Mapped[int] = mapped_column(Integer)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewArea(Base):
    """An area of the review (a LEP, combined authority, region...), in review order."""

    __tablename__ = "review_area"
    __table_args__ = (UniqueConstraint("edition", "slug"),)

    edition: Mapped[str] = _edition()
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    slug: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    charts: Mapped[dict[str, Any]] = mapped_column(JSON)


class ReviewAreaYear(Base):
    """One row of ``area_year.csv`` (values by column name)."""

    __tablename__ = "review_area_year"
    __table_args__ = (
        ForeignKeyConstraint(
            ["edition", "area_code"],
            ["review_area.edition", "review_area.code"],
            ondelete="CASCADE",
        ),
    )

    edition: Mapped[str] = mapped_column(EDITION, primary_key=True)
    area_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    values: Mapped[dict[str, Any]] = mapped_column(JSON)


class ReviewLad(Base):
    """A local authority district of the review, with its ``lad_year`` and ``lad_compare`` rows."""

    __tablename__ = "review_lad"

    edition: Mapped[str] = _edition()
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    years: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    compare: Mapped[dict[str, Any]] = mapped_column(JSON)


class ReviewAreaLad(Base):
    """Membership: a LAD in an area (a LAD may be in two areas)."""

    __tablename__ = "review_area_lad"
    __table_args__ = (
        ForeignKeyConstraint(
            ["edition", "area_code"],
            ["review_area.edition", "review_area.code"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["edition", "lad_code"], ["review_lad.edition", "review_lad.code"], ondelete="CASCADE"
        ),
    )

    edition: Mapped[str] = mapped_column(EDITION, primary_key=True)
    area_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    lad_code: Mapped[str] = mapped_column(String(16), primary_key=True)


class AreaContentRow(Base):
    """An area's editorial content in an edition (see :class:`scaleup.workspace.AreaContent`),
    as JSON. Not tied to the edition's row: content survives a rebuild of the statistics."""

    __tablename__ = "review_area_content"

    edition: Mapped[str] = mapped_column(EDITION, primary_key=True)
    area_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
