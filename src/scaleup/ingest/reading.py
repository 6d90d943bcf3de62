"""Reading and checking any contract input file: CSV or Parquet -> typed table + problems.

Each input kind declares its columns once (a tuple of :class:`Column`); that declaration
drives reading, the checks of every value and the messages. A file is read once into
Arrow (CSV whole-number columns parsed by Arrow when they are clean, otherwise every
value as text; Parquet as stored), with an explicit ``_row`` column: the CSV line
(header = line 1) or the Parquet row (first data row = 1). One scan in DuckDB then types
every value and flags every kind of problem per row into a temporary table; one
aggregate counts each kind; one small query per kind that occurs fetches its first
examples. A bounded number of scans whatever the size, never a Python loop over rows,
and line numbers that do not depend on the engine's row order."""

from __future__ import annotations

import csv
import functools
import io
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from scaleup.errors import InputError, Problem
from scaleup.geo import AREA_CODE_MEANING, AREA_CODE_PATTERN
from scaleup.tables import SUPPRESSED

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
    """A file as read: declared columns present in it (lower-case names) plus ``_row``."""

    label: str
    parquet: bool
    table: pa.Table

    def has(self, name: str) -> bool:
        return name in self.table.column_names

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
    return RawTable(label=label, parquet=False, table=table)


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
        table = pq.read_table(path, columns=[by_lower[c.name] for c in present])
    except (pa.ArrowException, OSError) as exc:
        findings.add(Problem(file=label, message=f"not a readable Parquet file: {exc}"))
        return None
    table = table.rename_columns([c.name for c in present])
    # Ids stored as integers are ids all the same: compare them as text.
    for i, col in enumerate(present):
        typ = table.schema.field(i).type
        if col.kind == "id" and pa.types.is_integer(typ):
            table = table.set_column(i, col.name, table.column(i).cast(pa.string()))
        elif pa.types.is_large_string(typ) or pa.types.is_string_view(typ):
            table = table.set_column(i, col.name, table.column(i).cast(pa.string()))
        elif pa.types.is_dictionary(typ):
            table = table.set_column(i, col.name, table.column(i).cast(typ.value_type))
    if table.num_rows == 0:
        findings.add(Problem(file=label, message="no data rows"))
        return None
    rows = pa.array(np.arange(1, table.num_rows + 1, dtype=np.int64))
    return RawTable(label=label, parquet=True, table=table.append_column(ROW, rows))


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


@dataclass
class Check:
    """One kind of problem: a boolean expression per row and how to word it."""

    column: str
    bad: ir.BooleanValue
    value: ir.Value
    message: Callable[[Any], str]


@dataclass
class Checked:
    """A file's source table, its typed view and the checks on its values."""

    source: ir.Table
    fields: dict[str, ir.Value]
    checks: list[Check]

    @property
    def table(self) -> ir.Table:
        return self.source.select(**self.fields)


def typed(raw: RawTable, columns: tuple[Column, ...]) -> Checked:
    """The file as typed values (ints as int64, text stripped) and the checks on them.

    A ``count`` column also gets ``<name>_c`` (true where the value is ``[c]``); a
    value that fails a check is null in the typed table.
    """
    t = ibis.memtable(raw.table)
    out: dict[str, ir.Value] = {ROW: t[ROW]}
    checks: list[Check] = []
    for col in columns:
        if not raw.has(col.name):
            continue
        v = t[col.name]
        is_int_type = v.type().is_integer()
        is_bool_type = v.type().is_boolean()
        text = None if (is_int_type or is_bool_type) else _stripped(v).nullif("")
        missing = v.isnull() if text is None else text.isnull()
        shown = v if text is None else text
        if not col.nullable:
            checks.append(Check(col.name, missing, shown, lambda _v: "missing value"))
        if col.kind in ("text", "id"):
            out[col.name] = text if text is not None else v.cast("string")
        elif col.kind in PATTERNS:
            pattern, word = PATTERNS[col.kind]
            bad = ~missing & ~text.re_search(pattern)
            checks.append(Check(col.name, bad, text, _says(f"is not {word}")))
            out[col.name] = ibis.ifelse(bad, ibis.null("string"), text)
        elif col.kind in ("int", "count"):
            suppressed = None
            if is_int_type:
                value = v.cast("int64")
            else:
                number = text
                if col.kind == "count":
                    suppressed = text == SUPPRESSED
                    number = ibis.ifelse(suppressed, ibis.null("string"), text)
                    suppressed = suppressed.fill_null(False)
                not_int = number.notnull() & ~number.re_search(INT_PATTERN)
                checks.append(
                    Check(col.name, not_int, text, lambda x: f"'{x}' is not a whole number")
                )
                value = number.try_cast("int64")
                too_big = number.notnull() & ~not_int & value.isnull()
                checks.append(Check(col.name, too_big, text, lambda x: f"'{x}' is too large"))
            low = value < col.minimum
            word = "is negative" if col.minimum == 0 else f"is below {col.minimum}"
            if col.minimum == 1:
                word = "is not positive"
            checks.append(Check(col.name, low.fill_null(False), shown, _says(word)))
            bad = low.fill_null(False)
            if col.maximum is not None:
                high = (value > col.maximum).fill_null(False)
                span = f"is outside {col.minimum}-{col.maximum}"
                checks[-1] = Check(col.name, bad | high, shown, _says(span))
                bad = bad | high
            out[col.name] = ibis.ifelse(bad, ibis.null("int64"), value)
            if col.kind == "count":
                out[f"{col.name}_c"] = suppressed if suppressed is not None else ibis.literal(False)
        elif col.kind == "flag":
            if is_bool_type:
                out[col.name] = v
            else:
                low = text.lower()
                truth = low.isin(TRUE_WORDS)
                bad = ~missing & ~truth & ~low.isin(FALSE_WORDS)
                checks.append(Check(col.name, bad, text, lambda x: f"'{x}' is not true or false"))
                out[col.name] = ibis.ifelse(missing | bad, ibis.null("boolean"), truth)
    return Checked(source=t, fields=out, checks=checks)


