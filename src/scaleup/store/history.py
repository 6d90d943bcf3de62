"""The history of changes: who changed what, when, and the record before and after.

Every change an editor (or an import, or the command line) makes to a programme, an area's
content or an account is written here by the part of the store that made it, in the same
transaction; the admin reads it back with :func:`history`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from scaleup.store.db import Base, as_utc, utcnow


class Change(Base):
    """One change made by an editor (or an import): who, when, what, before and after."""

    __tablename__ = "change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200))
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)


def record_change(
    session: Session,
    actor: str,
    action: str,
    kind: str,
    key: str,
    before: Any,
    after: Any,
) -> Change:
    """Write one entry of the history (``before``/``after`` are JSON-able or None)."""
    change = Change(
        at=utcnow(),
        actor=actor,
        action=action,
        kind=kind,
        key=key[:200],
        before=stored_json(before),
        after=stored_json(after),
    )
    session.add(change)
    return change


def stored_json(value: Any) -> str | None:
    """How ``before`` and ``after`` are kept: sorted JSON, or None."""
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


@dataclass(frozen=True)
class ChangeView:
    id: int
    at: datetime
    actor: str
    action: str
    kind: str
    key: str
    before: Any
    after: Any

    def fields_changed(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for each field that differs."""
        before = self.before if isinstance(self.before, dict) else {}
        after = self.after if isinstance(self.after, dict) else {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def history(
    session: Session, *, kind: str | None = None, key: str | None = None, limit: int = 200
) -> list[ChangeView]:
    query = select(Change).order_by(Change.id.desc()).limit(limit)
    if kind is not None:
        query = query.where(Change.kind == kind)
    if key is not None:
        query = query.where(Change.key == key)
    return [
        ChangeView(
            id=c.id,
            at=as_utc(c.at),
            actor=c.actor,
            action=c.action,
            kind=c.kind,
            key=c.key,
            before=None if c.before is None else json.loads(c.before),
            after=None if c.after is None else json.loads(c.after),
        )
        for c in session.scalars(query)
    ]
