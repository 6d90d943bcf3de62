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

from scaleup.config import CONFIG_FILENAME
from scaleup.impact.kpis import ImpactResult, kpis_for_cohort
from scaleup.workspace import ImpactTable, WorkspaceFile


def impact_from_workspace(
    root: Path | str, table: ImpactTable | Mapping[str, Any] | None = None
) -> ImpactResult | None:
    """The KPIs of a workspace's cohort, or None when it has no ``[impact]`` table.

    ``table`` is the ``[impact]`` table when the caller has read scaleup.toml already;
    otherwise ``root/scaleup.toml`` is read (by :class:`scaleup.workspace.WorkspaceFile`, as
    every reader of it). A bad table or bad cohort files raise InputError.
    """
    root = Path(root)
    source = str(root / CONFIG_FILENAME)
    if table is None:
        found = WorkspaceFile.read_impact(root / CONFIG_FILENAME)
        if found is None:
            return None
        table = found
    elif not isinstance(table, ImpactTable):
        table = WorkspaceFile.validated_impact(table, source)
    from scaleup.ingest.cohort import read_cohort  # ibis: imported when a cohort is read

    paths = table.files(root)
    cohort = read_cohort(paths["participants"], paths["followups"], paths["survey"],
                         paths.get("sectors"))  # fmt: skip
    return kpis_for_cohort(cohort, table.min_hours)
