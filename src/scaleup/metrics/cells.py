"""Count cells: a value per measure plus a suppressed flag, for LADs and for areas.

A count table has key columns (``lad_code`` or ``area_code``, and ``year``), then for
each measure of COUNT_COLUMNS the value (nullable Int64) and ``<measure>_c`` (bool):

- value present: the count (exact, rounded, or as the supplier gave it);
- value null and ``_c`` true: suppressed, written ``[c]``;
- value null and ``_c`` false: not available (an empty cell).
"""

from __future__ import annotations

from typing import TypeVar

import pandas as pd

from scaleup.tables import ANY_PARTS, COUNT_COLUMNS

N = TypeVar("N")


def any_count(employment: N, turnover: N, both: N) -> N:
    """Enterprises that grew by employment or by turnover, each counted once: the one
    statement of ``any = employment + turnover - both``, for numbers, pandas columns and
    engine expressions alike."""
    return employment + turnover - both  # type: ignore[operator]


def flag(measure: str) -> str:
    return f"{measure}_c"


def with_flags(frame: pd.DataFrame) -> pd.DataFrame:
    """Add all-false ``_c`` columns and nullable dtypes to a table of plain counts."""
    out = frame.copy()
    for m in COUNT_COLUMNS:
        out[m] = out[m].astype("Int64")
        if flag(m) not in out:
            out[flag(m)] = False
        out[flag(m)] = out[flag(m)].fillna(False).astype(bool)
    return out


def derive_any(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``any = employment + turnover - both`` to supplier counts.

    Suppressed when every part is given and one of them is suppressed; not available
    when a part is not available.
    """
    out = frame.copy()
    parts = ANY_PARTS
    for m in parts:
        out[m] = out[m].astype("Int64")
        out[flag(m)] = out[flag(m)].fillna(False).astype(bool)
    given = pd.concat([out[m].notna() | out[flag(m)] for m in parts], axis=1).all(axis=1)
    out["any"] = any_count(out["employment"], out["turnover"], out["both"]).astype("Int64")
    out[flag("any")] = given & out[[flag(m) for m in parts]].any(axis=1)
    columns = [c for m in COUNT_COLUMNS for c in (m, flag(m))]
    return with_flags(out[[c for c in out.columns if c not in columns] + columns])
