"""Scaleups per LAD and end year from a firm panel (methodology section 1).

An enterprise is assessed for end year ``t`` when it is in the panel in ``t - w`` and
``t`` with ``employees(t - w) >= m``; it counts in its LAD of year ``t``. The heavy
per-firm work (a self-join and a grouped count) is one Ibis expression, so it runs
unchanged on DuckDB or Spark.
"""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir
import pandas as pd

from scaleup.config import MetricsSettings
from scaleup.metrics.cells import any_count
from scaleup.metrics.growth import GrowthRule, growth_flags
from scaleup.tables import COUNT_COLUMNS


def rule_of(settings: MetricsSettings) -> GrowthRule:
    return GrowthRule(rate=settings.growth_rate, window=settings.window)


def assessed(panel: ir.Table, window: int, min_employees: int) -> ir.Table:
    """One row per (enterprise, end year) assessed: start and end values, LAD at the end."""
    start = panel.select(
        sid=panel.enterprise_id,
        end_year=panel.year + window,
        e0=panel.employees,
        t0=panel.turnover,
    )
    start = start.filter(start.e0 >= min_employees)
    end = panel.select(
        panel.enterprise_id,
        year=panel.year,
        lad_code=panel.lad_code,
        e1=panel.employees,
        t1=panel.turnover,
    )
    joined = start.join(end, [start.sid == end.enterprise_id, start.end_year == end.year])
    return joined.select("lad_code", "year", "e0", "e1", "t0", "t1")


def lad_year_counts(
    backend: Any,
    panel: ir.Table,
    settings: MetricsSettings,
    *,
    max_employees: int,
    max_turnover: int,
    force_float: bool = False,
) -> ir.Table:
    """``lad_code, year, employment, turnover, both, any`` for LAD-years with assessments."""
    pairs = assessed(panel, settings.window, settings.min_employees)
    flagged = growth_flags(
        backend,
        pairs,
        {"emp_up": ("e0", "e1", max_employees), "turn_up": ("t0", "t1", max_turnover)},
        rule_of(settings),
        force_float=force_float,
    )
    emp = flagged.emp_up
    turn = flagged.turn_up & (flagged.t0 > 0)
    employment = emp.cast("int64").sum()
    turnover = turn.cast("int64").sum()
    both = (emp & turn).cast("int64").sum()
    return flagged.group_by("lad_code", "year").aggregate(
        employment=employment,
        turnover=turnover,
        both=both,
        any=any_count(employment, turnover, both),
    )


def complete(counts: pd.DataFrame, lads: list[str], years: list[int]) -> pd.DataFrame:
    """A row for every LAD and end year, zero where no enterprise was counted."""
    grid = pd.MultiIndex.from_product([sorted(lads), sorted(years)], names=["lad_code", "year"])
    frame = counts.astype({"year": "int64"}).set_index(["lad_code", "year"])
    frame = frame.reindex(grid).fillna(0).astype("int64").reset_index()
    return frame[["lad_code", "year", *COUNT_COLUMNS]]


def end_years(first_year: int, last_year: int, window: int) -> list[int]:
    return list(range(first_year + window, last_year + 1))
