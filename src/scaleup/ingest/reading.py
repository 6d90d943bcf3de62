"""Reading any contract input file, CSV or Parquet, and the problems of the file itself.

Each input file's columns are declared once, in :mod:`scaleup.tables` (a tuple of
:class:`~scaleup.tables.Column`); that declaration drives reading, the checks of every
value (:mod:`scaleup.ingest.checking`) and the messages. A CSV file is read once into
Arrow (whole-number columns parsed by Arrow when they are clean, otherwise every value
as text), with an explicit ``_row`` column: the CSV line (header = line 1). A Parquet
file's schema is checked here; its values are left where they lie, for DuckDB to scan
with the row (first data row = 1).

A small file whose values are wanted in Python (the cohort's, :mod:`scaleup.ingest.cohort`)
is read into Arrow whole (a Parquet file through :func:`read_parquet_arrow`) and checked
the same way."""

from __future__ import annotations

import csv
import functools
import io
import mmap
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from scaleup.errors import InputError, Problem
from scaleup.geo import AREA_CODE_MEANING, AREA_CODE_PATTERN, GSS_PATTERN
from scaleup.locations import is_url
from scaleup.tables import WHOLE_NUMBER, Column

if TYPE_CHECKING:  # the cohort's reader has no use for Ibis
    import ibis.expr.types as ir

ROW = "_row"
EXAMPLES = 20
INT_PATTERN = f"^{WHOLE_NUMBER}$"
SIC_PATTERN = r"^[0-9]{5}$"
TRUE_WORDS = ("true", "yes", "1", "t", "y")
FALSE_WORDS = ("false", "no", "0", "f", "n")

PATTERNS = {
    "gss": (GSS_PATTERN, "a GSS code (like E06000001)"),
    "area": (AREA_CODE_PATTERN, AREA_CODE_MEANING),
    "sic": (SIC_PATTERN, "a 5-digit SIC 2007 code"),
}

CSV_SUFFIXES = (".csv",)
PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclass
class Findings:
    """Problems found so far, plus how many more were counted but not listed."""

    problems: list[Problem] = field(default_factory=list)
    unreported: int = 0
    temporary: list[tuple[Any, str]] = field(default_factory=list)
    """Temporary views made while checking (engine, name); the caller drops them."""

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
    view: str | None = None
    """Read by a cluster engine (Spark): the temporary view of ``engine.read_in_cluster``,
    whose rows are numbered across ``files`` (see ``locate``)."""
    files: tuple[str, ...] = ()
    width: int = 0
    """CSV read by a cluster engine: the fields of the header."""

    def has(self, name: str) -> bool:
        return name in self.present

    def problem(self, message: str, lines: Iterable[int] = (), column: str | None = None):
        return located(self.label, self.files, message, lines, column, self.parquet)


def locate(label: str, files: tuple[str, ...], line: int) -> tuple[str, int]:
    """The file and row (or line) of a row numbered by a cluster engine (``FILE_BITS``:
    the part file's index, then the row in it); a file read by DuckDB is ``label``."""
    line = int(line)
    if not files:
        return label, line
    from scaleup.engine import FILE_BITS

    return f"{label}/{files[line >> FILE_BITS]}", line & ((1 << FILE_BITS) - 1)


def located(
    label: str,
    files: tuple[str, ...],
    message: str,
    lines: Iterable[int] = (),
    column: str | None = None,
    rows: bool = False,
) -> Problem:
    """A problem at ``lines`` (as numbered by ``locate``): the file of the first, and the
    lines in it; lines in other part files are named in the message."""
    where = [locate(label, files, n) for n in lines]
    file = where[0][0] if where else label
    others = [f"{f} {'row ' if rows else 'line '}{n}" for f, n in where if f != file]
    if others:
        message += f" (also {', '.join(others)})"
    return Problem(
        file=file,
        message=message,
        lines=tuple(n for f, n in where if f == file),
        column=column,
        rows=rows,
    )


def is_parquet_name(path: Path) -> bool:
    return path.suffix.lower() in PARQUET_SUFFIXES


