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

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

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
from scaleup.store.db import Base, transaction, utcnow
from scaleup.store.history import Change, record_change, stored_json

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
    _before, after, created = _save(session, record, actor=actor, today=today)
    return after, created


def _save(
    session: Session, record: ProgrammeCreate, *, actor: str, today: date | None = None
) -> tuple[ProgrammePublic | None, ProgrammePublic, bool]:
    """:func:`save`, also returning the programme as it was before (None when new)."""
    pid = record.id or new_id(session, record.name)
    row = lock(session, pid)
    before = get(session, pid) if row is not None else None
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
    return before, after, created


def patch(
    session: Session, programme_id: str, update: ProgrammeUpdate, *, actor: str
) -> ProgrammePublic | None:
    """Change only the fields given; None when there is no such programme."""
    if lock(session, programme_id) is None:
        return None
    current = get(session, programme_id)
    assert current is not None
    merged = current.model_dump() | update.model_dump(exclude_unset=True)
    merged["updated"] = date.today()
    record = ProgrammeCreate.model_validate(merged)
    return save(session, record, actor=actor)[0]


def set_retired(
    session: Session, programme_id: str, retired: bool, *, actor: str
) -> ProgrammePublic | None:
    return patch(session, programme_id, ProgrammeUpdate(retired=retired), actor=actor)


def lock(session: Session, programme_id: str) -> Programme | None:
    """The programme's row, locked until the transaction ends (PostgreSQL: ``FOR UPDATE``,
    so a change and a removal racing for one programme take turns and the second sees
    what the first did; SQLite's writers take turns already), or None."""
    return session.get(Programme, programme_id, with_for_update=True, populate_existing=True)


def remove(session: Session, programme_id: str, *, actor: str) -> bool:
    if lock(session, programme_id) is None:
        return False
    before = get(session, programme_id)
    assert before is not None
    fulltext.unindex(session, programme_id)
    session.execute(delete(Programme).where(Programme.id == programme_id))
    record_change(session, actor, "delete", "programme", programme_id, _snapshot(before), None)
    return True


def remove_all_but(session: Session, keep: Iterable[str], *, actor: str) -> list[str]:
    keep = set(keep)
    gone = [pid for pid in session.scalars(select(Programme.id)) if pid not in keep]
    return remove_many(session, gone, actor=actor)


def remove_many(session: Session, programme_ids: list[str], *, actor: str) -> list[str]:
    """Remove programmes (those that exist), each recorded in history; returns their ids."""
    rows = list(session.scalars(select(Programme).where(Programme.id.in_(programme_ids))))
    if not rows:
        return []
    before = public_records(rows, session)
    ids = [p.id for p in before]
    fulltext.unindex_many(session, ids)
    session.execute(delete(Programme).where(Programme.id.in_(ids)))
    at = utcnow()
    session.execute(
        insert(Change),
        [
            {
                "at": at, "actor": actor, "action": "delete", "kind": "programme",
                "key": p.id[:200], "before": stored_json(_snapshot(p)), "after": None,
            }
            for p in before
        ],
    )  # fmt: skip
    return ids


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
    _apply(session, records, actor=actor, summary=summary)
    if replace:
        kept = summary.created + summary.updated + summary.unchanged
        summary.removed = remove_all_but(session, kept, actor=actor)
    return summary


def _apply(
    session: Session,
    records: Iterable[Record | ProgrammeCreate],
    *,
    actor: str,
    summary: ImportSummary,
) -> None:
    for item in records:
        record = item.programme if isinstance(item, Record) else item
        before, saved, created = _save(session, record, actor=actor)
        if created:
            summary.created.append(saved.id)
        elif before is not None and before.model_dump() == saved.model_dump():
            summary.unchanged.append(saved.id)
        else:
            summary.updated.append(saved.id)


