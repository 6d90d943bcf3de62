"""The support finder's programmes in the content store: the records and their changes.

A programme is one row of ``programme``; its lists (support types, sectors, stages, areas)
are rows of ``programme_facet`` so that every filter is a plain indexed ``EXISTS``. Every
save keeps the full-text index (:mod:`scaleup.store.fulltext`) and the history
(:mod:`scaleup.store.history`) in step, in the caller's transaction. Finding programmes is
:mod:`scaleup.store.search`; importing a directory file read by
:mod:`scaleup.finder.directory` is :func:`import_directory`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as default
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from scaleup.finder.directory import STARTER, Record, read_directory
from scaleup.finder.records import (
    FACET_OF_FIELD,
    FIELDS,
    LIST_FIELDS,
    ProgrammeCreate,
    ProgrammePublic,
    ProgrammeUpdate,
    programme_id,
)
from scaleup.store import fulltext
from scaleup.store.db import Base
from scaleup.store.history import record_change

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
    field_of: dict[str, str] = {facet: field for field, facet in FACET_OF_FIELD.items()}
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


def public_records(rows: list[Programme], session: Session) -> list[ProgrammePublic]:
    facets = _facets(session, [r.id for r in rows])
    return [
        ProgrammePublic.model_validate(
            {"id": r.id, **{f: getattr(r, f) for f in SCALAR_FIELDS}, **facets[r.id]}
        )
        for r in rows
    ]


def get(session: Session, programme_id: str) -> ProgrammePublic | None:
    row = session.get(Programme, programme_id)
    return public_records([row], session)[0] if row is not None else None


def all_programmes(session: Session, include_retired: bool = True) -> list[ProgrammePublic]:
    query = select(Programme).order_by(Programme.id)
    if not include_retired:
        query = query.where(Programme.retired.is_(False))
    return public_records(list(session.scalars(query)), session)


# --- writing ----------------------------------------------------------------------------


def _snapshot(record: ProgrammePublic | None) -> dict | None:
    return None if record is None else record.model_dump(mode="json")


def new_id(session: Session, name: str) -> str:
    base = programme_id(name, limit=70)
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
    fulltext.index(session, after)
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
    fulltext.unindex(session, programme_id)
    session.execute(delete(Programme).where(Programme.id == programme_id))
    record_change(session, actor, "delete", "programme", programme_id, _snapshot(before), None)
    return True


def remove_all_but(session: Session, keep: Iterable[str], *, actor: str) -> list[str]:
    keep = set(keep)
    gone = [pid for pid in session.scalars(select(Programme.id)) if pid not in keep]
    for pid in gone:
        remove(session, pid, actor=actor)
    return gone


# --- importing a directory --------------------------------------------------------------


@dataclass
class ImportSummary:
    created: list[str] = default(default_factory=list)
    updated: list[str] = default(default_factory=list)
    unchanged: list[str] = default(default_factory=list)
    removed: list[str] = default(default_factory=list)

    def describe(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.removed)} removed"
        )


def import_directory(
    session: Session,
    records: list[Record] | list[ProgrammeCreate],
    *,
    actor: str,
    replace: bool = False,
) -> ImportSummary:
    """Create or update each record (and with ``replace`` remove the programmes not in it),
    in the caller's transaction: a directory read without problems by
    :func:`scaleup.finder.directory.read_directory` is applied whole or not at all."""
    summary = ImportSummary()
    ids = []
    for item in records:
        record = item.programme if isinstance(item, Record) else item
        before = get(session, record.id) if record.id else None
        saved, created = save(session, record, actor=actor)
        ids.append(saved.id)
        if created:
            summary.created.append(saved.id)
        elif before is not None and before.model_dump() == saved.model_dump():
            summary.unchanged.append(saved.id)
        else:
            summary.updated.append(saved.id)
    if replace:
        summary.removed = remove_all_but(session, ids, actor=actor)
    return summary


def load_starter_directory(session: Session, *, actor: str = "starter directory") -> ImportSummary:
    """Load the shipped starter directory into the store (in the caller's transaction)."""
    return import_directory(session, read_directory(STARTER, "json"), actor=actor)
