"""Read and validate a support programme's cohort: participants, follow-ups, survey, sectors.

The four files of contracts.md ("Programme-impact inputs"), CSV or Parquet. Each file's
columns are declared once, in :data:`scaleup.tables.COHORT`; that declaration drives
reading, the checks and docs/impact.md. Files are opened, their headers matched and their rows
numbered by the shared reader (:func:`scaleup.ingest.reading.read_raw`), as every input
is; this module types each cell (dates, choices, flags) and checks the files against
each other. :func:`read_cohort` returns a typed :class:`Cohort` or raises one
:class:`~scaleup.errors.InputError` carrying every problem of every file.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

from scaleup.errors import InputError, Problem
from scaleup.ingest import reading
from scaleup.ingest.reading import ROW, Findings, RawTable
from scaleup.tables import COHORT, Column, Kind

SCALE_MAXIMA = (5, 10)

COLUMNS = COHORT
"""The columns of each cohort file (declared in :mod:`scaleup.tables`)."""


@dataclass(frozen=True)
class Where:
    """Where a record came from: CSV line (header = 1) or Parquet row (first = 1)."""

    file: str
    line: int
    rows: bool = False

    def problem(self, message: str, column: str | None = None) -> Problem:
        return Problem(self.file, message, (self.line,), column, self.rows)


@dataclass(frozen=True)
class Participant:
    enterprise_id: str
    programme: str
    joined: date
    support_hours: float
    employees_at_entry: int | None
    turnover_at_entry: int | None
    sic2007: str | None
    synthetic: bool
    where: Where


@dataclass(frozen=True)
class FollowUp:
    enterprise_id: str
    programme: str
    followed_up: date
    turnover_change: str | None
    new_jobs_fte: float | None
    graduate_placements: int | None
    where: Where


@dataclass(frozen=True)
class SurveyAnswer:
    enterprise_id: str
    programme: str
    wave: str
    question: str
    score: float
    scale_max: int
    where: Where


@dataclass(frozen=True)
class SectorRange:
    sic_from: str
    sic_to: str
    sector: str
    where: Where

    def holds(self, sic: str) -> bool:
        return self.sic_from <= sic <= self.sic_to


@dataclass(frozen=True)
class Cohort:
    """A programme cohort, validated: every record well formed and consistent."""

    participants: tuple[Participant, ...]
    followups: tuple[FollowUp, ...]
    survey: tuple[SurveyAnswer, ...]
    sectors: tuple[SectorRange, ...] | None


# --- values -------------------------------------------------------------------------------

_INTEGER = re.compile(r"[+-]?\d+(\.0*)?")  # "12.0" from a spreadsheet is whole
_SIC_PATTERN, _SIC_WORD = reading.PATTERNS["sic"]  # as for every input
_SIC = re.compile(_SIC_PATTERN)
_FLAGS = dict.fromkeys(reading.TRUE_WORDS, True) | dict.fromkeys(reading.FALSE_WORDS, False)


def _text(raw: str) -> Any:
    return raw


def _date(raw: str) -> Any:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(raw).date()
    except ValueError:
        raise ValueError(f"{raw!r} is not a date (expected YYYY-MM-DD)") from None


def _number(raw: str) -> Any:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{raw!r} is not a number")
    return value


def _integer(raw: str) -> Any:
    if not _INTEGER.fullmatch(raw):
        raise ValueError(f"{raw!r} is not a whole number")
    return int(raw.split(".")[0])


def _sic(raw: str) -> Any:
    if not _SIC.fullmatch(raw):
        raise ValueError(f"{raw!r} is not {_SIC_WORD}")
    return raw


def _choice(raw: str, choices: Sequence[str]) -> Any:
    value = raw.lower()
    if value not in choices:
        raise ValueError(f"expected one of {list(choices)}, got {raw!r}")
    return value


def _flag(raw: str) -> Any:
    try:
        return _FLAGS[raw.lower()]
    except KeyError:
        raise ValueError(f"{raw!r} is not true or false") from None


_PARSERS: dict[str, Callable[[str], Any]] = {
    "text": _text,
    "id": _text,
    "date": _date,
    "number": _number,
    "whole": _integer,
    "sic": _sic,
    "flag": _flag,
}


def _parse(col: Column, raw: str) -> Any:
    """A cell's value by its column's kind (ValueError worded for the user)."""
    if col.kind == "choice":
        return _choice(raw, col.choices)
    return _PARSERS[col.kind](raw)


# --- reading ------------------------------------------------------------------------------

_READ_AS: dict[str, Kind] = {
    "whole": "number",  # 12.0 (a spreadsheet's, or a Parquet double) is whole
    "sic": "id",  # text, or an integer Parquet column (zero-padded here)
    "choice": "text",
}
"""The shared reader's kind where a cohort column's differs: which Parquet column types it
accepts."""

_NO_ROWS_OK = ("followups", "survey")
"""Files that may hold a header and no rows (no follow-ups or answers yet)."""

_Rows = list[tuple[Where, dict[str, str]]]


def _read(path: Path | str, kind: str, findings: Findings) -> RawTable | None:
    """One cohort file (``kind`` is a key of COLUMNS) in Arrow; None if unreadable."""
    columns = tuple(
        Column(c.name, _READ_AS.get(c.kind, c.kind), required=c.required, nullable=c.nullable)
        for c in COLUMNS[kind]
    )
    no_rows_ok = kind in _NO_ROWS_OK
    raw = reading.read_raw(Path(path), columns, findings, known_suffix=True, no_rows_ok=no_rows_ok)
    if raw is not None and raw.table is None:  # a Parquet file, left where it lies
        raw = reading.read_parquet_arrow(raw, findings, no_rows_ok=no_rows_ok)
    return raw


def _cell_text(value: Any, sic: bool) -> str:
    """A cell as a CSV would hold it: CSV text stripped, a Parquet value written out (an
    integer SIC code with its leading zeros)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:05d}" if sic and 0 <= value < 100000 else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value).strip()


