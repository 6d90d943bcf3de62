"""ONS mid-year population estimates: one row per LAD per year."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from scaleup.errors import Problem
from scaleup.ingest.checking import read_checked
from scaleup.ingest.reading import ROW, Findings
from scaleup.tables import POPULATION as COLUMNS


def read_population(path: Path, backend: Any, findings: Findings) -> pd.DataFrame | None:
    """``lad_code, year, population`` as a DataFrame, or None when the file has problems."""
    read = read_checked(
        path,
        COLUMNS,
        backend,
        findings,
        ("lad_code", "year"),
        lambda r: f"duplicate population for {r['lad_code']} in {r['year']}",
    )
    if read is None:
        return None
    raw, table = read.raw, read.table
    frame = backend.execute(table.drop(ROW))
    frame.attrs["label"] = raw.label
    return frame


def check_covers(
    population: pd.DataFrame, lads: Iterable[str], years: Iterable[int], findings: Findings
) -> None:
    """Every LAD needs a population in every end year (densities divide by it)."""
    label = population.attrs.get("label", "population")
    have = set(zip(population["lad_code"], population["year"].astype(int), strict=True))
    for lad in sorted(set(lads)):
        for year in sorted(set(years)):
            if (lad, year) not in have:
                findings.add(
                    Problem(
                        file=label,
                        message=f"no population for {lad} in {year} (needed for density)",
                    )
                )
