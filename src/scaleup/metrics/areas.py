"""Area counts and populations: sums over member LADs (methodology section 3).

A LAD in two areas counts in full in each. An area's count is suppressed when a member's
count is (supplier-controlled inputs) and not available when a member's is not.
"""

from __future__ import annotations

import pandas as pd

from scaleup.metrics.cells import flag
from scaleup.tables import COUNT_COLUMNS


def area_counts(lad: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """``area_code, year`` and every count column with ``_c`` flags, from LAD cells."""
    joined = members[["area_code", "lad_code"]].merge(lad, on="lad_code")
    out = joined.groupby(["area_code", "year"], sort=True)
    frame = pd.DataFrame(index=out.size().index)
    for m in COUNT_COLUMNS:
        value = out[m].sum(min_count=1).astype("Int64")
        missing = out[m].apply(lambda s: s.isna().any())
        suppressed = out[flag(m)].any()
        frame[m] = value.where(~missing, pd.NA).astype("Int64")
        frame[flag(m)] = suppressed.astype(bool)
    return frame.reset_index()


def area_population(population: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    joined = members[["area_code", "lad_code"]].merge(population, on="lad_code")
    summed = joined.groupby(["area_code", "year"], sort=True)["population"].sum()
    return summed.reset_index()