def _apply_batch(
    session: Session,
    records: list[ProgrammeCreate],
    *,
    actor: str,
    summary: ImportSummary,
    today: date,
) -> None:
    """What :func:`_apply` does for records with distinct ids, in a few statements per
    table: the records as they were are read at once, unchanged ones are left alone, and
    the rest are written, indexed and recorded in history together."""
    ids = [r.id for r in records if r.id]
    rows = list(session.scalars(select(Programme).where(Programme.id.in_(ids))))
    before = {r.id: r for r in public_records(rows, session)}
    changed: list[ProgrammePublic] = []
    for record in records:
        assert record.id is not None
        values = record.model_dump()
        values["updated"] = record.updated or today
        after = ProgrammePublic.model_validate(
            {"id": record.id, **{f: values[f] for f in SCALAR_FIELDS + LIST_FIELDS}}
        )
        old = before.get(record.id)
        if old is None:
            summary.created.append(record.id)
        elif _snapshot(old) == _snapshot(after):
            summary.unchanged.append(record.id)
            continue
        else:
            summary.updated.append(record.id)
        changed.append(after)
    if not changed:
        return
    scalar_rows = [{"id": p.id, **{f: getattr(p, f) for f in SCALAR_FIELDS}} for p in changed]
    new = [row for row in scalar_rows if row["id"] not in before]
    old_rows = [row for row in scalar_rows if row["id"] in before]
    if new:
        session.execute(insert(Programme), new)
    if old_rows:
        session.execute(update(Programme), old_rows)
        session.execute(
            delete(ProgrammeFacet).where(
                ProgrammeFacet.programme_id.in_([row["id"] for row in old_rows])
            )
        )
    facets = [
        {"programme_id": p.id, "facet": facet, "value": value, "position": position}
        for p in changed
        for field, facet in FACET_OF_FIELD.items()
        for position, value in enumerate(getattr(p, field))
    ]
    if facets:
        session.execute(insert(ProgrammeFacet), facets)
    fulltext.index_many(session, changed)
    at = utcnow()
    session.execute(
        insert(Change),
        [
            {
                "at": at, "actor": actor, "kind": "programme", "key": p.id[:200],
                "action": "update" if p.id in before else "create",
                "before": stored_json(_snapshot(before.get(p.id))),
                "after": stored_json(_snapshot(p)),
            }
            for p in changed
        ],
    )  # fmt: skip


IMPORT_BATCH = 500
"""Records written per transaction by :func:`import_in_batches`."""


def import_in_batches(
    sessions: sessionmaker[Session],
    records: list[Record] | list[ProgrammeCreate],
    *,
    actor: str,
    replace: bool = False,
    batch: int = IMPORT_BATCH,
) -> ImportSummary:
    """Import a large directory in short transactions of ``batch`` records each.

    One transaction for the whole file would hold SQLite's write lock (and PostgreSQL's row
    locks) for as long as the import runs, so the site's own writes would wait or fail; in
    batches, each waits at most one batch's time. Every record was checked before this is
    called (:func:`scaleup.finder.directory.read_directory`), and saving is create-or-update,
    so an import stopped halfway (a full disk, a kill) is completed by running it again.
    Each batch starts from a fresh session, so time grows in step with the records.
    """
    summary = ImportSummary()
    programmes = [item.programme if isinstance(item, Record) else item for item in records]
    ids = [p.id for p in programmes]
    bulk = None not in ids and len(set(ids)) == len(ids)
    today = date.today()
    for start in range(0, len(programmes), batch):
        part = programmes[start : start + batch]
        with transaction(sessions) as session:
            if bulk:
                _apply_batch(session, part, actor=actor, summary=summary, today=today)
            else:
                _apply(session, part, actor=actor, summary=summary)
    if replace:
        kept = set(summary.created + summary.updated + summary.unchanged)
        with sessions() as session:
            gone = [pid for pid in session.scalars(select(Programme.id)) if pid not in kept]
        for start in range(0, len(gone), batch):
            with transaction(sessions) as session:
                summary.removed += remove_many(session, gone[start : start + batch], actor=actor)
    return summary


def load_starter_directory(session: Session, *, actor: str = "starter directory") -> ImportSummary:
    """Load the shipped starter directory into the store (in the caller's transaction)."""
    return import_directory(session, read_directory(STARTER, "json"), actor=actor)
