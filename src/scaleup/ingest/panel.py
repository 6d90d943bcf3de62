"""The firm panel: one row per enterprise per year (CSV or Parquet, any order)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis.expr.types as ir

from scaleup.ingest.checking import read_checked
from scaleup.ingest.reading import Findings
from scaleup.tables import PANEL as COLUMNS


@dataclass
class Panel:
    """A checked panel: typed columns of COLUMNS, plus what later checks need."""

    label: str
    table: ir.Table | None
    """Typed panel in the checking backend (None when the file has problems)."""
    first_year: int
    last_year: int
    max_employees: int
    max_turnover: int
    lad_first_row: dict[str, int]
    parquet: bool
    files: tuple[str, ...] = ()
    """Part files of a folder read by a cluster engine (rows numbered as reading.locate)."""


def read_panel(path: Path | str, backend: Any, findings: Findings) -> Panel | None:
    """Read and check a panel; problems go to ``findings`` (None when unusable).

    On DuckDB ``path`` is a local file; on a cluster engine (Spark) it may also be a
    folder of part files or a Hadoop path, read and checked in the cluster."""
    read = read_checked(
        path,
        COLUMNS,
        backend,
        findings,
        ("enterprise_id", "year"),
        lambda r: f"duplicate row for enterprise '{r['enterprise_id']}' in {r['year']}",
    )
    if read is None:
        return None
    # With problems already found, the typed table is not needed: only what later
    # checks (LADs against the geography, years against the population) use.
    required = [c.name for c in COLUMNS if c.required]
    table = None if findings else read.table.select(*required)
    first_year, last_year = read.ranges.get("year", (None, None))
    return Panel(
        label=read.raw.label,
        table=table,
        first_year=_int(first_year),
        last_year=_int(last_year),
        max_employees=_int(read.ranges.get("employees", (None, None))[1]),
        max_turnover=_int(read.ranges.get("turnover", (None, None))[1]),
        lad_first_row=read.first_rows.get("lad_code", {}),
        parquet=read.raw.parquet,
        files=read.raw.files,
    )


def _int(value: int | None) -> int:
    return 0 if value is None else int(value)
