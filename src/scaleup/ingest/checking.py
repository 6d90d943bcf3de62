"""Checking the values of an input file read by :mod:`scaleup.ingest.reading`.

Each declared column gets its typed value and its checks as Ibis expressions of the raw
value (:func:`column_rules`). A coded column (a GSS, area or SIC code) is checked once per
*distinct* value: one grouped count over the file, then the rules on those few values. The
other columns are checked by one aggregate over the file that counts each kind of
problem (and finds the least and greatest value of each whole-number column). Only for a
kind that occurs does one more query fetch its first examples (by line). The typed table
is a view of the file, never a copy: where no value needs stripping or nulling, a text
column is the raw column itself. A bounded number of scans
whatever the size, never a Python loop over rows, and line numbers that do not depend on
the engine's row order.

A small file wanted whole in Python (a programme's cohort) is checked by the same rules in
one query instead (:func:`check_small`), its typed rows returned with a flag on each bad one.
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from scaleup import engine
from scaleup.errors import Problem
from scaleup.ingest.duplicates import duplicates
from scaleup.ingest.reading import (
    EXAMPLES,
    FALSE_WORDS,
    INT_PATTERN,
    PATTERNS,
    ROW,
    TRUE_WORDS,
    Column,
    Findings,
    RawTable,
    cluster_source,
    read_parquet_arrow,
    read_raw,
    read_raw_cluster,
)
from scaleup.locations import is_url
from scaleup.tables import DECIMAL_NUMBER, ISO_DATE, SUPPRESSED, WHOLE_NUMBER

INT64_MIN = -(2**63)

TEXT_KINDS = ("text", "id", *PATTERNS)
"""Kinds whose typed value is the raw text, stripped (null when empty or invalid)."""


@dataclass
class Check:
    """One kind of problem: a boolean expression of the raw value and how to word it."""

    column: str
    bad: ir.BooleanValue
    value: ir.Value
    message: Callable[[Any], str]


@dataclass
class Rules:
    """One column's typed value(s) and checks, as expressions of its raw value."""

    fields: dict[str, ir.Value]
    checks: list[Check]
    clean: dict[str, ir.Value] | None = None
    """The same typed values, simpler, for a file where none of ``checks`` fails."""


def column_rules(
    col: Column,
    v: ir.Value,
    stripped: ir.StringValue | None = None,
    empty: str = "missing value",
) -> Rules:
    """The typed value of ``v`` and the checks on it.

    Ints (and ``whole`` numbers) as int64, ``number`` as float64, ``date`` as a date,
    ``choice`` in lower case, text stripped. A ``count`` column also gets ``<name>_c``
    (true where the value is ``[c]``); a value that fails a check is null in the typed
    table. ``stripped``: the text without surrounding white space, where the caller has it
    as a column of its own; ``empty``: how a missing required value is worded.
    """
    out: dict[str, ir.Value] = {}
    checks: list[Check] = []
    clean = None
    typ = v.type()
    if typ.is_floating():  # a Parquet NaN is a missing value, as an empty CSV cell
        v = ibis.ifelse(v.isnan(), ibis.null(typ), v)
    elif typ.is_decimal():
        v = v.cast("float64")
    typ = v.type()
    if col.kind == "sic" and typ.is_integer():  # an integer SIC column keeps its zeros
        v = ibis.ifelse(v.between(0, 99_999), v.cast("string").lpad(5, "0"), v.cast("string"))
        typ = v.type()
    if typ.is_string():
        text = (stripped if stripped is not None else _stripped(v)).nullif("")
        missing, shown = text.isnull(), text
    else:
        text = None
        missing = v.isnull()
        shown = _number_text(v) if typ.is_floating() else v
    if not col.nullable:
        checks.append(Check(col.name, missing, shown, _fixed(empty)))
    if col.kind in ("text", "id"):
        # An integer id (Parquet) stays an integer: compared and joined as such.
        out[col.name] = text if text is not None else v
    elif col.kind in PATTERNS:
        assert text is not None  # a code column is text (Parquet types are checked first)
        pattern, word = PATTERNS[col.kind]
        bad = ~missing & ~text.re_search(pattern)
        checks.append(Check(col.name, bad, text, _says(f"is not {word}")))
        out[col.name] = ibis.ifelse(bad, ibis.null("string"), text)
        clean = {col.name: text}
    elif col.kind in ("int", "count", "whole", "number"):
        out[col.name], value = _number_rules(col, v, text, shown, checks)
        clean = {col.name: value}
        if col.kind == "count":
            suppressed = (text == SUPPRESSED).fill_null(False) if text is not None else None
            out[f"{col.name}_c"] = suppressed if suppressed is not None else ibis.literal(False)
            clean[f"{col.name}_c"] = out[f"{col.name}_c"]
    elif col.kind == "flag":
        if typ.is_boolean():
            out[col.name] = v
        else:
            assert text is not None
            low = text.lower()
            truth = low.isin(TRUE_WORDS)
            bad = ~missing & ~truth & ~low.isin(FALSE_WORDS)
            checks.append(Check(col.name, bad, text, _says("is not true or false")))
            out[col.name] = ibis.ifelse(missing | bad, ibis.null("boolean"), truth)
    elif col.kind == "date":
        if typ.is_date():
            out[col.name] = v
        elif typ.is_timestamp():
            out[col.name] = v.date()
        else:
            assert text is not None
            day = text.left(10).try_cast("date")
            ok = text.re_search(DATE_PATTERN) & day.notnull()
            bad = ~missing & ~ok.fill_null(False)
            checks.append(Check(col.name, bad, text, _says("is not a date (expected YYYY-MM-DD)")))
            out[col.name] = ibis.ifelse(bad, ibis.null("date"), day)
            clean = {col.name: day}
    elif col.kind == "choice":
        assert text is not None
        low = text.lower()
        bad = ~missing & ~low.isin(col.choices)
        expected = f"expected one of {list(col.choices)}, got"
        checks.append(Check(col.name, bad, text, _after(expected)))
        out[col.name] = ibis.ifelse(bad, ibis.null("string"), low)
        clean = {col.name: low}
    else:
        raise AssertionError(col.kind)
    return Rules(fields=out, checks=checks, clean=clean)