def read_raw(
    path: Path,
    columns: tuple[Column, ...],
    findings: Findings,
    *,
    known_suffix: bool = False,
    no_rows_ok: bool = False,
) -> RawTable | None:
    """Read ``path``; on a file-level problem record it and return None.

    ``known_suffix``: refuse a name ending in neither .csv nor .parquet/.pq (otherwise any
    name but a Parquet one is read as CSV). ``no_rows_ok``: a header without data rows
    is read as a table of no rows, not refused.
    """
    path = Path(path)
    label = path.name
    if path.is_dir():
        findings.add(Problem(file=label, message=f"is a folder, not a file: {path}"))
        return None
    if not path.is_file():
        findings.add(Problem(file=label, message=f"no such file: {path}"))
        return None
    suffix = path.suffix.lower()
    if known_suffix and suffix not in CSV_SUFFIXES + PARQUET_SUFFIXES:
        findings.add(
            Problem(
                file=label,
                message=f"expected a .csv or .parquet file, got {suffix or 'no'} suffix",
            )
        )
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
    return reader(path, label, columns, findings, no_rows_ok)


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
    path: Path, label: str, columns: tuple[Column, ...], findings: Findings, no_rows_ok: bool
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
    if path.stat().st_size == len(first):  # the header alone (Arrow cannot skip it)
        if not no_rows_ok:
            findings.add(Problem(file=label, message="no data rows (only a header)"))
            return None
        empty = {n: pa.array([], pa.string()) for n in wanted}
        return RawTable(
            label, False, tuple(wanted), pa.table({**empty, ROW: pa.array([], pa.int64())})
        )
    uneven: list[pacsv.InvalidRow] = []

    def skip(row: pacsv.InvalidRow) -> str:
        uneven.append(row)
        return "skip"

    def read(fast: bool, rows_apart: bool = False) -> pa.Table:
        # Fast: whole-number columns parsed by Arrow. Any value Arrow refuses (a
        # word, a decimal, a space) sends the file to the careful path, where every
        # value is read as text and each problem gets its own message. Should that
        # fail too, the file is read once more by one thread, setting apart the rows
        # with too few or too many fields (Arrow numbers them only when on one thread).
        types = {n: pa.int64() if fast and n in ints else pa.string() for n in read_names}
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                use_threads=not rows_apart, skip_rows=1, column_names=read_names
            ),
            parse_options=pacsv.ParseOptions(
                ignore_empty_lines=False, invalid_row_handler=skip if rows_apart else None
            ),
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
            if ints & set(wanted) and _has_hex(path):
                raise pa.ArrowInvalid("0x: Arrow would read it as a hexadecimal number")
            table = read(fast=True)
        except pa.ArrowInvalid:
            try:
                table = read(fast=False)
            except pa.ArrowInvalid:
                table = read(fast=False, rows_apart=True)
    except pa.ArrowInvalid as exc:
        message = str(exc)
        if "UTF8" in message:
            message = "not UTF-8 text (save the file as UTF-8)"
        else:
            message = "not a valid CSV file: " + message.replace("CSV parse error: ", "")
        findings.add(Problem(file=label, message=message))
        return None
    lines = np.arange(2, table.num_rows + len(uneven) + 2, dtype=np.int64)
    starts = _record_lines(path)
    if uneven:
        skipped = [r.number for r in uneven if r.number is not None]
        lines = lines[~np.isin(lines, skipped)][: table.num_rows]
        examples = [
            Problem(
                file=label,
                message=f"has {r.actual_columns} fields, the header has {r.expected_columns}",
                lines=(_line_of(r.number, starts),) if r.number is not None else (),
            )
            for r in uneven[:EXAMPLES]
        ]
        findings.add_examples(examples, len(uneven))
    if starts is not None and (not len(lines) or lines.max() <= len(starts)):
        lines = starts[lines - 1]  # quoted line breaks: a record may span several lines
    table = table.append_column(ROW, pa.array(lines))
    # Blank lines (every value empty) are skipped, after numbering, so lines stay right.
    filled = [pc.is_valid(table.column(name)) for name in wanted]
    if filled and table.num_rows:
        table = table.filter(functools.reduce(pc.or_, filled))
    if table.num_rows == 0 and not no_rows_ok:
        if not uneven:
            findings.add(Problem(file=label, message="no data rows (only a header)"))
        return None
    return RawTable(label=label, parquet=False, present=tuple(wanted), table=table)


def _has_hex(path: Path) -> bool:
    """Whether the file holds ``0x`` or ``0X`` anywhere: Arrow's integer parser would read
    ``0x1000`` as 4096, so such a file takes the careful path (plain decimals only)."""
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        return mm.find(b"0x") >= 0 or mm.find(b"0X") >= 0


