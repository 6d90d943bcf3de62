"""Read and validate a support programme's cohort: participants, follow-ups, survey, sectors.

The four files of contracts.md ("Programme-impact inputs"), CSV or Parquet. Each file's
columns are declared once below (:data:`COLUMNS`); that declaration drives reading, the
checks and docs/impact.md. :func:`read_cohort` returns a typed :class:`Cohort` or raises
one :class:`~scaleup.errors.InputError` carrying every problem of every file.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

from scaleup.errors import Problem, raise_if

WAVES = ("before", "after")
TURNOVER_ANSWERS = ("up", "same", "down")
SCALE_MAXIMA = (5, 10)
CSV_SUFFIXES = (".csv",)
PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclass(frozen=True)
class Column:
    """One input column: its name, what it holds, and whether it may be absent or empty."""

    name: str
    kind: str
    description: str
    required: bool = True
    empty_ok: bool = False
    signed: bool = False


_OPTIONAL = {"required": False, "empty_ok": True}

COLUMNS: dict[str, tuple[Column, ...]] = {
    "participants": (
        Column("enterprise_id", "text", "the enterprise (text or integer)"),
        Column("programme", "text", "the programme's name"),
        Column("joined", "date", "date the enterprise joined (YYYY-MM-DD)"),
        Column("support_hours", "number", "hours of support received (>= 0)"),
        Column("employees_at_entry", "integer", "employees when joining", empty_ok=True),
        Column("turnover_at_entry", "integer", "turnover when joining, GBP 000s", empty_ok=True),
        Column("sic2007", "sic", "5-digit SIC 2007 code", **_OPTIONAL),
        Column("area_code", "text", "area (e.g. LAD) code", **_OPTIONAL),
        Column("leader_gender", "text", "gender of the leader", **_OPTIONAL),
        Column("synthetic", "flag", "true for made-up records (a demo cohort)", **_OPTIONAL),
    ),
    "followups": (
        Column("enterprise_id", "text", "the enterprise, as in participants"),
        Column("programme", "text", "the programme, as in participants"),
        Column("followed_up", "date", "date of the follow-up (YYYY-MM-DD)"),
        Column("turnover_change", "answer", "up, same, down; empty: not answered", empty_ok=True),
        Column("new_jobs_fte", "number", "new jobs since joining, FTE", empty_ok=True),
        Column("graduate_placements", "integer", "placements since joining", empty_ok=True),
    ),
    "survey": (
        Column("enterprise_id", "text", "the enterprise, as in participants"),
        Column("programme", "text", "the programme, as in participants"),
        Column("wave", "wave", "before or after"),
        Column("question", "text", "question key, e.g. leadership_confidence"),
        Column("score", "number", "the answer, from 1 to scale_max", signed=True),
        Column("scale_max", "integer", "top of the answer's scale: 5 or 10"),
    ),
    "sectors": (
        Column("sic_from", "sic", "first 5-digit SIC 2007 code of the range"),
        Column("sic_to", "sic", "last 5-digit SIC 2007 code of the range (inclusive)"),
        Column("sector", "text", "the programme's own sector name"),
    ),
}
"""The columns of each cohort file; numbers and integers must be >= 0 unless ``signed``."""


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
_SIC = re.compile(r"\d{5}")
_FLAGS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


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
        raise ValueError(f"{raw!r} is not a 5-digit SIC 2007 code")
    return raw


def _choice(choices: Sequence[str]) -> Callable[[str], Any]:
    def parse(raw: str) -> Any:
        value = raw.lower()
        if value not in choices:
            raise ValueError(f"expected one of {list(choices)}, got {raw!r}")
        return value

    return parse


def _flag(raw: str) -> Any:
    try:
        return _FLAGS[raw.lower()]
    except KeyError:
        raise ValueError(f"expected true or false, got {raw!r}") from None


_PARSERS: dict[str, Callable[[str], Any]] = {
    "text": _text,
    "date": _date,
    "number": _number,
    "integer": _integer,
    "sic": _sic,
    "answer": _choice(TURNOVER_ANSWERS),
    "wave": _choice(WAVES),
    "flag": _flag,
}


# --- reading ------------------------------------------------------------------------------


@dataclass
class _Table:
    """Raw text cells of one file, by declared column name, with where each row came from."""

    name: str
    rows: list[tuple[Where, dict[str, str]]]


def _cell_text(value: Any, sic: bool) -> str:
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


def _match_header(
    name: str, header: Sequence[str], columns: Sequence[Column], problems: list[Problem]
) -> dict[str, int] | None:
    """Declared column -> position in the header (case-insensitive); None if unusable."""
    declared = {c.name for c in columns}
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        key = h.strip().lower()
        if key in seen and key in declared:  # a repeated extra column is ignored
            problems.append(Problem(name, f"column {h.strip()!r} appears twice", (1,)))
            return None
        seen[key] = i
    missing = [c.name for c in columns if c.required and c.name not in seen]
    for col in missing:
        found = ", ".join(h.strip() for h in header) or "none"
        problems.append(Problem(name, f"missing column {col!r} (columns found: {found})"))
    if missing:
        return None
    return {c.name: seen[c.name] for c in columns if c.name in seen}


def _read_csv(path: Path, name: str, columns: Sequence[Column], problems: list[Problem]):
    data = path.read_bytes()
    if data.startswith(b"PAR1"):
        problems.append(Problem(name, "is a Parquet file, but its name ends in .csv"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(name, f"is not UTF-8 text (byte {exc.start + 1}); save as CSV UTF-8")
        )
        return None
    if "\x00" in text:
        problems.append(Problem(name, "is not a CSV text file (it holds NUL bytes)"))
        return None
    if not text.strip():
        expected = ", ".join(c.name for c in columns if c.required)
        problems.append(Problem(name, f"is empty (expected a header row: {expected})"))
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[Where, dict[str, str]]] = []
    try:
        header = next(reader)
        positions = _match_header(name, header, columns, problems)
        if positions is None:
            return None
        start = reader.line_num + 1
        for record in reader:
            line, start = start, reader.line_num + 1
            if not record or all(not cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                problems.append(
                    Problem(
                        name, f"has {len(record)} fields, the header has {len(header)}", (line,)
                    )
                )
                continue
            cells = {col: record[i].strip() for col, i in positions.items()}
            rows.append((Where(name, line), cells))
    except csv.Error as exc:
        problems.append(Problem(name, f"is not valid CSV: {exc}", (reader.line_num,)))
        return None
    return _Table(name, rows)


def _read_parquet(path: Path, name: str, columns: Sequence[Column], problems: list[Problem]):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError, ValueError):
        problems.append(Problem(name, "is not a Parquet file, but its name ends in .parquet"))
        return None
    header = list(table.column_names)
    positions = _match_header(name, header, columns, problems)
    if positions is None:
        return None
    kinds = {c.name: c.kind for c in columns}
    values = {col: table.column(i).to_pylist() for col, i in positions.items()}
    rows = [
        (
            Where(name, n + 1, rows=True),
            {col: _cell_text(values[col][n], kinds[col] == "sic") for col in positions},
        )
        for n in range(table.num_rows)
    ]
    return _Table(name, rows)


def read_table(path: Path | str, kind: str, problems: list[Problem]) -> _Table | None:
    """The raw cells of one cohort file (``kind`` is a key of COLUMNS); None if unreadable."""
    path = Path(path)
    name = str(path)
    columns = COLUMNS[kind]
    if not path.exists():
        problems.append(Problem(name, f"no such file (the {kind} file)"))
        return None
    if path.is_dir():
        problems.append(Problem(name, f"is a folder, not a {kind} file"))
        return None
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, name, columns, problems)
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(path, name, columns, problems)
    problems.append(Problem(name, f"expected a .csv or .parquet file, got {suffix or 'no'} suffix"))
    return None


def _typed_rows(table: _Table, kind: str, problems: list[Problem]) -> list[tuple[Where, dict]]:
    """Parse every cell by its declared kind; rows with a bad cell are reported and dropped."""
    out = []
    for where, cells in table.rows:
        values: dict[str, Any] = {}
        ok = True
        for col in COLUMNS[kind]:
            raw = cells.get(col.name, "")
            if raw == "":
                if col.required and not col.empty_ok:
                    problems.append(where.problem("is empty", col.name))
                    ok = False
                values[col.name] = None
                continue
            try:
                values[col.name] = _PARSERS[col.kind](raw)
            except ValueError as exc:
                problems.append(where.problem(str(exc), col.name))
                ok = False
                continue
            if col.kind in ("number", "integer") and not col.signed and values[col.name] < 0:
                problems.append(where.problem(f"{raw!r} is negative", col.name))
                ok = False
        if ok:
            out.append((where, values))
    return out


def _duplicates(keyed: dict[tuple, list[Where]], describe: Callable[[tuple], str]) -> list[Problem]:
    """One problem per key seen on more than one line, naming every line."""
    return [
        Problem(ws[0].file, describe(key), tuple(w.line for w in ws), rows=ws[0].rows)
        for key, ws in keyed.items()
        if len(ws) > 1
    ]


# --- the four files -----------------------------------------------------------------------


def _record(cls: type, values: dict[str, Any], where: Where, **extra: Any) -> Any:
    """A typed record from parsed cells: each field takes the column of the same name."""
    names = [f.name for f in fields(cls) if f.name != "where" and f.name not in extra]
    return cls(**{n: values[n] for n in names}, where=where, **extra)


def _participants(table: _Table, problems: list[Problem]) -> list[Participant]:
    out = []
    seen: dict[tuple, list[Where]] = defaultdict(list)
    for where, cells in table.rows:  # duplicates are found even among rows with bad cells
        if cells["enterprise_id"] and cells["programme"]:
            seen[(cells["enterprise_id"], cells["programme"])].append(where)
    for where, v in _typed_rows(table, "participants", problems):
        out.append(_record(Participant, v, where, synthetic=bool(v.get("synthetic"))))
    problems += _duplicates(seen, lambda k: f"duplicate participant {k[0]!r} in programme {k[1]!r}")
    if not table.rows:
        problems.append(Problem(table.name, "has no participants (only a header row)"))
    return out


def _unknown(where: Where, enterprise: str, programme: str, participants_file: str) -> Problem:
    return where.problem(
        f"no participant {enterprise!r} in programme {programme!r} in {participants_file}"
    )


def _followups(
    table: _Table, joined: dict[tuple, Participant] | None, pfile: str, problems: list[Problem]
) -> list[FollowUp]:
    out = []
    seen: dict[tuple, list[Where]] = defaultdict(list)
    for where, v in _typed_rows(table, "followups", problems):
        key = (v["enterprise_id"], v["programme"])
        if joined is not None:
            member = joined.get(key)
            if member is None:
                problems.append(_unknown(where, *key, pfile))
                continue
            if v["followed_up"] < member.joined:
                problems.append(
                    where.problem(
                        f"{v['followed_up'].isoformat()} is before the enterprise joined "
                        f"({member.joined.isoformat()})",
                        "followed_up",
                    )
                )
                continue
        seen[(*key, v["followed_up"])].append(where)
        out.append(_record(FollowUp, v, where))
    problems += _duplicates(
        seen,
        lambda k: f"two follow-ups of {k[0]!r} in {k[1]!r} on the same date {k[2].isoformat()}",
    )
    return out


def _survey(
    table: _Table, joined: dict[tuple, Participant] | None, pfile: str, problems: list[Problem]
) -> list[SurveyAnswer]:
    out = []
    seen: dict[tuple, list[Where]] = defaultdict(list)
    for where, v in _typed_rows(table, "survey", problems):
        key = (v["enterprise_id"], v["programme"])
        scale, score = v["scale_max"], v["score"]
        if scale not in SCALE_MAXIMA:
            problems.append(where.problem(f"expected 5 or 10, got {scale}", "scale_max"))
            continue
        if not 1 <= score <= scale:
            problems.append(where.problem(f"{score:g} is outside the scale 1-{scale}", "score"))
            continue
        if joined is not None and key not in joined:
            problems.append(_unknown(where, *key, pfile))
            continue
        question = v["question"]
        seen[(*key, v["wave"], question)].append(where)
        out.append(_record(SurveyAnswer, v, where))
    problems += _duplicates(
        seen, lambda k: f"{k[0]!r} in {k[1]!r} answered {k[3]!r} twice in the {k[2]!r} wave"
    )
    return out


def _sectors(table: _Table, problems: list[Problem]) -> list[SectorRange]:
    out = []
    for where, v in _typed_rows(table, "sectors", problems):
        if v["sic_from"] > v["sic_to"]:
            problems.append(
                where.problem(f"{v['sic_from']} is after sic_to {v['sic_to']}", "sic_from")
            )
            continue
        out.append(_record(SectorRange, v, where))
    if not table.rows:
        problems.append(Problem(table.name, "has no sector ranges (only a header row)"))
    ordered = sorted(out, key=lambda r: (r.sic_from, r.sic_to))
    widest: SectorRange | None = None
    for r in ordered:
        if widest is not None and r.sic_from <= widest.sic_to:
            problems.append(
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
    """Read and check the cohort files; raise one InputError with every problem found."""
    problems: list[Problem] = []
    p_table = read_table(participants, "participants", problems)
    f_table = read_table(followups, "followups", problems)
    s_table = read_table(survey, "survey", problems)
    r_table = read_table(sectors, "sectors", problems) if sectors is not None else None

    members: list[Participant] = []
    joined: dict[tuple, Participant] | None = None
    if p_table is not None:
        before = len(problems)
        members = _participants(p_table, problems)
        if len(problems) == before:  # cross-checks only against a sound participants file
            joined = {(m.enterprise_id, m.programme): m for m in members}
    pfile = p_table.name if p_table is not None else str(participants)
    found_followups = _followups(f_table, joined, pfile, problems) if f_table is not None else []
    found_survey = _survey(s_table, joined, pfile, problems) if s_table is not None else []
    ranges = _sectors(r_table, problems) if r_table is not None else None
    raise_if(problems)
    return Cohort(
        tuple(members),
        tuple(found_followups),
        tuple(found_survey),
        tuple(ranges) if ranges is not None else None,
    )