DATE_PATTERN = (
    f"^{ISO_DATE}"
    r"([T ][0-9]{2}(:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?$"
)
"""A date as ISO 8601 writes it, perhaps with a time of day (which is dropped)."""

NUMBER_PATTERN = f"^{DECIMAL_NUMBER}$"
"""A finite number in plain decimal (no exponent, ``nan``, ``inf`` nor ``1_000``)."""

WHOLE_PATTERN = f"^{WHOLE_NUMBER}([.]0*)?$"
"""A ``whole`` number as text: ``12``, or ``12.0`` as a spreadsheet writes it."""


def _number_rules(
    col: Column, v: ir.Value, text: ir.StringValue | None, shown: ir.Value, checks: list[Check]
) -> tuple[ir.Value, ir.Value]:
    """The checks of a numeric kind (``int``, ``count``, ``whole``, ``number``) added to
    ``checks``; the typed value (null where a check fails), and the same without that
    nulling (exact where no check fails)."""
    name = col.name
    target = "float64" if col.kind == "number" else "int64"
    bad: ir.BooleanValue = ibis.literal(False)
    if text is not None:
        number: ir.StringValue = text
        if col.kind == "count":
            number = ibis.ifelse(text == SUPPRESSED, ibis.null("string"), text)
        if col.kind == "number":
            value = number.try_cast("float64")
            finite = (value.abs() < float("inf")).fill_null(False)
            bad = number.notnull() & ~(number.re_search(NUMBER_PATTERN) & finite)
            checks.append(Check(name, bad, text, _says("is not a number")))
        else:
            pattern = WHOLE_PATTERN if col.kind == "whole" else INT_PATTERN
            bad = number.notnull() & ~number.re_search(pattern)
            checks.append(Check(name, bad, text, _says("is not a whole number")))
            if col.kind == "whole":
                number = number.re_replace(r"[.]0*$", "")
            value = number.try_cast("int64")
            too_big = number.notnull() & ~bad & value.isnull()
            checks.append(Check(name, too_big, text, _says("is too large")))
            bad = bad | too_big
    elif v.type().is_floating():
        finite = (v.abs() < float("inf")).fill_null(True)
        if col.kind == "number":
            checks.append(Check(name, ~finite, shown, _says("is not a number")))
            value = v.cast("float64")
            bad = ~finite
        else:  # a whole number in a double column (a spreadsheet's)
            whole = finite & ((v == v.floor()) & (v.abs() < 2.0**63)).fill_null(True)
            checks.append(Check(name, ~whole, shown, _says("is not a whole number")))
            value = v.try_cast("int64")
            bad = ~whole
    else:
        value = v.cast(target)
    least = INT64_MIN if col.minimum is None else col.minimum  # None: no least value
    low = (value < least).fill_null(False)
    word = "is negative" if least == 0 else f"is below {least}"
    if least == 1:
        word = "is not positive"
    if col.maximum is not None:
        low = low | (value > col.maximum).fill_null(False)
        word = f"is outside {least}-{col.maximum}"
    if col.minimum is not None or col.maximum is not None or target == "int64":
        checks.append(Check(name, low, shown, _says(word)))
    return ibis.ifelse(bad | low, ibis.null(target), value), value


