"""Read and validate a support programme's cohort: participants, follow-ups, survey, sectors.

The four files of contracts.md ("Programme-impact inputs"), CSV or Parquet. Each file's
columns are declared once, in :data:`scaleup.tables.COHORT`; that declaration drives
reading, the checks and docs/impact.md. Files are read by the shared reader
(:mod:`scaleup.ingest.reading`) and every value typed and checked by the shared checking
machinery (:func:`scaleup.ingest.checking.check_small`, the kinds ``date``, ``number``,
``whole``, ``choice``, ...) as every input is; this module checks what one row cannot
tell: repeated records, the files against each other, scales and SIC ranges.
:func:`read_cohort` returns a typed :class:`Cohort` or raises one
:class:`~scaleup.errors.InputError` carrying every problem of every file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

from scaleup.errors import InputError, Problem
from scaleup.ingest import reading
from scaleup.ingest.checking import BAD, check_small
from scaleup.ingest.reading import ROW, Findings, RawTable
from scaleup.tables import COHORT

SCALE_MAXIMA = (5, 10)

COLUMNS = COHORT
"""The columns of each cohort file (declared in :mod:`scaleup.tables`)."""

EMPTY = "is empty"
"""How a missing required value of a cohort file is worded."""


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


@dataclass(frozen=True)
class Cohort:
    """A programme cohort, validated: every record well formed and consistent."""

    participants: tuple[Participant, ...]
    followups: tuple[FollowUp, ...]
    survey: tuple[SurveyAnswer, ...]
    sectors: tuple[SectorRange, ...] | None


# --- reading ------------------------------------------------------------------------------

_NO_ROWS_OK = ("followups", "survey")
"""Files that may hold a header and no rows (no follow-ups or answers yet)."""

_Rows = list[tuple[Where, dict[str, Any], bool]]
"""Each row of a file: where it is, its typed values by column, whether a value is bad."""


def _read(path: Path | str, kind: str, findings: Findings) -> RawTable | None:
    """One cohort file (``kind`` is a key of COLUMNS) in Arrow; None if unreadable."""
    no_rows_ok = kind in _NO_ROWS_OK
    raw = reading.read_raw(
        Path(path), COLUMNS[kind], findings, known_suffix=True, no_rows_ok=no_rows_ok
    )
    if raw is not None and raw.table is None:  # a Parquet file: small, read whole
        raw = reading.read_parquet_arrow(raw, findings, no_rows_ok=no_rows_ok)
    return raw


def _rows(raw: RawTable, kind: str, findings: Findings) -> _Rows:
    """Each row's values typed and checked by their declared kinds; each bad value is
    reported (a row's problems together, in the order of its columns)."""
    columns = COLUMNS[kind]
    start = len(findings.problems)
    typed = check_small(raw, columns, findings, empty=EMPTY)
    order = {c.name: i for i, c in enumerate(columns)}
    findings.problems[start:] = sorted(
        findings.problems[start:], key=lambda p: (p.lines, order.get(p.column or "", -1))
    )
    ids = [c.name for c in columns if c.kind == "id" and c.name in raw.present]
    values = {c.name: typed.column(c.name).to_pylist() for c in columns if c.name in raw.present}
    for name in ids:  # an integer id (Parquet) is the same reference as its text
        values[name] = [None if v is None else str(v) for v in values[name]]
    bad = typed.column(BAD).to_pylist()
    return [
        (
            Where(raw.label, line, rows=raw.parquet),
            {c.name: values[c.name][i] if c.name in values else None for c in columns},
            bad[i],
        )
        for i, line in enumerate(typed.column(ROW).to_pylist())
    ]


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


def _sound(rows: _Rows) -> list[tuple[Where, dict[str, Any]]]:
    """The rows whose every value is good (the others are reported already)."""
    return [(where, values) for where, values, bad in rows if not bad]


def _participants(rows: _Rows, findings: Findings) -> list[Participant]:
    out = []
    seen: dict[tuple, list[Where]] = defaultdict(list)
    for where, v, bad in rows:  # duplicates are found even among rows with bad values
        if v["enterprise_id"] and v["programme"]:
            seen[(v["enterprise_id"], v["programme"])].append(where)
        if not bad:
            out.append(_record(Participant, v, where, synthetic=bool(v.get("synthetic"))))
    _duplicates(seen, lambda k: f"duplicate participant {k[0]!r} in programme {k[1]!r}", findings)
    return out


def _unknown(where: Where, enterprise: str, programme: str, participants_file: str) -> Problem:
    return where.problem(
        f"no participant {enterprise!r} in programme {programme!r} in {participants_file}"
    )


def _followups(
    rows: _Rows, joined: dict[tuple, Participant] | None, pfile: str, findings: Findings
) -> list[FollowUp]:
    out = []
    seen: dict[tuple, list[Where]] = defaultdict(list)
    for where, v in _sound(rows):
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
    rows: _Rows, joined: dict[tuple, Participant] | None, pfile: str, findings: Findings
) -> list[SurveyAnswer]:
    out = []
    seen: dict[tuple, list[Where]] = defaultdict(list)
    for where, v in _sound(rows):
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


def _sectors(rows: _Rows, findings: Findings) -> list[SectorRange]:
    out = []
    for where, v in _sound(rows):
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
        members = _participants(_rows(p_raw, "participants", findings), findings)
        if p_read_sound and len(findings.problems) == before:
            # cross-checks only against a sound participants file
            joined = {(m.enterprise_id, m.programme): m for m in members}
        pfile = p_raw.label
    found_followups = (
        _followups(_rows(f_raw, "followups", findings), joined, pfile, findings)
        if f_raw is not None
        else []
    )
    found_survey = (
        _survey(_rows(s_raw, "survey", findings), joined, pfile, findings)
        if s_raw is not None
        else []
    )
    ranges = _sectors(_rows(r_raw, "sectors", findings), findings) if r_raw is not None else None
    if findings:
        raise InputError(findings.problems, unreported=findings.unreported)
    return Cohort(
        tuple(members),
        tuple(found_followups),
        tuple(found_survey),
        tuple(ranges) if ranges is not None else None,
    )
