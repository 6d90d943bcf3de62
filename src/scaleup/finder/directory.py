"""The directory as data: read and check a CSV or JSON directory, write CSV, JSON or HSDS.

Reading gathers every problem of every record (file, line or record number, field, what is
wrong) before anything is written, so a bad file changes nothing;
:func:`scaleup.store.programmes.import_in_batches` then applies the records in short
transactions. Export then
import gives the same directory: lists are joined with ``;`` in CSV (an item may not
contain one), empty cells are "none", dates are ISO 8601.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from scaleup.errors import InputError, Problem
from scaleup.finder.records import (
    FIELDS,
    LIST_FIELDS,
    LIST_SEPARATOR,
    REQUIRED,
    ProgrammeCreate,
    ProgrammePublic,
)

Format = Literal["csv", "json", "hsds"]
JSON_FORMAT = "scaleup-finder/1"
STARTER = Path(__file__).with_name("starter.json")


@dataclass
class Record:
    """One record of a directory file and where it came from (CSV line or JSON record)."""

    where: int
    rows: bool
    programme: ProgrammeCreate


# --- reading ----------------------------------------------------------------------------


def _describe(err: ErrorDetails) -> tuple[str | None, str]:
    loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
    column = loc[0] if loc else None
    kind, msg = err["type"], err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind == "extra_forbidden":
        return column, f"unknown field (expected one of {list(FIELDS)})"
    if kind == "missing":
        return column, "is required"
    got = err.get("input")
    if isinstance(got, (str, int, float)) and "got" not in msg:
        msg = f"{msg}, got {got!r}"
    return column, msg


def check_record(
    data: dict[str, Any], name: str, where: int, rows: bool
) -> tuple[ProgrammeCreate | None, list[Problem]]:
    """Validate one record; every problem, each naming its field."""
    problems = []
    missing_id = not data.get("id")
    if missing_id:
        problems.append(Problem(name, "is required", (where,), "id", rows))
    try:
        record = ProgrammeCreate.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            column, message = _describe(err)
            if column == "id" and missing_id:
                continue
            problems.append(Problem(name, message, (where,), column, rows))
        return None, problems
    return (record if not problems else None), problems


def _from_csv_row(row: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in FIELDS:
        if key not in row:
            continue
        value = (row[key] or "").strip()
        if key in LIST_FIELDS:
            data[key] = [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]
        elif key in ("min_employees", "max_employees", "min_turnover", "starts", "ends"):
            data[key] = value or None
        elif key == "updated":
            if value:
                data[key] = value
        elif key == "retired":
            data[key] = value.lower() if value else "false"
        else:
            data[key] = value
    return data


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(Problem(str(path), "no such file")) from None
    except UnicodeDecodeError as exc:
        raise InputError(Problem(str(path), f"is not UTF-8 text ({exc.reason})")) from None
    except OSError as exc:
        raise InputError(Problem(str(path), f"cannot be read: {exc.strerror}")) from None


def _csv_records(text: str, name: str) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return [], [Problem(name, "is empty (expected a header row and records)")]
    except csv.Error as exc:
        return [], [Problem(name, f"is not valid CSV: {exc}", (1,))]
    columns = [h.strip().lower() for h in header]
    twice = sorted({c for c in columns if c and columns.count(c) > 1})
    if twice:
        return [], [Problem(name, f"column {c!r} appears twice", (1,)) for c in twice]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        return [], [Problem(name, f"missing column {c!r}", (1,)) for c in missing]
    out: list[tuple[int, dict[str, Any]]] = []
    try:
        next_line = reader.line_num + 1
        for row in reader:
            # a record's first line: a quoted value may hold line breaks
            line, next_line = next_line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(columns):
                return out, [Problem(name, f"{len(row)} cells, header has {len(columns)}", (line,))]
            cells = dict(zip(columns, row, strict=False))
            out.append((line, _from_csv_row(cells)))
    except csv.Error as exc:
        return out, [Problem(name, f"is not valid CSV: {exc}", (reader.line_num,))]
    return out, []


def _json_records(text: str, name: str) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [Problem(name, f"is not valid JSON: {exc.msg}", (exc.lineno,))]
    except RecursionError:
        return [], [Problem(name, "is not a directory: its JSON is nested too deeply")]
    from scaleup.finder import hsds

    if hsds.is_hsds(data):
        return _hsds_records(hsds.services_in(data) or [], name)
    if isinstance(data, dict):
        data = data.get("programmes")
    if not isinstance(data, list):
        return [], [Problem(name, 'expected a list of records or {"programmes": [...]}')]
    out, problems = [], []
    for n, item in enumerate(data, start=1):
        if isinstance(item, dict):
            out.append((n, item))
        else:
            problems.append(Problem(name, "expected an object", (n,), rows=True))
    return out, problems


def _hsds_records(
    services: list[Any], name: str
) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    """HSDS 3.0 services as finder records; a service from elsewhere (no finder id) gets
    a slug of its name, made unique within the file."""
    from scaleup.finder import hsds

    out, problems = [], []
    taken: set[str] = set()
    for n, service in enumerate(services, start=1):
        if not isinstance(service, dict):
            problems.append(Problem(name, "expected an HSDS service object", (n,), rows=True))
            continue
        data = hsds.from_service(service)
        problems.extend(hsds.missing_taxonomy(name, n, data))
        if data["id"] in taken and not hsds.has_finder_id(service):
            base, k = data["id"], 2
            while f"{base}-{k}" in taken:
                k += 1
            data["id"] = f"{base}-{k}"
        taken.add(data["id"])
        out.append((n, data))
    return out, problems


def read_directory(path: Path, fmt: Format | None = None) -> list[Record]:
    """Every record of a CSV or JSON directory file, or an InputError with every problem."""
    path = Path(path)
    name = path.name
    if fmt is None:
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".json"):
            raise InputError(Problem(name, f"expected a .csv or .json file, got {suffix!r}"))
        fmt = "csv" if suffix == ".csv" else "json"
    text = _read_text(path)
    if not text.strip():
        raise InputError(Problem(name, "is empty"))
    rows = fmt == "json"
    raw, problems = (_json_records if rows else _csv_records)(text, name)
    records: list[Record] = []
    seen: dict[str, int] = {}
    for where, data in raw:
        record, found = check_record(data, name, where, rows)
        said = {(p.lines, p.column) for p in problems}
        problems.extend(p for p in found if (p.lines, p.column) not in said)
        if record is None:
            continue
        assert record.id is not None
        if record.id in seen:
            problems.append(
                Problem(name, f"duplicate id {record.id!r}", (seen[record.id], where), "id", rows)
            )
            continue
        seen[record.id] = where
        records.append(Record(where, rows, record))
    if not raw and not problems:
        problems.append(Problem(name, "has no records"))
    if problems:
        raise InputError(problems)
    return records


# --- writing ----------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return f"{LIST_SEPARATOR} ".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv(records: list[ProgrammePublic]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for record in records:
        data = record.model_dump()
        writer.writerow([_cell(data[f]) for f in FIELDS])
    return out.getvalue()


def to_json(records: list[ProgrammePublic]) -> str:
    body = {
        "format": JSON_FORMAT,
        "programmes": [{f: r.model_dump(mode="json")[f] for f in FIELDS} for r in records],
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def write_directory(
    records: list[ProgrammePublic],
    out: Path,
    fmt: Format,
    names: dict[str, str] | None = None,
) -> None:
    """Write the directory to ``out`` atomically in ``fmt``."""
    from scaleup.atomic import staged_file
    from scaleup.finder.hsds import to_hsds

    if fmt == "csv":
        text = to_csv(records)
    elif fmt == "json":
        text = to_json(records)
    else:
        text = json.dumps(to_hsds(records, names or {}), indent=2, ensure_ascii=False) + "\n"
    with staged_file(Path(out)) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")
