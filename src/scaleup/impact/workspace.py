"""A workspace's programme impact: the ``[impact]`` table of its scaleup.toml.

[impact]
participants = "data/impact/participants.csv"   # paths relative to the workspace
followups = "data/impact/followups.csv"
survey = "data/impact/survey.csv"
sectors = "data/impact/sectors.csv"             # optional
min_hours = 12
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scaleup.config import CONFIG_FILENAME, read_toml
from scaleup.errors import ConfigError
from scaleup.impact.kpis import ImpactResult, kpis_for_cohort
from scaleup.ingest.cohort import read_cohort

FILE_KEYS = ("participants", "followups", "survey", "sectors")
REQUIRED_KEYS = ("participants", "followups", "survey", "min_hours")


def _check(table: Mapping[str, Any], source: str) -> float:
    known = (*FILE_KEYS, "min_hours")
    problems = [f"impact.{k}: unknown key (expected one of {list(known)})" for k in table
                if k not in known]  # fmt: skip
    problems += [f"impact.{k}: missing" for k in REQUIRED_KEYS if k not in table]
    for key in FILE_KEYS:
        if key in table and not isinstance(table[key], str):
            problems.append(f"impact.{key}: expected a path (text), got {table[key]!r}")
    hours = table.get("min_hours")
    if "min_hours" in table and (
        isinstance(hours, bool) or not isinstance(hours, int | float) or hours < 0
    ):
        problems.append(f"impact.min_hours: expected a number >= 0, got {hours!r}")
    if problems or hours is None:  # a missing min_hours is among the problems
        raise ConfigError(f"configuration error ({source}): " + "; ".join(problems), source)
    return float(hours)


def impact_from_workspace(
    root: Path | str, table: Mapping[str, Any] | None = None
) -> ImpactResult | None:
    """The KPIs of a workspace's cohort, or None when it has no ``[impact]`` table.

    ``table`` is the ``[impact]`` table when the caller has read scaleup.toml already;
    otherwise ``root/scaleup.toml`` is read. Bad cohort files raise InputError; a bad
    table raises ConfigError.
    """
    root = Path(root)
    source = str(root / CONFIG_FILENAME)
    if table is None:
        table = read_toml(root / CONFIG_FILENAME).get("impact")
        if table is None:
            return None
    if not isinstance(table, Mapping):
        raise ConfigError(f"configuration error ({source}): impact: expected a table", source)
    min_hours = _check(table, source)
    paths = {k: root / table[k] for k in FILE_KEYS if k in table}
    cohort = read_cohort(paths["participants"], paths["followups"], paths["survey"],
                         paths.get("sectors"))  # fmt: skip
    return kpis_for_cohort(cohort, min_hours)
