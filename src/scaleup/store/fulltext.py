"""The finder's full-text index, one per backend, from one statement of the field weights.

``programme_search`` is an FTS5 table on SQLite (ranked by ``bm25``) and a ``tsvector``
column with a GIN index on PostgreSQL (ranked by ``ts_rank_cd``); both are made by the
finder's first migration. :data:`WEIGHTS` says how much a word found in each field counts,
and both backends' ranking comes from it: the bm25 weight of each FTS5 column, and the
PostgreSQL weight class (A-D) of each part of the document with the weights of the classes.

Search text is reduced to its words first, and every word must match as a word or the start
of one (``"word"*`` in FTS5, ``word:*`` in ``to_tsquery``); the words only ever travel as a
bound parameter, so quotes, operators and markup in a search are inert.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Float, String, column, text
from sqlalchemy.orm import Session

from scaleup.finder.records import ProgrammePublic

WEIGHTS: dict[str, float] = {
    "name": 1.0,
    "provider": 0.4,
    "tags": 0.4,
    "summary": 0.2,
    "eligibility": 0.1,
}
"""How much a match in each indexed field counts (``tags``: support types, sectors, stages)."""

FTS5_COLUMNS = ("programme_id", "name", "provider", "summary", "tags", "eligibility")
"""The columns of the SQLite index, in the order of its migration (``programme_id`` is
UNINDEXED: its weight is 0)."""

CLASSES = "ABCD"
"""PostgreSQL's weight classes, heaviest first."""

MAX_WORDS = 20


def weight_classes() -> dict[str, str]:
    """Each field's PostgreSQL class: the heaviest weight is A, the next B, and so on."""
    ranked = sorted(set(WEIGHTS.values()), reverse=True)
    if len(ranked) > len(CLASSES):
        raise ValueError("PostgreSQL has four weight classes; WEIGHTS uses more weights")
    return {f: CLASSES[ranked.index(w)] for f, w in WEIGHTS.items()}


def class_weights() -> list[float]:
    """ts_rank_cd's weights array, ``{D, C, B, A}`` (an unused class weighs 0)."""
    of_class = {c: WEIGHTS[f] for f, c in weight_classes().items()}
    return [of_class.get(c, 0.0) for c in reversed(CLASSES)]


def _postgres_insert() -> str:
    classes = weight_classes()
    parts = " || ".join(
        f"setweight(to_tsvector('english', :{f}), '{c}')" for f, c in classes.items()
    )
    return f"INSERT INTO programme_search (programme_id, document) VALUES (:id, {parts})"


def _bm25() -> str:
    weights = ", ".join(str(WEIGHTS.get(c, 0.0)) for c in FTS5_COLUMNS)
    return f"bm25(programme_search, {weights})"


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


_SQLITE_UNINDEX = (
    "DELETE FROM programme_search WHERE rowid IN "
    "(SELECT search_rowid FROM programme_search_key WHERE programme_id = :id)",
    "DELETE FROM programme_search_key WHERE programme_id = :id",
)
"""On SQLite a programme's row of the index is found through ``programme_search_key``:
FTS5 cannot index ``programme_id``, and a scan per programme would make an import's time
grow with the square of its records."""


def unindex(session: Session, programme_id: str) -> None:
    """Remove one programme from the index."""
    unindex_many(session, [programme_id])


def unindex_many(session: Session, programme_ids: list[str]) -> None:
    if not programme_ids:
        return
    params = [{"id": pid} for pid in programme_ids]
    if _is_sqlite(session):
        for statement in _SQLITE_UNINDEX:
            session.execute(text(statement), params)
    else:
        session.execute(text("DELETE FROM programme_search WHERE programme_id = :id"), params)


def _fields(record: ProgrammePublic) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "provider": record.provider,
        "summary": record.summary,
        "tags": " ".join(record.support_types + record.sectors + record.stages),
        "eligibility": record.eligibility,
    }


def index(session: Session, record: ProgrammePublic) -> None:
    """(Re)index one programme."""
    index_many(session, [record])


def index_many(session: Session, records: list[ProgrammePublic]) -> None:
    """(Re)index programmes, in one statement per table."""
    if not records:
        return
    unindex_many(session, [r.id for r in records])
    fields = [_fields(r) for r in records]
    if not _is_sqlite(session):
        session.execute(text(_postgres_insert()), fields)
        return
    # explicit rowids, so that the keys can be written in one statement too (the caller's
    # transaction holds the write lock, so no other writer takes these rowids meanwhile)
    last = session.scalar(text("SELECT coalesce(max(rowid), 0) FROM programme_search")) or 0
    for n, row in enumerate(fields, start=1):
        row["rowid"] = last + n
    names = ", ".join(("rowid", *FTS5_COLUMNS))
    values = ", ".join(
        (":rowid", *(":id" if c == "programme_id" else f":{c}" for c in FTS5_COLUMNS))
    )
    session.execute(text(f"INSERT INTO programme_search ({names}) VALUES ({values})"), fields)
    session.execute(
        text("INSERT INTO programme_search_key (programme_id, search_rowid) VALUES (:id, :rowid)"),
        fields,
    )


def search_words(q: str) -> list[str]:
    """The words of a search text; everything else (quotes, operators, markup) is dropped."""
    return re.findall(r"\w+", q)[:MAX_WORDS]


def hits(session: Session, words: list[str]) -> Any:
    """A subquery of (programme_id, score) of the programmes matching every word; higher
    score = better."""
    if _is_sqlite(session):
        match = " ".join('"' + w + '"*' for w in words)
        statement = text(
            f"SELECT programme_id, -{_bm25()} AS score "
            "FROM programme_search WHERE programme_search MATCH :match"
        ).bindparams(match=match)
    else:
        weights = "{" + ", ".join(str(w) for w in class_weights()) + "}"
        statement = text(
            f"SELECT programme_id, ts_rank_cd('{weights}', document, "
            "to_tsquery('english', :q)) AS score "
            "FROM programme_search WHERE document @@ to_tsquery('english', :q)"
        ).bindparams(q=" & ".join(w + ":*" for w in words))
    return statement.columns(column("programme_id", String), column("score", Float)).subquery(
        "hits"
    )
