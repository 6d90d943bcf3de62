"""Programme impact: a support programme's cohort -> KPIs with bases and Wilson intervals.

The stable API (methodology section 6, contracts.md "Programme-impact inputs"):

- :func:`compute_kpis` (files in) and :func:`kpis_for_cohort` (a read cohort in)
  return an :class:`ImpactResult`: ``kpis`` (:class:`KpiRow`), ``sectors``
  (:class:`SectorRow`), ``programmes``, ``kpis_for(programme)``, ``sectors_for(programme)``.
- :func:`impact_from_workspace` reads a workspace's ``[impact]`` table.
- :func:`write_impact` writes kpis.csv and sectors.csv.
"""

from __future__ import annotations

from pathlib import Path

from scaleup.impact.kpis import (
    KPI_NAMES,
    KPI_UNITS,
    MIN_BASE,
    ImpactResult,
    KpiRow,
    SectorRow,
    kpis_for_cohort,
    wilson_interval,
)
from scaleup.impact.output import KPI_COLUMNS, SECTOR_COLUMNS, write_impact
from scaleup.impact.workspace import impact_from_workspace


def compute_kpis(
    participants: Path | str,
    followups: Path | str,
    survey: Path | str,
    sectors: Path | str | None = None,
    *,
    min_hours: float,
) -> ImpactResult:
    """Read and check the cohort files, then compute every programme's KPIs.

    Raises :class:`scaleup.errors.InputError` with every problem of every file.
    """
    from scaleup.ingest.cohort import read_cohort  # ibis: imported when a cohort is read

    return kpis_for_cohort(read_cohort(participants, followups, survey, sectors), min_hours)


__all__ = [
    "KPI_COLUMNS",
    "KPI_NAMES",
    "KPI_UNITS",
    "MIN_BASE",
    "SECTOR_COLUMNS",
    "ImpactResult",
    "KpiRow",
    "SectorRow",
    "compute_kpis",
    "impact_from_workspace",
    "kpis_for_cohort",
    "wilson_interval",
    "write_impact",
]
