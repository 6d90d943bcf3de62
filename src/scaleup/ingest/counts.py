"""Aggregate counts: scaleups per LAD and year, for users who receive tables, not firm data.

``turnover`` and ``both`` are optional: absent or empty throughout, the measure is not
available (as in the ONS high-growth enterprise tables). ``controlled`` true means the
supplier already rounded and suppressed the counts: ``[c]`` is then allowed and values
pass through unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from scaleup.ingest.checking import read_checked
from scaleup.ingest.reading import (
    EXAMPLES,
    ROW,
    Findings,
    RawTable,
)
from scaleup.tables import ANY_PARTS, SUPPRESSED
from scaleup.tables import COUNTS as COLUMNS


@dataclass
class Counts:
    """Counts per (lad_code, year): ``<measure>`` (Int64, null = not available or [c])
    and ``<measure>_c`` (true = suppressed by the supplier)."""

    label: str
    table: pd.DataFrame
    measures: tuple[str, ...]
    controlled: bool
    lad_first_row: dict[str, int]
    parquet: bool


def read_counts(path: Path, backend: Any, findings: Findings) -> Counts | None:
    read = read_checked(
        path,
        COLUMNS,
        backend,
        findings,
        ("lad_code", "year"),
        lambda r: f"duplicate counts for {r['lad_code']} in {r['year']}",
    )
    if read is None:
        return None
    raw, table = read.raw, read.table
    frame = backend.execute(table.order_by(ROW))
    controlled = False
    if "controlled" in frame:
        flags = set(frame["controlled"].dropna().astype(bool))
        if len(flags) > 1:
            findings.add(
                raw.problem(
                    "mixes true and false: a file is controlled by its supplier or not",
                    column="controlled",
                )
            )
        controlled = flags == {True}
    measures = ["employment"]
    for m in ANY_PARTS:
        if m not in frame:
            frame[m] = pd.array([None] * len(frame), dtype="Int64")
            frame[f"{m}_c"] = False
            continue
        frame[m] = frame[m].astype("Int64")
        frame[f"{m}_c"] = frame[f"{m}_c"].fillna(False).astype(bool)
        given = frame[m].notna() | frame[f"{m}_c"]
        if m != "employment" and given.any():
            measures.append(m)
            _rows_problem(
                raw,
                frame.loc[~given, ROW],
                f"missing value (other rows give {m}; leave the column empty "
                "throughout when it is not available)",
                m,
                findings,
            )
        if not controlled:
            _rows_problem(
                raw,
                frame.loc[frame[f"{m}_c"], ROW],
                f"'{SUPPRESSED}' is only allowed when the file is controlled "
                "(a 'controlled' column saying true)",
                m,
                findings,
            )
    _both_within(raw, frame, findings)
    firsts = frame.dropna(subset=["lad_code"]).groupby("lad_code")[ROW].min()
    return Counts(
        label=raw.label,
        table=frame.drop(columns=[ROW, "controlled"], errors="ignore"),
        measures=tuple(measures),
        controlled=controlled,
        lad_first_row={k: int(v) for k, v in firsts.items()},
        parquet=raw.parquet,
    )


def _both_within(raw: RawTable, frame: pd.DataFrame, findings: Findings) -> None:
    """``both`` counts the enterprises that are scaleups on employment *and* turnover: it
    can be above neither count (else ``any`` = employment + turnover - both is wrong)."""
    for m in ("employment", "turnover"):
        over = frame["both"].notna() & frame[m].notna()
        over &= frame["both"].fillna(0) > frame[m].fillna(0)
        rows = frame.loc[over]
        examples = [
            raw.problem(f"'{b}' is more than {m} ({v}) on the same row", lines=[r], column="both")
            for b, v, r in rows[["both", m, ROW]].head(EXAMPLES).itertuples(index=False)
        ]
        findings.add_examples(examples, len(rows))


def _rows_problem(
    raw: RawTable, rows: pd.Series, message: str, column: str, findings: Findings
) -> None:
    examples = [raw.problem(message, lines=[r], column=column) for r in rows.head(EXAMPLES)]
    findings.add_examples(examples, len(rows))