def _rows(raw: RawTable, kind: str) -> _Rows:
    """Each row's cells as text, by column, with its CSV line or Parquet row."""
    assert raw.table is not None
    sic = {c.name for c in COLUMNS[kind] if c.kind == "sic"}
    values = {name: raw.table.column(name).to_pylist() for name in raw.present}
    return [
        (
            Where(raw.label, line, rows=raw.parquet),
            {name: _cell_text(values[name][i], name in sic) for name in raw.present},
        )
        for i, line in enumerate(raw.table.column(ROW).to_pylist())
    ]


def _typed_rows(rows: _Rows, kind: str, findings: Findings) -> list[tuple[Where, dict]]:
    """Parse every cell by its declared kind; rows with a bad cell are reported and dropped."""
    out = []
    for where, cells in rows:
        values: dict[str, Any] = {}
        ok = True
        for col in COLUMNS[kind]:
            raw = cells.get(col.name, "")
            if raw == "":
                if not col.nullable:
                    findings.add(where.problem("is empty", col.name))
                    ok = False
                values[col.name] = None
                continue
            try:
                values[col.name] = _parse(col, raw)
            except ValueError as exc:
                findings.add(where.problem(str(exc), col.name))
                ok = False
                continue
            if col.kind in ("number", "whole") and col.minimum == 0 and values[col.name] < 0:
                findings.add(where.problem(f"{raw!r} is negative", col.name))
                ok = False
        if ok:
            out.append((where, values))
    return out


def _duplicates(
    keyed: dict[tuple, list[Where]], describe: Callable[[tuple], str], findings: Findings
) -> None:
    """One problem per key seen on more than one line, naming every line."""
    for key, ws in keyed.items():
        if len(ws) > 1:
            findings.add(
                Problem(ws[0].file, describe(key), tuple(w.line for w in ws), rows=ws[0].rows)
            )


# --- the four files -----------------------------------------------------------------------


def _record(cls: type, values: dict[str, Any], where: Where, **extra: Any) -> Any:
    """A typed record from parsed cells: each field takes the column of the same name."""
    names = [f.name for f in fields(cls) if f.name != "where" and f.name not in extra]
    return cls(**{n: values[n] for n in names}, where=where, **extra)


def _participants(raw: RawTable, findings: Findings) -> list[Participant]:
    out = []
    seen: dict[tuple, list[Where]] = defaultdict(list)
    rows = _rows(raw, "participants")
    for where, cells in rows:  # duplicates are found even among rows with bad cells
        if cells["enterprise_id"] and cells["programme"]:
            seen[(cells["enterprise_id"], cells["programme"])].append(where)
    for where, v in _typed_rows(rows, "participants", findings):
        out.append(_record(Participant, v, where, synthetic=bool(v.get("synthetic"))))
    _duplicates(seen, lambda k: f"duplicate participant {k[0]!r} in programme {k[1]!r}", findings)
    return out


def _unknown(where: Where, enterprise: str, programme: str, participants_file: str) -> Problem:
    return where.problem(
        f"no participant {enterprise!r} in programme {programme!r} in {participants_file}"
    )