def _record_lines(path: Path) -> np.ndarray | None:
    """The line on which each CSV record starts (index 0: the header, line 1), when a
    quoted value holds a line break (so records and lines differ); None when none does."""
    with open(path, "rb") as raw, mmap.mmap(raw.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        if mm.find(b'"') < 0:
            return None
    starts = []
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as fh:
        reader = csv.reader(fh)
        line = 1
        for _record in reader:
            starts.append(line)
            line = reader.line_num + 1
    if len(starts) == reader.line_num:
        return None
    starts.append(line)  # one past the end (a trailing record Arrow may count)
    return np.asarray(starts, dtype=np.int64)


def _line_of(record: int, starts: np.ndarray | None) -> int:
    """The line of CSV record ``record`` (header = 1)."""
    if starts is None or record - 1 >= len(starts):
        return record
    return int(starts[record - 1])


def _read_parquet(
    path: Path, label: str, columns: tuple[Column, ...], findings: Findings, no_rows_ok: bool
) -> RawTable | None:
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError) as exc:
        findings.add(_unreadable_parquet(label, exc))
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
        findings.add(_unreadable_parquet(label, exc))
        return None
    if rows == 0 and not no_rows_ok:
        findings.add(Problem(file=label, message="no data rows"))
        return None
    raw = RawTable(
        label=label,
        parquet=True,
        present=tuple(c.name for c in present),
        path=path,
        names={c.name: by_lower[c.name] for c in present},
    )
    if any(pa.types.is_null(schema.field(by_lower[c.name]).type) for c in present):
        # An engine would type such a column NULL; read here, it is text (all missing).
        return read_parquet_arrow(raw, findings, no_rows_ok=no_rows_ok)
    return raw


def read_parquet_arrow(
    raw: RawTable, findings: Findings, *, no_rows_ok: bool = False
) -> RawTable | None:
    """A Parquet file read into Arrow: for when the checking engine cannot scan it, or
    for a reader that takes the values as they are (``no_rows_ok`` as in read_raw)."""
    assert raw.path is not None
    try:
        table = pq.read_table(raw.path, columns=list(raw.names.values()))
    except (pa.ArrowException, OSError) as exc:
        findings.add(_unreadable_parquet(raw.label, exc))
        return None
    table = table.rename_columns(list(raw.names))
    for i, name in enumerate(raw.names):
        typ = table.schema.field(i).type
        if pa.types.is_large_string(typ) or pa.types.is_string_view(typ):
            table = table.set_column(i, name, table.column(i).cast(pa.string()))
        elif pa.types.is_dictionary(typ):
            table = table.set_column(i, name, table.column(i).cast(typ.value_type))
        elif pa.types.is_null(typ):
            table = table.set_column(i, name, table.column(i).cast(pa.string()))
    if table.num_rows == 0 and not no_rows_ok:
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


def _unreadable_parquet(label: str, exc: Exception) -> Problem:
    """A Parquet file Arrow cannot read, with Arrow's reason on one line."""
    reason = " ".join(str(exc).split())
    return Problem(file=label, message=f"not a readable Parquet file: {reason}")


def _is_text(typ: pa.DataType) -> bool:
    if pa.types.is_dictionary(typ):
        typ = typ.value_type
    return pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_string_view(typ)


def _parquet_type_ok(col: Column, typ: pa.DataType) -> str | None:
    """None when ``typ`` suits the column, else a description of what was expected."""
    if pa.types.is_null(typ) and col.nullable:
        return None
    if col.kind in ("text", "gss", "area", "choice"):
        return None if _is_text(typ) else "text"
    if col.kind in ("id", "sic"):  # an integer SIC code gets its leading zeros back
        return None if _is_text(typ) or pa.types.is_integer(typ) else "text or integer"
    if col.kind == "int":
        return None if pa.types.is_integer(typ) else "integer"
    if col.kind == "count":
        ok = pa.types.is_integer(typ) or _is_text(typ)
        return None if ok else "integer (or text holding [c])"
    if col.kind == "flag":
        return None if pa.types.is_boolean(typ) or _is_text(typ) else "boolean"
    if col.kind == "date":
        ok = pa.types.is_date(typ) or pa.types.is_timestamp(typ) or _is_text(typ)
        return None if ok else "date (or text YYYY-MM-DD)"
    if col.kind in ("number", "whole"):  # a double may hold whole numbers (a spreadsheet's)
        ok = pa.types.is_integer(typ) or pa.types.is_floating(typ) or pa.types.is_decimal(typ)
        return None if ok or _is_text(typ) else "number"
    raise AssertionError(col.kind)


def drop_temporary(findings: Findings) -> None:
    """Drop the temporary views checking made, each in its own engine."""
    from scaleup import engine

    for backend, name in findings.temporary:
        engine.drop_view(backend, name)
    findings.temporary.clear()