def _number_text(v: ir.FloatingValue) -> ir.StringValue:
    """A double as the user would write it: ``-3`` for -3.0, else the engine's text."""
    whole = (v == v.floor()) & (v.abs() < 2.0**53)
    return ibis.ifelse(whole.fill_null(False), v.try_cast("int64").cast("string"), v.cast("string"))


def _stripped(v: ir.StringValue) -> ir.StringValue:
    """``v`` without surrounding white space, trimming only the few values that may have
    some: those whose first or last character is white space or another control
    character (code 32 or below). That test costs a fraction of a trim, or of a regular
    expression, of every value; a value it lets through unchanged needs no trim."""
    edge = (v.ascii_str() <= 32) | (v.right(1).ascii_str() <= 32)
    return ibis.ifelse(edge, v.strip(), v)


def _says(word: str) -> Callable[[Any], str]:
    return lambda x: f"'{x}' {word}"


def _after(words: str) -> Callable[[Any], str]:
    return lambda x: f"{words} '{x}'"


def _fixed(message: str) -> Callable[[Any], str]:
    return lambda _x: message


@dataclass
class Plan:
    """How one column is checked: its raw value and its rules on each row."""

    column: Column
    raw: ir.Value
    rows: Rules

    @property
    def coded(self) -> bool:
        """A code column: checked once per distinct value."""
        return self.column.kind in PATTERNS and self.raw.type().is_string()

    @property
    def plain(self) -> bool:
        """Whether the typed value may be the raw text itself (when no value differs)."""
        return self.column.kind in TEXT_KINDS and self.raw.type().is_string()

    @property
    def typed(self) -> ir.Value:
        return self.rows.fields[self.column.name]


@dataclass
class Tally:
    """What one scan of a file found, per plan: the rows failing each check, whether the
    typed text differs from the raw text anywhere; per column, the least and greatest
    valid whole number and (code columns) the first row of each valid code."""

    failing: list[list[int]]
    differs: list[bool]
    ranges: dict[str, tuple[int | None, int | None]]
    first_rows: dict[str, dict[Any, int]]


