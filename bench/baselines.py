"""The two baselines of the compute benchmarks: the same LAD-year counts of scaleups,
by one hand-written DuckDB query and by straightforward vectorised pandas.

Each runs in a process of its own, so this module imports nothing of scaleup (and
neither pandas nor DuckDB until a baseline asks for it): a baseline's time is its own
start-up, reading and counting, not the toolkit's imports.

    python bench/baselines.py duckdb|pandas PANEL.parquet   # prints the totals as JSON
"""

from __future__ import annotations

import json
import sys

MEASURES = ("employment", "turnover", "both", "any")

# Growth of more than 20% a year over 3 years: end * 125 > start * 216 (1.2 ** 3 = 216/125),
# in integers; employment counted from 10 employees at the start.
QUERY = """
WITH p AS (SELECT * FROM read_{fmt}('{path}')),
pairs AS (
  SELECT e.lad_code, e.year,
         e.employees * 125 > s.employees * 216 AS emp_up,
         s.turnover > 0 AND e.turnover * 125 > s.turnover * 216 AS turn_up
  FROM p s JOIN p e ON s.enterprise_id = e.enterprise_id AND s.year + 3 = e.year
  WHERE s.employees >= 10)
SELECT lad_code, year, sum(emp_up::INT) AS employment, sum(turn_up::INT) AS turnover,
       sum((emp_up AND turn_up)::INT) AS both, sum((emp_up OR turn_up)::INT) AS "any"
FROM pairs GROUP BY lad_code, year
"""


def query(path: str, fmt: str = "parquet") -> str:
    """The hand-written query on ``path`` (``fmt``: ``parquet`` or ``csv_auto``)."""
    return QUERY.format(fmt=fmt, path=str(path).replace("'", "''"))


def counts_duckdb(panel: str, fmt: str = "parquet"):
    """The LAD-year counts (a DataFrame) by the one hand-written DuckDB query."""
    import duckdb

    return duckdb.connect().execute(query(panel, fmt)).df()


def counts_pandas(panel: str):
    """The LAD-year counts (a DataFrame): read_parquet, a filter, one merge, integer
    comparisons and a groupby().sum()."""
    import pandas as pd

    cols = ["enterprise_id", "year", "lad_code", "employees", "turnover"]
    p = pd.read_parquet(panel, columns=cols)
    start = p.loc[p["employees"] >= 10, ["enterprise_id", "year", "employees", "turnover"]]
    start = start.assign(year=start["year"] + 3)
    pairs = start.merge(p, on=["enterprise_id", "year"], suffixes=("_0", ""))
    emp = pairs["employees"] * 125 > pairs["employees_0"] * 216
    turn = (pairs["turnover_0"] > 0) & (pairs["turnover"] * 125 > pairs["turnover_0"] * 216)
    flags = pd.DataFrame(
        {
            "lad_code": pairs["lad_code"],
            "year": pairs["year"],
            "employment": emp,
            "turnover": turn,
            "both": emp & turn,
            "any": emp | turn,
        }
    )
    return flags.groupby(["lad_code", "year"], as_index=False).sum()


def totals(frame) -> dict[str, int]:
    """Each measure's total and the number of LAD-years with a scaleup: what the
    benchmarks compare."""
    return {m: int(frame[m].sum()) for m in MEASURES} | {"cells": int((frame["any"] > 0).sum())}


BASELINES = {"duckdb": counts_duckdb, "pandas": counts_pandas}


if __name__ == "__main__":
    name, panel = sys.argv[1:3]
    print(json.dumps(totals(BASELINES[name](panel))))
