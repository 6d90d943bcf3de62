"""Reading any contract input file, CSV or Parquet, and the problems of the file itself.

Each input kind declares its columns once (a tuple of :class:`Column`); that declaration
drives reading, the checks of every value (:mod:`scaleup.ingest.checking`) and the
messages. A CSV file is read once into Arrow (whole-number columns parsed by Arrow when
they are clean, otherwise every value as text), with an explicit ``_row`` column: the
CSV line (header = line 1). A Parquet file's schema is checked here; its values are left
where they lie, for DuckDB to scan with the row (first data row = 1)."""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from scaleup.errors import InputError, Problem
from scaleup.geo import AREA_CODE_MEANING, AREA_CODE_PATTERN

ROW = "_row"
EXAMPLES = 20
INT_PATTERN = r"^[+-]?[0-9]+$"
GSS_PATTERN = r"^[EWSN][0-9]{8}$"
SIC_PATTERN = r"^[0-9]{5}$"
YEAR_RANGE = (1900, 2100)
TRUE_WORDS = ("true", "yes", "1", "t", "y")
FALSE_WORDS = ("false", "no", "0", "f", "n")

PATTERNS = {
    "gss": (GSS_PATTERN, "a GSS code (like E06000001)"),
    "area": (AREA_CODE_PATTERN, AREA_CODE_MEANING),
    "sic": (SIC_PATTERN, "a 5-digit SIC 2007 code"),
}

Kind = Literal["text", "id", "gss", "area", "sic", "int", "count", "flag"]


@dataclass(frozen=True)
class Column:
    """One column of an input file.

    ``kind``: ``text``; ``id`` (text, or integer in Parquet); ``gss`` (a GSS code);
    ``area`` (an area code: geo.AREA_CODE);
    ``sic`` (a 5-digit SIC 2007 code); ``int`` (a whole number in ``minimum`` ..
    ``maximum``); ``count`` (an int, or ``[c]`` when the file is supplier-controlled);
    ``flag`` (true/false).
    """

    name: str
    kind: Kind
    required: bool = True
    nullable: bool = False
    minimum: int = 0
    maximum: int | None = None


@dataclass
class Findings:
    """Problems found so far, plus how many more were counted but not listed."""

    problems: list[Problem] = field(default_factory=list)
    unreported: int = 0
    temporary: list[str] = field(default_factory=list)
    """Temporary tables made while checking; the caller drops them when done."""

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def add_examples(self, examples: list[Problem], total: int) -> None:
        self.problems.extend(examples)
        self.unreported += max(total - len(examples), 0)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            ordered = sorted(self.problems, key=lambda p: (p.file or "", p.lines, p.message))
            raise InputError(ordered, unreported=self.unreported)


@dataclass
class RawTable:
    """A file as read: the declared columns present in it (lower-case names).

    A CSV file is read into Arrow: ``table``, those columns plus ``_row``. A Parquet file
    is left where it lies (``path``; ``names``: the file's name of each column present)
    for the checking engine to scan; it is read into Arrow only if that engine cannot.
    """

    label: str
    parquet: bool
    present: tuple[str, ...]
    table: pa.Table | None = None
    path: Path | None = None
    names: dict[str, str] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in self.present

    def problem(self, message: str, lines: Iterable[int] = (), column: str | None = None):
        return Problem(
            file=self.label,
            message=message,
            lines=tuple(int(n) for n in lines),
            column=column,
            rows=self.parquet,
        )


def is_parquet_name(path: Path) -> bool:
    return path.suffix.lower() in (".parquet", ".pq")


def read_raw(path: Path, columns: tuple[Column, ...], findings: Findings) -> RawTable | None:
    """Read ``path``; on a file-level problem record it and return None."""
    path = Path(path)
    label = path.name
    if not path.is_file():
        findings.add(Problem(file=label, message=f"no such file: {path}"))
        return None
    with open(path, "rb") as fh:
        head = fh.read(4)
    if path.stat().st_size == 0:
        findings.add(Problem(file=label, message="empty file (expected a header row and data)"))
        return None
    parquet = is_parquet_name(path)
    if parquet and head != b"PAR1":
        findings.add(Problem(file=label, message="not a Parquet file, though its name says so"))
        return None
    if not parquet and head == b"PAR1":
        findings.add(
            Problem(file=label, message="is a Parquet file, but its name says CSV (rename it)")
        )
        return None
    reader = _read_parquet if parquet else _read_csv
    return reader(path, label, columns, findings)


def _header_problems(
    label: str, names: list[str], columns: tuple[Column, ...], findings: Findings
) -> bool:
    lowered = [n.strip().lower() for n in names]
    seen: set[str] = set()
    ok = True
    for name in lowered:
        if name in seen and any(c.name == name for c in columns):
            findings.add(Problem(file=label, message=f"column '{name}' appears twice", lines=(1,)))
            ok = False
        seen.add(name)
    for col in columns:
        if col.required and col.name not in seen:
            found = ", ".join(n for n in lowered if n) or "none"
            findings.add(
                Problem(
                    file=label,
                    message=f"missing required column '{col.name}' (found: {found})",
                    lines=(1,),
                )
            )
            ok = False
    return ok


