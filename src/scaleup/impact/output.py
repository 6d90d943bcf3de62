"""kpis.csv and sectors.csv (their columns declared in :mod:`scaleup.tables`): how values
are written.

Columns of contracts.md first, then the extensions: ``eligible`` (companies supported,
the population every KPI is about) and ``synthetic`` (true for a made-up demo cohort).
"""

from __future__ import annotations

import csv
from dataclasses import astuple
from pathlib import Path

from scaleup import tables
from scaleup.atomic import staged_dir
from scaleup.impact.kpis import ImpactResult, KpiRow, SectorRow

KPIS_FILE = "kpis.csv"
SECTORS_FILE = "sectors.csv"
KPI_COLUMNS = tables.KPIS
SECTOR_COLUMNS = tables.SECTORS
CONTRACT_KPI_COLUMNS = tables.KPIS_CONTRACT
"""programme, kpi, value, numerator, denominator, ci_low, ci_high, note (contracts.md)."""


def cell(value: object) -> str:
    """A value as written: empty for not available, true/false, full-precision numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _write(path: Path, columns: tuple[str, ...], rows: list[KpiRow] | list[SectorRow]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(cell(v) for v in astuple(row))


def write_impact(result: ImpactResult, out: Path) -> list[Path]:
    """Write kpis.csv and sectors.csv into ``out`` together (nothing is written on failure)."""
    out = Path(out)
    with staged_dir(out) as stage:
        _write(stage / KPIS_FILE, KPI_COLUMNS, list(result.kpis))
        _write(stage / SECTORS_FILE, SECTOR_COLUMNS, list(result.sectors))
    return [out / KPIS_FILE, out / SECTORS_FILE]
