"""Geography: which LADs make up which areas (a LAD may belong to two areas).

A row with an empty area (``area_code`` and ``area_name`` empty) lists a LAD that is in
no area of the set, e.g. a Welsh LAD in a file of LEPs: it is still in the comparison
set of the UK medians, but in no area's totals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from scaleup.errors import Problem
from scaleup.ingest.checking import read_checked
from scaleup.ingest.reading import ROW, Findings, located
from scaleup.tables import GEOGRAPHY as COLUMNS


@dataclass
class Geography:
    """LADs (code, name), area membership (area_code, area_name, lad_code) and vintage."""

    label: str
    lads: pd.DataFrame
    members: pd.DataFrame
    vintage: str | None
    area_types: dict[str, str] = field(default_factory=dict)
    """Area code -> its ``area_type`` (e.g. ``lep``), where the file gives one."""

    @property
    def lad_codes(self) -> list[str]:
        return list(self.lads["lad_code"])

    @property
    def lad_names(self) -> dict[str, str]:
        return dict(zip(self.lads["lad_code"], self.lads["lad_name"], strict=True))


def read_geography(path: Path, backend: Any, findings: Findings) -> Geography | None:
    read = read_checked(
        path,
        COLUMNS,
        backend,
        findings,
        ("lad_code", "area_code"),
        lambda r: f"LAD {r['lad_code']} is listed twice in area {r['area_code']}",
    )
    if read is None:
        return None
    raw, table = read.raw, read.table
    frame = backend.execute(table.order_by(ROW))
    vintages = sorted({v for v in frame.get("vintage", pd.Series(dtype=str)).dropna()})
    if len(vintages) > 1:
        findings.add(
            Problem(
                file=raw.label,
                column="vintage",
                message="more than one vintage ("
                + ", ".join(vintages)
                + "): a review is built on one geography vintage",
            )
        )
    frame = frame.dropna(subset=["lad_code"])
    half = frame[frame["area_code"].isna() != frame["area_name"].isna()]
    for line, area_name in zip(half[ROW], half["area_name"], strict=True):
        findings.add(
            raw.problem(
                "area_code and area_name must both be given, or both be empty (a LAD in no area)",
                lines=[line],
                column="area_name" if pd.isna(area_name) else "area_code",
            )
        )
    for column, key in (("lad_name", "lad_code"), ("area_name", "area_code")):
        named = frame.dropna(subset=[key, column])
        names = named.groupby(key)[column].unique()
        for code, different in names[names.map(len) > 1].items():
            lines = named.loc[named[key] == code, ROW]
            findings.add(
                raw.problem(
                    f"{code} has more than one name: " + ", ".join(f"'{n}'" for n in different),
                    lines=sorted(int(x) for x in lines)[:10],
                    column=column,
                )
            )
    lads = (
        frame.drop_duplicates("lad_code")[["lad_code", "lad_name"]]
        .sort_values("lad_code")
        .reset_index(drop=True)
    )
    frame = frame.dropna(subset=["area_code"])
    areas = frame.drop_duplicates("area_code")[["area_code", "area_name"]]
    members = frame[["area_code", "lad_code"]].merge(areas, on="area_code")
    members = members.sort_values(["area_code", "lad_code"]).reset_index(drop=True)
    return Geography(
        label=raw.label,
        lads=lads,
        members=members[["area_code", "area_name", "lad_code"]],
        vintage=vintages[0] if len(vintages) == 1 else None,
        area_types=(
            dict(frame.dropna(subset=["area_type"])[["area_code", "area_type"]].values)
            if "area_type" in frame
            else {}
        ),
    )


def check_known(
    geography: Geography,
    file_label: str,
    lad_first_row: dict[str, int],
    rows: bool,
    findings: Findings,
    files: tuple[str, ...] = (),
) -> None:
    """Every LAD an input names must be in the geography file (``files``: the part files
    of a folder read by a cluster engine, see reading.locate)."""
    known = set(geography.lad_codes)
    for lad, first in sorted(lad_first_row.items(), key=lambda kv: kv[1]):
        if lad not in known:
            findings.add(
                located(
                    file_label,
                    files,
                    f"'{lad}' is not in the geography file ({geography.label})",
                    (first,),
                    "lad_code",
                    rows,
                )
            )