def read_raw_cluster(
    location: str | Path, columns: tuple[Column, ...], backend: Any, findings: Findings
) -> RawTable | None:
    """``location`` read by a cluster engine (Spark), where it lies: a Parquet or CSV
    file, or a folder of part files, local or a Hadoop path (``s3a://``, ``hdfs://``,
    ``file://``). The file's own problems are found as by ``read_raw``; its values are
    left in the cluster (a temporary view), for ``checking`` to check there."""
    from scaleup import engine

    text = str(location)
    label = Path(text.rstrip("/")).name or text
    if not is_url(text):
        path = Path(text)
        if not path.exists():
            findings.add(Problem(file=label, message=f"no such file: {path}"))
            return None
        if path.is_file() and not _file_ok(path, label, findings):
            return None
        text = str(path.resolve())
    try:
        read = engine.read_in_cluster(backend, text)
    except engine.Unreadable as exc:
        findings.add(Problem(file=label, message=str(exc)))
        return None
    findings.temporary.append((backend, read.view))
    if len(read.files) == 1:
        label = read.files[0]
    if not _header_problems(label, list(read.names), columns, findings):
        return None
    lowered = [n.strip().lower() for n in read.names]
    present = tuple(c.name for c in columns if c.name in lowered)
    if read.parquet:
        wrong = False
        for name in present:
            typ = read.arrow_schema.field(lowered.index(name)).type
            expected = _parquet_type_ok(next(c for c in columns if c.name == name), typ)
            if expected:
                findings.add(
                    Problem(
                        file=label,
                        column=name,
                        message=f"wrong column type: expected {expected}, got {typ}",
                    )
                )
                wrong = True
        if wrong:
            return None
    if read.rows == 0:
        only = "" if read.parquet else " (only a header)"
        findings.add(Problem(file=label, message=f"no data rows{only}"))
        return None
    raw = RawTable(
        label=label,
        parquet=read.parquet,
        present=present,
        view=read.view,
        files=read.files if len(read.files) > 1 else (),
        width=0 if read.parquet else len(read.names),
    )
    if not read.parquet:
        _lines_apart(backend, raw, findings)
    return raw


def _file_ok(path: Path, label: str, findings: Findings) -> bool:
    """A local file's own problems before any engine reads it (as ``read_raw``)."""
    if path.stat().st_size == 0:
        findings.add(Problem(file=label, message="empty file (expected a header row and data)"))
        return False
    with open(path, "rb") as fh:
        head = fh.read(4)
    parquet = is_parquet_name(path)
    if parquet and head != b"PAR1":
        findings.add(Problem(file=label, message="not a Parquet file, though its name says so"))
        return False
    if not parquet and head == b"PAR1":
        findings.add(
            Problem(file=label, message="is a Parquet file, but its name says CSV (rename it)")
        )
        return False
    return True


def _lines_apart(backend: Any, raw: RawTable, findings: Findings) -> None:
    """CSV lines with another number of fields than the header, or not UTF-8: reported
    with their line, and left out of the values checked (as ``read_raw`` does)."""
    from scaleup import engine

    lines = backend.table(raw.view)
    uneven = lines[engine.FIELDS] != raw.width
    bad = uneven | ~lines[engine.UTF8]
    total = int(backend.execute(lines.filter(bad).count()))
    if not total:
        return
    first = backend.to_pyarrow(
        lines.filter(bad)
        .order_by(lines[ROW])
        .limit(EXAMPLES)
        .select(ROW, engine.FIELDS, engine.UTF8)
    ).to_pylist()
    examples = [
        raw.problem(
            "not UTF-8 text (save the file as UTF-8)"
            if not r[engine.UTF8]
            else f"has {r[engine.FIELDS]} fields, the header has {raw.width}",
            lines=[r[ROW]],
        )
        for r in first
    ]
    findings.add_examples(examples, total)


def cluster_source(backend: Any, raw: RawTable) -> ir.Table:
    """The rows of a file read by ``read_raw_cluster`` whose values are checked: a CSV
    file's lines with the header's number of fields and at least one value."""
    from scaleup import engine

    assert raw.view is not None
    table = backend.table(raw.view)
    if raw.parquet:
        return table.select(*raw.present, ROW)
    kept = (table[engine.FIELDS] == raw.width) & table[engine.UTF8]
    filled = functools.reduce(lambda a, b: a | b, [table[n].notnull() for n in raw.present])
    return table.filter(kept & filled).select(*raw.present, ROW)
