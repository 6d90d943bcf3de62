"""Rows of an input file that repeat its key (an enterprise in a year, a LAD in a year).

Counting repeated keys among millions of distinct ones is the costliest check: a grouped
count with one group per row. When every key column is an integer (a Parquet panel's
enterprise id and year) the keys are packed into one 64-bit number per row (their least
and greatest values are known from the checking scan) and sorted with numpy, a fraction
of that cost (less when the file is in key order); otherwise the engine counts the
groups. Either way, only when there are repeats does one more query list the first.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np

from scaleup.ingest.reading import EXAMPLES, ROW, Findings, RawTable

INT64_MAX = 2**63 - 1
FEW_RUNS = 32


def duplicates(
    backend: Any,
    raw: RawTable,
    table: ir.Table,
    keys: tuple[str, ...],
    describe: Callable[[dict[str, Any]], str],
    findings: Findings,
    ranges: dict[str, tuple[Any, Any]],
) -> None:
    """Report rows sharing ``keys`` (ignoring rows where a key is invalid); ``ranges``:
    the least and greatest valid value of integer columns."""
    valid = table.filter(*[table[k].notnull() for k in keys])
    total = None
    if all(table[k].type().is_integer() for k in keys):
        total = _repeated_integer_keys(backend, valid, keys, ranges)
    if total is None:
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


def _repeated_integer_keys(
    backend: Any, valid: ir.Table, keys: tuple[str, ...], ranges: dict[str, tuple[Any, Any]]
) -> int | None:
    """How many distinct keys occur more than once, for integer keys whose ``ranges`` are
    narrow enough to pack into one int64 (else None)."""
    bounds = [ranges.get(k, (None, None)) for k in keys]
    if any(low is None or high is None for low, high in bounds):
        return 0  # a key column with no valid value: no row has a whole key
    if any(low < -INT64_MAX or high > INT64_MAX for low, high in bounds):
        return None
    spans = [high - low + 1 for low, high in bounds]
    if math.prod(spans) > INT64_MAX:
        return None
    packed = ibis.literal(0, type="int64")
    for key, (low, _), span in zip(keys, bounds, spans, strict=True):
        packed = packed * span + (valid[key].cast("int64") - ibis.literal(low, type="int64"))
    values = backend.to_pyarrow(valid.select(_k=packed)).column("_k").to_numpy()
    if len(values) < 2:
        return 0
    runs = 1 + int(np.count_nonzero(values[1:] <= values[:-1]))
    if runs == 1:
        return 0  # strictly increasing: no key twice, nothing to sort
    # A file in key order comes back in a few increasing runs (one per reading thread),
    # which a merge sort (numpy's "stable") joins in little more than linear time.
    values = np.sort(values, kind="stable" if runs <= FEW_RUNS else "quicksort")
    same = values[1:] == values[:-1]
    # A repeated key is a run of equal neighbours: count the runs' starts.
    return int(same[0]) + int(np.count_nonzero(same[1:] & ~same[:-1]))