def _read_csv(
    path: Path, label: str, columns: tuple[Column, ...], findings: Findings
) -> RawTable | None:
    with open(path, "rb") as fh:
        first = fh.readline()
    try:
        header_text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        findings.add(Problem(file=label, message="not a UTF-8 CSV file (cannot decode the header)"))
        return None
    if not header_text.strip():
        findings.add(Problem(file=label, message="empty file (expected a header row and data)"))
        return None
    names = next(csv.reader(io.StringIO(header_text)))
    if not _header_problems(label, names, columns, findings):
        return None
    lowered = [n.strip().lower() for n in names]
    # Unique placeholder names for columns we ignore, so duplicates among them are harmless.
    read_names = [
        n if any(c.name == n for c in columns) else f"_extra{i}" for i, n in enumerate(lowered)
    ]
    wanted = [c.name for c in columns if c.name in read_names]
    ints = {c.name for c in columns if c.kind == "int"}

    def read(fast: bool) -> pa.Table:
        # Fast: whole-number columns parsed by Arrow. Any value Arrow refuses (a
        # word, a decimal, a space) sends the file to the careful path, where every
        # value is read as text and each problem gets its own message.
        types = {n: pa.int64() if fast and n in ints else pa.string() for n in read_names}
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=read_names),
            parse_options=pacsv.ParseOptions(ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                include_columns=wanted,
                strings_can_be_null=True,
                null_values=[""],
                quoted_strings_can_be_null=True,
            ),
        )

    try:
        try:
            table = read(fast=True)
        except pa.ArrowInvalid:
            table = read(fast=False)
    except pa.ArrowInvalid as exc:
        message = str(exc)
        if "UTF8" in message:
            message = "not UTF-8 text (save the file as UTF-8)"
        else:
            message = "not a valid CSV file: " + message.replace("CSV parse error: ", "")
        findings.add(Problem(file=label, message=message))
        return None
    rows = pa.array(np.arange(2, table.num_rows + 2, dtype=np.int64))
    table = table.append_column(ROW, rows)
    # Blank lines (every value empty) are skipped, after numbering, so lines stay right.
    filled = [pc.is_valid(table.column(name)) for name in wanted]
    if filled and table.num_rows:
        table = table.filter(functools.reduce(pc.or_, filled))
    if table.num_rows == 0:
        findings.add(Problem(file=label, message="no data rows (only a header)"))
        return None
    return RawTable(label=label, parquet=False, present=tuple(wanted), table=table)


def _read_parquet(
    path: Path, label: str, columns: tuple[Column, ...], findings: Findings
) -> RawTable | None:
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError) as exc:
        findings.add(Problem(file=label, message=f"not a readable Parquet file: {exc}"))
        return None
    names = list(schema.names)
    if not _header_problems(label, names, columns, findings):
        return None
    by_lower = {n.strip().lower(): n for n in names}
    present = [c for c in columns if c.name in by_lower]
    ok = True
    for col in present:
        typ = schema.field(by_lower[col.name]).type
        expected = _parquet_type_ok(col, typ)
        if expected:
            findings.add(
                Problem(
                    file=label,
                    column=col.name,
                    message=f"wrong column type: expected {expected}, got {typ}",
                )
            )
            ok = False
    if not ok:
        return None
    try:
        rows = pq.ParquetFile(path).metadata.num_rows
    except (pa.ArrowException, OSError) as exc:
        findings.add(Problem(file=label, message=f"not a readable Parquet file: {exc}"))
        return None
    if rows == 0:
        findings.add(Problem(file=label, message="no data rows"))
        return None
    return RawTable(
        label=label,
        parquet=True,
        present=tuple(c.name for c in present),
        path=path,
        names={c.name: by_lower[c.name] for c in present},
    )


def read_parquet_arrow(raw: RawTable, findings: Findings) -> RawTable | None:
    """A Parquet file read into Arrow, for when the checking engine cannot scan it."""
    assert raw.path is not None
    try:
        table = pq.read_table(raw.path, columns=list(raw.names.values()))
    except (pa.ArrowException, OSError) as exc:
        findings.add(Problem(file=raw.label, message=f"not a readable Parquet file: {exc}"))
        return None
    table = table.rename_columns(list(raw.names))
    for i, name in enumerate(raw.names):
        typ = table.schema.field(i).type
        if pa.types.is_large_string(typ) or pa.types.is_string_view(typ):
            table = table.set_column(i, name, table.column(i).cast(pa.string()))
        elif pa.types.is_dictionary(typ):
            table = table.set_column(i, name, table.column(i).cast(typ.value_type))
    if table.num_rows == 0:
        findings.add(Problem(file=raw.label, message="no data rows"))
        return None
    rows = pa.array(np.arange(1, table.num_rows + 1, dtype=np.int64))
    return RawTable(
        label=raw.label,
        parquet=True,
        present=raw.present,
        table=table.append_column(ROW, rows),
        path=raw.path,
        names=raw.names,
    )


def _is_text(typ: pa.DataType) -> bool:
    if pa.types.is_dictionary(typ):
        typ = typ.value_type
    return pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_string_view(typ)


def _parquet_type_ok(col: Column, typ: pa.DataType) -> str | None:
    """None when ``typ`` suits the column, else a description of what was expected."""
    if col.kind in ("text", "gss", "area", "sic"):
        return None if _is_text(typ) else "text"
    if col.kind == "id":
        return None if _is_text(typ) or pa.types.is_integer(typ) else "text or integer"
    if col.kind == "int":
        return None if pa.types.is_integer(typ) else "integer"
    if col.kind == "count":
        ok = pa.types.is_integer(typ) or _is_text(typ)
        return None if ok else "integer (or text holding [c])"
    if col.kind == "flag":
        return None if pa.types.is_boolean(typ) or _is_text(typ) else "boolean"
    raise AssertionError(col.kind)


def drop_temporary(backend: Any, findings: Findings) -> None:
    """Drop the temporary views checking made (names made here, never from input).

    Raw SQL because Ibis 12's ``drop_view`` renders an empty name with this DuckDB.
    """
    for name in findings.temporary:
        backend.raw_sql(f'DROP VIEW IF EXISTS "{name}"')
    findings.temporary.clear()


def fetch(backend: Any, expr: ir.Table) -> pa.Table:
    return backend.to_pyarrow(expr)
