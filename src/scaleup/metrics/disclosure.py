"""Statistical disclosure control of published counts (methodology section 5).

Small tables (a few thousand cells), so plain Python: clearer than any engine query.

1. Primary: a count below ``threshold`` is suppressed.
2. Secondary: every linear relation between published cells -- in a row
   ``any = employment + turnover - both`` (for LADs and areas), in a column
   ``area = sum of member LADs`` (per year and measure, a LAD shared by two areas in
   both) -- must have 0 or at least 2 suppressed cells; while one has exactly one, its
   smallest unsuppressed cell is suppressed too (ties: a part before the total, then
   the order of the table). Repeated until nothing changes (suppression only grows,
   so this ends).
3. Rounding to the nearest multiple of ``rounding`` (halves up); area counts come from
   exact LAD counts, rounded once; ``any`` is published as
   ``employment + turnover - both`` of the rounded values when all three are published.
"""

from __future__ import annotations

import pandas as pd

from scaleup.metrics.cells import any_count, flag
from scaleup.tables import ANY_PARTS, COUNT_COLUMNS


def round_half_up(value: int, base: int) -> int:
    return (value + base // 2) // base * base


def relations(
    lad: pd.DataFrame, area: pd.DataFrame, members: pd.DataFrame
) -> list[tuple[tuple[str, str, int, str], list[tuple[str, str, int, str]]]]:
    """Every published relation as (total cell, part cells); a cell is
    (kind, unit code, year, measure). Relations with a not-available cell are left out."""
    rels = []
    for kind, frame, key in (("lad", lad, "lad_code"), ("area", area, "area_code")):
        for unit, year in zip(frame[key], frame["year"], strict=True):
            rels.append(
                ((kind, unit, int(year), "any"), [(kind, unit, int(year), p) for p in ANY_PARTS])
            )
    by_area = members.groupby("area_code")["lad_code"].apply(list).to_dict()
    for area_code, year in zip(area["area_code"], area["year"], strict=True):
        for m in COUNT_COLUMNS:
            parts = [("lad", lad_code, int(year), m) for lad_code in by_area.get(area_code, [])]
            rels.append((("area", area_code, int(year), m), parts))
    return rels


def suppress(
    lad: pd.DataFrame, area: pd.DataFrame, members: pd.DataFrame, threshold: int
) -> dict[tuple[str, str, int, str], bool]:
    """Cell -> suppressed, after primary and secondary suppression of exact counts."""
    value: dict[tuple[str, str, int, str], int | None] = {}
    for kind, frame, key in (("lad", lad, "lad_code"), ("area", area, "area_code")):
        for rec in frame.to_dict("records"):
            for m in COUNT_COLUMNS:
                v = rec[m]
                value[(kind, rec[key], int(rec["year"]), m)] = None if pd.isna(v) else int(v)
    hidden = {cell: v is not None and v < threshold for cell, v in value.items()}
    rels = [
        (total, parts)
        for total, parts in relations(lad, area, members)
        if all(value.get(c) is not None for c in (total, *parts))
    ]
    rank = {m: i for i, m in enumerate(COUNT_COLUMNS)}
    changed = True
    while changed:
        changed = False
        for total, parts in rels:
            cells = (*parts, total)
            if sum(hidden[c] for c in cells) != 1:
                continue
            open_cells = [c for c in cells if not hidden[c]]
            pick = min(
                open_cells,
                key=lambda c: (value[c], c == total, rank[c[3]], c[1]),
            )
            hidden[pick] = True
            changed = True
    return hidden


def publish(
    lad: pd.DataFrame,
    area: pd.DataFrame,
    members: pd.DataFrame,
    threshold: int,
    rounding: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Published LAD and area count tables (values rounded, suppressed cells null + _c)."""
    hidden = suppress(lad, area, members, threshold)
    out = []
    for kind, frame, key in (("lad", lad, "lad_code"), ("area", area, "area_code")):
        pub = frame[[key, "year"]].copy()
        for m in COUNT_COLUMNS:
            cells = [(kind, u, int(y), m) for u, y in zip(frame[key], frame["year"], strict=True)]
            flags = [hidden.get(c, False) for c in cells]
            values = [
                None if (f or pd.isna(v)) else round_half_up(int(v), rounding)
                for v, f in zip(frame[m], flags, strict=True)
            ]
            pub[m] = pd.array(values, dtype="Int64")
            pub[flag(m)] = flags
        parts_open = pub[list(ANY_PARTS)].notna().all(axis=1)
        consistent = any_count(pub["employment"], pub["turnover"], pub["both"])
        pub["any"] = pub["any"].where(~parts_open, consistent).astype("Int64")
        out.append(pub)
    return out[0], out[1]