def _tally(backend: Any, source: ir.Table, plans: list[Plan], in_place: bool) -> Tally:
    """One aggregate of the checks of the columns other than codes, one of the least and
    greatest whole numbers, and one grouped count of the code columns' raw values (a few
    thousand groups) on whose distinct values the codes' rules then run.

    Each check is a sum, not a filtered count: DuckDB then answers from a Parquet file's
    statistics whatever they prove (no nulls, no value below 0), and so do the least and
    greatest values of a column without problems. So that a file read ``in_place`` is
    still read whole here (where a damaged page is reported as such), the aggregate also
    folds every value of the other columns into one number.
    """
    counts: dict[str, ir.Value] = {"_n": source.count()}  # (no row numbers: none needed)
    for i, plan in enumerate(plans):
        if plan.coded:
            continue
        for j, check in enumerate(plan.rows.checks):
            counts[f"_k{i}_{j}"] = _count(check.bad.fill_null(False))
        if plan.plain:
            counts[f"_d{i}"] = _count(~plan.typed.identical_to(plan.raw))
        if in_place and plan.raw.type().is_integer():
            counts[f"_r{i}"] = plan.raw.bit_xor()
        elif in_place and plan.raw.type().is_string() and not plan.plain:
            # (A plain text column is read whole by its own test above.)
            counts[f"_r{i}"] = plan.raw.length().cast("int64").sum()
    # On a cluster engine each scan is a job with a fixed cost: the least and greatest
    # valid values (bad ones nulled) come with the counts, in the same scan.
    cluster = engine.reads_in_cluster(backend)
    if cluster:
        for i, plan in enumerate(plans):
            if not plan.coded and plan.typed.type().is_integer():
                counts[f"_lo{i}"], counts[f"_hi{i}"] = plan.typed.min(), plan.typed.max()
    row = backend.to_pyarrow(source.aggregate(**counts)).to_pylist()[0]
    found = {k: int(v or 0) for k, v in row.items() if not k.startswith(("_lo", "_hi"))}
    tally = Tally([[] for _ in plans], [True] * len(plans), {}, {})
    bounds: dict[str, ir.Value] = {}
    for i, plan in enumerate(plans):
        if plan.coded:
            continue
        tally.failing[i] = [found[f"_k{i}_{j}"] for j in range(len(plan.rows.checks))]
        tally.differs[i] = plan.plain and bool(found.get(f"_d{i}"))
        if plan.typed.type().is_integer():
            value = _typed_values(plan, tally.failing[i], True)[plan.column.name]
            bounds[f"_lo{i}"], bounds[f"_hi{i}"] = value.min(), value.max()
    if bounds:
        got = row if cluster else backend.to_pyarrow(source.aggregate(**bounds)).to_pylist()[0]
        for i, plan in enumerate(plans):
            if f"_lo{i}" in got:
                tally.ranges[plan.column.name] = (got[f"_lo{i}"], got[f"_hi{i}"])
    codes = {f"_v{i}": p.raw for i, p in enumerate(plans) if p.coded}
    if codes:
        counted = source.group_by(**codes).aggregate(_n=source.count(), _first=source[ROW].min())
        if cluster:  # what a cluster sends to the driver stays small, whatever the file
            counted = counted.limit(MAX_CODE_GROUPS + 1)
        found_codes = backend.to_pyarrow(counted)
        if found_codes.num_rows > MAX_CODE_GROUPS:
            raise TooManyCodes([p.column.name for p in plans if p.coded])
        # The distinct codes are few: a cluster's are checked here, in a local DuckDB.
        local = engine.connect() if cluster else backend
        try:
            for i, plan in enumerate(plans):
                if plan.coded:
                    _tally_codes(local, found_codes, i, plan, tally)
        finally:
            if local is not backend:
                local.disconnect()
    return tally


MAX_CODE_GROUPS = 1_000_000
"""On a cluster engine, at most this many distinct combinations of a file's code values
(a UK panel has some 400 LADs x 700 SIC codes) are fetched to check them in the driver."""


class TooManyCodes(Exception):
    """A file with more distinct code values than a real one has (a wrong column)."""

    def __init__(self, columns: list[str]):
        super().__init__(", ".join(columns))
        self.columns = columns


def _count(flag: ir.BooleanValue) -> ir.IntegerValue:
    return flag.cast("int64").sum()


def _typed_values(plan: Plan, failing: list[int], differs: bool) -> dict[str, ir.Value]:
    """A column's typed value(s) in their simplest form exact for this file: the raw text
    where no value differs from it, values without the nulling of bad ones where the
    column has none."""
    if plan.plain and not differs:
        return {plan.column.name: plan.raw}
    if plan.rows.clean is not None and not any(failing):
        return plan.rows.clean
    return plan.rows.fields


def _tally_codes(backend: Any, found: pa.Table, i: int, plan: Plan, tally: Tally) -> None:
    """A code column's rules on its distinct values (``_n`` rows hold each): one small
    query, summed here."""
    groups = ibis.memtable(found.select([f"_v{i}", "_n", "_first"]))
    values = groups.group_by(_v=groups[f"_v{i}"]).aggregate(
        _n=groups._n.sum(), _first=groups._first.min()
    )
    rules = column_rules(plan.column, values._v)
    typed = rules.fields[plan.column.name]
    flags = {f"_k{j}": c.bad.fill_null(False) for j, c in enumerate(rules.checks)}
    got = backend.to_pyarrow(
        values.select("_n", "_first", _t=typed, _d=~typed.identical_to(values._v), **flags)
    ).to_pylist()
    tally.failing[i] = [sum(g["_n"] for g in got if g[k]) for k in flags]
    tally.differs[i] = any(g["_d"] for g in got)
    firsts: dict[Any, int] = {}
    for g in got:
        if g["_t"] is not None:
            firsts[g["_t"]] = min(g["_first"], firsts.get(g["_t"], g["_first"]))
    tally.first_rows[plan.column.name] = firsts