def _stripped(v: ir.StringValue) -> ir.StringValue:
    """``v`` without surrounding white space (trimming only the few values that have it:
    a full trim of every value costs more than all the other checks together)."""
    return ibis.ifelse(v.re_search(r"^\s|\s$"), v.strip(), v)


def _says(word: str) -> Callable[[Any], str]:
    return lambda x: f"'{x}' {word}"


def run_checks(backend: Any, raw: RawTable, checked: Checked, findings: Findings) -> ir.Table:
    """Check every value; return the typed table, materialised in ``backend``.

    One scan parses the file's values and flags each kind of problem per row, into a
    temporary table; one aggregate over it counts each kind. Only for a kind that
    occurs, one more query fetches its first examples (by line).
    """
    checks, source = checked.checks, checked.source
    flags = {f"_k{i}": c.bad.fill_null(False) for i, c in enumerate(checks)}
    name = f"_checked_{next(_names)}"
    table = backend.create_table(name, source.select(**checked.fields, **flags), temp=True)
    findings.temporary.append(name)
    if checks:
        counts = backend.execute(table.aggregate(**{k: table[k].sum() for k in flags}))
        for i, check in enumerate(checks):
            total = int(counts[f"_k{i}"].iloc[0] or 0)
            if not total:
                continue
            first = backend.execute(
                source.filter(check.bad.fill_null(False))
                .order_by(source[ROW])
                .limit(EXAMPLES)
                .select(source[ROW], shown=check.value.cast("string"))
            )
            examples = [
                raw.problem(check.message(shown), lines=[row], column=check.column)
                for row, shown in zip(first[ROW], first["shown"], strict=True)
            ]
            findings.add_examples(examples, total)
    return table.drop(*flags) if flags else table


_names = itertools.count(1)


def drop_temporary(backend: Any, findings: Findings) -> None:
    """Drop the temporary tables checking made (names made here, never from input).

    Raw SQL because Ibis 12's ``drop_table`` renders an empty name with this DuckDB.
    """
    for name in findings.temporary:
        backend.raw_sql(f'DROP TABLE IF EXISTS "{name}"')
    findings.temporary.clear()


def duplicates(
    backend: Any,
    raw: RawTable,
    table: ir.Table,
    keys: tuple[str, ...],
    describe: Callable[[dict[str, Any]], str],
    findings: Findings,
) -> None:
    """Report rows sharing ``keys`` (ignoring rows where a key is invalid).

    One grouped count; only when there are duplicates, one more query lists the first.
    """
    valid = table.filter(*[table[k].notnull() for k in keys])
    counted = valid.group_by(list(keys)).aggregate(n=valid[ROW].count())
    total = int(backend.execute(counted.filter(counted.n > 1).count()))
    if not total:
        return
    groups = valid.group_by(list(keys)).aggregate(
        n=valid[ROW].count(), first=valid[ROW].min(), rows=valid[ROW].collect()
    )
    first = backend.execute(groups.filter(groups.n > 1).order_by("first").limit(EXAMPLES))
    examples = []
    for rec in first.to_dict("records"):
        lines = sorted(int(x) for x in rec["rows"])[:10]
        examples.append(raw.problem(describe(rec), lines=lines))
    findings.add_examples(examples, total)


def read_checked(
    path: Path,
    columns: tuple[Column, ...],
    backend: Any,
    findings: Findings,
    keys: tuple[str, ...],
    describe: Callable[[dict[str, Any]], str],
) -> tuple[RawTable, ir.Table] | None:
    """The steps every input kind shares: read ``path``, type and check each column, and
    report rows repeating ``keys``. None when the file cannot be read at all."""
    raw = read_raw(path, columns, findings)
    if raw is None:
        return None
    table = run_checks(backend, raw, typed(raw, columns), findings)
    duplicates(backend, raw, table, keys, describe, findings)
    return raw, table


def fetch(backend: Any, expr: ir.Table) -> pa.Table:
    return backend.to_pyarrow(expr)