def _followups(
    raw: RawTable, joined: dict[tuple, Participant] | None, pfile: str, findings: Findings
) -> list[FollowUp]:
    out = []
    seen: dict[tuple, list[Where]] = defaultdict(list)
    for where, v in _typed_rows(_rows(raw, "followups"), "followups", findings):
        key = (v["enterprise_id"], v["programme"])
        if joined is not None:
            member = joined.get(key)
            if member is None:
                findings.add(_unknown(where, *key, pfile))
                continue
            if v["followed_up"] < member.joined:
                findings.add(
                    where.problem(
                        f"{v['followed_up'].isoformat()} is before the enterprise joined "
                        f"({member.joined.isoformat()})",
                        "followed_up",
                    )
                )
                continue
        seen[(*key, v["followed_up"])].append(where)
        out.append(_record(FollowUp, v, where))
    _duplicates(
        seen,
        lambda k: f"two follow-ups of {k[0]!r} in {k[1]!r} on the same date {k[2].isoformat()}",
        findings,
    )
    return out


def _survey(
    raw: RawTable, joined: dict[tuple, Participant] | None, pfile: str, findings: Findings
) -> list[SurveyAnswer]:
    out = []
    seen: dict[tuple, list[Where]] = defaultdict(list)
    for where, v in _typed_rows(_rows(raw, "survey"), "survey", findings):
        key = (v["enterprise_id"], v["programme"])
        scale, score = v["scale_max"], v["score"]
        if scale not in SCALE_MAXIMA:
            findings.add(where.problem(f"expected 5 or 10, got {scale}", "scale_max"))
            continue
        if not 1 <= score <= scale:
            findings.add(where.problem(f"{score:g} is outside the scale 1-{scale}", "score"))
            continue
        if joined is not None and key not in joined:
            findings.add(_unknown(where, *key, pfile))
            continue
        question = v["question"]
        seen[(*key, v["wave"], question)].append(where)
        out.append(_record(SurveyAnswer, v, where))
    _duplicates(
        seen,
        lambda k: f"{k[0]!r} in {k[1]!r} answered {k[3]!r} twice in the {k[2]!r} wave",
        findings,
    )
    return out


def _sectors(raw: RawTable, findings: Findings) -> list[SectorRange]:
    out = []
    for where, v in _typed_rows(_rows(raw, "sectors"), "sectors", findings):
        if v["sic_from"] > v["sic_to"]:
            findings.add(
                where.problem(f"{v['sic_from']} is after sic_to {v['sic_to']}", "sic_from")
            )
            continue
        out.append(_record(SectorRange, v, where))
    ordered = sorted(out, key=lambda r: (r.sic_from, r.sic_to))
    widest: SectorRange | None = None
    for r in ordered:
        if widest is not None and r.sic_from <= widest.sic_to:
            findings.add(
                r.where.problem(
                    f"SIC range {r.sic_from}-{r.sic_to} ({r.sector!r}) overlaps "
                    f"{widest.sic_from}-{widest.sic_to} ({widest.sector!r}) on "
                    f"{'row' if widest.where.rows else 'line'} {widest.where.line}"
                )
            )
        if widest is None or r.sic_to > widest.sic_to:
            widest = r
    return out


def read_cohort(
    participants: Path | str,
    followups: Path | str,
    survey: Path | str,
    sectors: Path | str | None = None,
) -> Cohort:
    """Read and check the cohort files; raise one InputError with every problem found.

    Problems are listed as found, not sorted: those of the files themselves (in the
    order participants, follow-ups, survey, sectors), then those of their rows.
    """
    findings = Findings()
    p_raw = _read(participants, "participants", findings)
    p_read_sound = not findings
    f_raw = _read(followups, "followups", findings)
    s_raw = _read(survey, "survey", findings)
    r_raw = _read(sectors, "sectors", findings) if sectors is not None else None

    members: list[Participant] = []
    joined: dict[tuple, Participant] | None = None
    pfile = ""
    if p_raw is not None:
        before = len(findings.problems)
        members = _participants(p_raw, findings)
        if p_read_sound and len(findings.problems) == before:
            # cross-checks only against a sound participants file
            joined = {(m.enterprise_id, m.programme): m for m in members}
        pfile = p_raw.label
    found_followups = _followups(f_raw, joined, pfile, findings) if f_raw is not None else []
    found_survey = _survey(s_raw, joined, pfile, findings) if s_raw is not None else []
    ranges = _sectors(r_raw, findings) if r_raw is not None else None
    if findings:
        raise InputError(findings.problems, unreported=findings.unreported)
    return Cohort(
        tuple(members),
        tuple(found_followups),
        tuple(found_survey),
        tuple(ranges) if ranges is not None else None,
    )