def _report(
    backend: Any,
    raw: RawTable,
    source: ir.Table,
    plans: list[Plan],
    tally: Tally,
    findings: Findings,
) -> ir.Table:
    """Add the first examples of each kind of problem found; return the typed table."""
    fields: dict[str, ir.Value] = {ROW: source[ROW]}
    for plan, failing, differs in zip(plans, tally.failing, tally.differs, strict=True):
        for check, total in zip(plan.rows.checks, failing, strict=True):
            if total:
                _add_examples(backend, raw, source, check, total, findings)
        fields.update(_typed_values(plan, failing, differs))
    return source.select(**fields)


def _add_examples(
    backend: Any, raw: RawTable, source: ir.Table, check: Check, total: int, findings: Findings
) -> None:
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


_views = itertools.count(1)


def _source(backend: Any, raw: RawTable, findings: Findings) -> ir.Table:
    if raw.table is not None:
        return ibis.memtable(raw.table)
    if raw.view is not None:
        return cluster_source(backend, raw)
    assert raw.path is not None
    view = f"_parquet_{next(_views)}"
    findings.temporary.append((backend, view))
    return engine.parquet_view(backend, raw.path, raw.names, ROW, view)


def _checked(
    backend: Any, raw: RawTable, columns: tuple[Column, ...], findings: Findings
) -> tuple[ir.Table, list[Plan], Tally]:
    source = _source(backend, raw, findings)
    # The stripped text of each column checked row by row is a column of its own, so that
    # the engine strips (and looks for white space) once a row, not once a check.
    present = [col for col in columns if raw.has(col.name)]
    strip = {
        col.name: f"_s_{col.name}"
        for col in present
        if col.kind not in PATTERNS and source[col.name].type().is_string()
    }
    source = source.mutate(**{name: _stripped(source[col]) for col, name in strip.items()})
    plans = [
        Plan(
            col,
            source[col.name],
            column_rules(
                col,
                source[col.name],
                source[strip[col.name]] if col.name in strip else None,
            ),
        )
        for col in present
    ]
    in_place = raw.path is not None and raw.table is None  # a Parquet file DuckDB scans
    return source, plans, _tally(backend, source, plans, in_place=in_place)


@dataclass
class CheckedFile:
    """A file read and checked: its typed table (a view in the checking backend) and
    what the checking scan learnt on the way."""

    raw: RawTable
    table: ir.Table
    ranges: dict[str, tuple[int | None, int | None]]
    """Least and greatest valid value of each whole-number column (None: no valid one)."""
    first_rows: dict[str, dict[Any, int]]
    """For each code column (GSS, area, SIC): each valid code's first line (or row)."""


def read_checked(
    path: Path | str,
    columns: tuple[Column, ...],
    backend: Any,
    findings: Findings,
    keys: tuple[str, ...],
    describe: Callable[[dict[str, Any]], str],
) -> CheckedFile | None:
    """The steps every input kind shares: read ``path``, type and check each column, and
    report rows repeating ``keys``. None when the file cannot be read at all.

    The typed table is a view of the file in ``backend`` (a DuckDB): each query on it
    scans the file (Parquet) or the values read (CSV) again.
    """
    if engine.reads_in_cluster(backend):
        raw = read_raw_cluster(path, columns, backend, findings)
    elif is_url(path):
        label = str(path).rstrip("/").rsplit("/", 1)[-1]
        findings.add(
            Problem(
                label,
                f"{path} is a Hadoop path: read it with the Spark engine "
                '(--engine spark, or [engine] backend = "spark" in scaleup.toml)',
            )
        )
        return None
    else:
        raw = read_raw(Path(path), columns, findings)
    if raw is None:
        return None
    try:
        source, plans, tally = _checked(backend, raw, columns, findings)
    except TooManyCodes as exc:
        findings.add(
            raw.problem(
                f"more than {MAX_CODE_GROUPS:,} distinct values of {', '.join(exc.columns)}: "
                "not codes of a real panel (is a column misplaced?)"
            )
        )
        return None
    except engine.spark_read_errors(backend) as exc:
        if raw.view is not None:  # a part file Spark cannot read (a damaged page, ...)
            findings.add(raw.problem(f"cannot be read: {engine.reason(exc)}"))
            return None
        if raw.table is not None:
            raise
        # A Parquet file DuckDB cannot scan: read it as Arrow (which words the problem).
        raw = read_parquet_arrow(raw, findings)
        if raw is None:
            return None
        source, plans, tally = _checked(backend, raw, columns, findings)
    table = _report(backend, raw, source, plans, tally, findings)
    duplicates(backend, raw, table, keys, describe, findings, tally.ranges)
    return CheckedFile(raw, table, tally.ranges, tally.first_rows)


# --- a small file, checked in one query ----------------------------------------------------

BAD = "_bad"
"""The column of :func:`check_small`'s table: true on the rows with a bad value."""

_SMALL = "_small_input"
_STRIPPED = "_small_stripped"


def check_small(
    raw: RawTable, columns: tuple[Column, ...], findings: Findings, empty: str = "missing value"
) -> pa.Table:
    """The values of a small file read into Arrow (a cohort's), typed and checked by the
    same rules as every input, in one query: the typed columns, ``_row`` and ``_bad``, true
    on each row with a bad value (the caller sets such rows aside: their typed values are
    not to be used). The first examples of each kind of problem go to ``findings``.
    ``empty``: how a missing required value is worded. The query depends only on the
    columns and their types, so it is made once for each."""
    assert raw.table is not None
    table = raw.table.select([*raw.present, ROW])
    schema = tuple((f.name, str(ibis.dtype(f.type))) for f in table.schema)
    query = _small_query(columns, schema, empty)
    with _small_lock:
        global _small_db
        if _small_db is None:
            _small_db = duckdb.connect()
        con = _small_db.cursor()
    try:
        con.register(_SMALL, table)
        got = con.sql(query.sql).to_arrow_table()
    finally:
        con.close()
    rows = got.column(ROW).to_pylist()
    bad = pa.array([False] * got.num_rows, pa.bool_())
    for j, (column, message, shown) in enumerate(query.checks):
        flags = got.column(f"_k{j}")
        bad = pc.or_(bad, flags)
        failing = [i for i, flag in enumerate(flags.to_pylist()) if flag]
        values = got.column(shown)
        examples = [
            raw.problem(message(values[i].as_py()), lines=[rows[i]], column=column)
            for i in failing[:EXAMPLES]
        ]
        findings.add_examples(examples, len(failing))
    return got.select([ROW, *query.typed]).append_column(BAD, bad)


_small_db: Any = None
_small_lock = threading.Lock()


@dataclass(frozen=True)
class _SmallQuery:
    sql: str
    typed: tuple[str, ...]
    """The typed columns."""
    checks: tuple[tuple[str, Callable[[Any], str], str], ...]
    """Each check's column, wording and the column of the value it shows (``_k<j>``: the
    row fails check j)."""


@functools.lru_cache(maxsize=64)
def _small_query(
    columns: tuple[Column, ...], schema: tuple[tuple[str, str], ...], empty: str
) -> _SmallQuery:
    """The SQL of :func:`check_small` for a file of ``schema`` (kept short: the engine
    reads it each time)."""
    # Two steps, so that the engine strips each value once (not once a use): the text of
    # each text column stripped and nulled where empty, then the rules on that.
    given = ibis.table(ibis.schema(dict(schema)), name=_SMALL)
    text = [n for n in given.columns if n != ROW and given[n].type().is_string()]
    first = given.mutate(**{n: _stripped(given[n]).nullif("") for n in text})
    source = ibis.table(first.schema(), name=_STRIPPED)
    fields: dict[str, ir.Value] = {ROW: source[ROW]}
    typed: list[str] = []
    shown: dict[Any, str] = {}
    checks: list[tuple[str, Callable[[Any], str], str]] = []
    for col in columns:
        if col.name not in source.columns:
            continue
        v = source[col.name]
        rules = column_rules(col, v, v if col.name in text else None, empty)
        # A bad row's values are not used: no need to null them.
        for name, value in {**rules.fields, **(rules.clean or {})}.items():
            fields[name] = value
            if name not in typed:
                typed.append(name)
        for check in rules.checks:
            j = len(checks)
            fields[f"_k{j}"] = check.bad.fill_null(False)
            shown_as = check.value.cast("string")
            key = shown_as.op()
            if key not in shown:
                shown[key] = f"_s{len(shown)}"
                fields[shown[key]] = shown_as
            checks.append((check.column, check.message, shown[key]))
    sql = f"WITH {_STRIPPED} AS ({ibis.to_sql(first, dialect='duckdb', pretty=False)}) "
    sql += str(ibis.to_sql(source.select(**fields), dialect="duckdb", pretty=False))
    return _SmallQuery(sql, tuple(typed), tuple(checks))
