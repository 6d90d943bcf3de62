"""The four tables of a review from (controlled) counts: densities, trends and comparisons
are exact (density.py, trend.py, compare.py), ratings run on the engine, then each cell is
written as the contract says.

Cells are Python values: ``int``/``float``, ``True``/``False``, ``"[c]"`` (suppressed)
or ``None`` (not available). No file I/O here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import ibis
import pandas as pd

from scaleup.config import MetricsSettings
from scaleup.meta import AreaTrends
from scaleup.metrics import areas
from scaleup.metrics.cells import flag
from scaleup.metrics.compare import compare, median
from scaleup.metrics.density import density
from scaleup.metrics.ratings import ratings
from scaleup.metrics.trend import trend, trend_window
from scaleup.tables import (
    AREA_SUMMARY,
    AREA_YEAR,
    COUNT_COLUMNS,
    LAD_COMPARE,
    LAD_YEAR,
    MEASURES,
    RATED_MEASURES,
    SUPPRESSED,
)

MEASURES_COLUMN = "measures"
"""Extra column of area_summary: the measures its shares and ratings rest on."""


@dataclass(frozen=True)
class Places:
    """LAD names and area membership (``area_code, area_name, lad_code``)."""

    lad_names: dict[str, str]
    members: pd.DataFrame


@dataclass
class Tables:
    lad_year: pd.DataFrame
    lad_compare: pd.DataFrame
    area_year: pd.DataFrame
    area_summary: pd.DataFrame


def derive(
    backend: Any,
    lad: pd.DataFrame,
    area: pd.DataFrame,
    population: pd.DataFrame,
    places: Places,
    years: list[int],
    measures: tuple[str, ...],
    settings: MetricsSettings,
) -> tuple[Tables, AreaTrends]:
    """The four tables from LAD and area count cells and LAD populations, and each area's
    trend per measure (area_summary publishes only ``trend_any``)."""
    last = max(years)
    pop = population[["lad_code", "year", "population"]].astype({"year": "int64"})
    apop = areas.area_population(pop, places.members)
    # Densities, trends, medians, flags and quadrants are exact (density.py, trend.py,
    # compare.py), from the count cells; the tables show the doubles nearest to them.
    first, last = trend_window(last, settings)
    lad_series = exact_densities(lad, pop, "lad_code")
    lad_trends = {k: trend(s, first, last, settings) for k, s in lad_series.items()}
    area_series = exact_densities(area, apop, "area_code")
    area_trends: AreaTrends = defaultdict(dict)
    for (code, m), s in area_series.items():
        area_trends[code][m] = _exact_float(trend(s, first, last, settings))
    codes = sorted(set(lad.loc[lad["year"] == last, "lad_code"]))
    decided = compare(
        {
            (c, m): (lad_series[(c, m)].get(last), lad_trends[(c, m)])
            for c in codes
            for m in MEASURES
        }
    )
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "lad_code": codes,
                    "measure": m,
                    "density": [_exact_float(lad_series[(c, m)].get(last)) for c in codes],
                    "trend": [_exact_float(lad_trends[(c, m)]) for c in codes],
                }
            )
            for m in MEASURES
        ],
        ignore_index=True,
    )
    keys = list(zip(long.lad_code, long.measure, strict=True))
    for col in ("density_median", "trend_median"):
        long[col] = [_exact_float(decided[k][col]) for k in keys]
    for col in ("density_above_median", "trend_above_median", "quadrant"):
        long[col] = pd.Series([decided[k][col] for k in keys], dtype=object)
    comp = long
    rated = tuple(m for m in RATED_MEASURES if m in measures)
    members_t = ibis.memtable(
        places.members[["area_code", "lad_code"]],
        schema={"area_code": "string", "lad_code": "string"},
    )
    flags = comp[["lad_code", "measure", "density_above_median", "trend_above_median"]]
    flags_t = ibis.memtable(
        flags,
        schema={
            "lad_code": "string",
            "measure": "string",
            "density_above_median": "boolean",
            "trend_above_median": "boolean",
        },
    )
    rate = backend.execute(ratings(flags_t, members_t, rated))

    lad_names = places.lad_names
    area_names = dict(zip(places.members["area_code"], places.members["area_name"], strict=True))
    lad_year = _year_table(lad, lad_series, pop, "lad_code", "lad_name", lad_names, LAD_YEAR)
    area_year = _year_table(
        area, area_series, apop, "area_code", "area_name", area_names, AREA_YEAR
    )
    lad_compare = _compare_table(comp, lad, (first, last), settings, lad_names)
    area_summary = _summary_table(rate, area_trends, area_names, rated)
    return Tables(lad_year, lad_compare, area_year, area_summary), dict(area_trends)


def year_medians(
    lad: pd.DataFrame, population: pd.DataFrame, years: list[int]
) -> tuple[dict[str, Any], ...]:
    """The benchmark series: per end year, the median of every LAD's density per measure
    (``year``, ``density_<measure>``; None where no LAD's density is published), decided
    exactly like lad_compare's ``density_median`` (which is the latest year's)."""
    pop = population[["lad_code", "year", "population"]].astype({"year": "int64"})
    series = exact_densities(lad, pop, "lad_code")
    out = []
    for year in sorted(years):
        row: dict[str, Any] = {"year": int(year)}
        for m in MEASURES:
            row[f"density_{m}"] = _exact_float(
                median(s.get(year) for (_, measure), s in series.items() if measure == m)
            )
        out.append(row)
    return tuple(out)


def exact_densities(
    cells: pd.DataFrame, population: pd.DataFrame, key: str
) -> dict[tuple[str, str], dict[int, Fraction | None]]:
    """Exact density by year per (``key`` code, measure), from count cells and populations.

    A suppressed or not-available count (a null value) has no density, as on the engine.
    """
    pops = _populations(population, key)
    series: dict[tuple[str, str], dict[int, Fraction | None]] = defaultdict(dict)
    for rec in cells[[key, "year", *MEASURES]].to_dict("records"):
        year = int(rec["year"])
        pop = pops.get((rec[key], year))
        for m in MEASURES:
            count = None if pd.isna(rec[m]) else int(rec[m])
            series[(rec[key], m)][year] = density(count, pop) if pop else None
    return dict(series)


def _populations(population: pd.DataFrame, key: str) -> dict[tuple[str, int], int]:
    """``{(code, year): population}``: a dict, as a pandas lookup per cell costs more than
    the rest of a table."""
    return {
        (code, int(year)): int(p)
        for code, year, p in population[[key, "year", "population"]].itertuples(index=False)
    }


def _exact_float(value: Fraction | None) -> float | None:
    """The double nearest to an exact value (never -0.0: a Fraction has no sign of zero)."""
    return None if value is None else float(value)


def _count_cell(value: Any, suppressed: bool) -> Any:
    if suppressed:
        return SUPPRESSED
    return None if pd.isna(value) else int(value)


def _float_cell(value: Any) -> float | None:
    # + 0.0 turns a negative zero (a flat OLS trend) into a plain 0.0.
    return None if value is None or pd.isna(value) else float(value) + 0.0


def _year_table(
    cells: pd.DataFrame,
    series: dict[tuple[str, str], dict[int, Fraction | None]],
    population: pd.DataFrame,
    key: str,
    name_col: str,
    names: dict[str, str],
    columns: tuple[str, ...],
) -> pd.DataFrame:
    pops = _populations(population, key)
    rows = []
    for rec in cells.sort_values([key, "year"]).to_dict("records"):
        code, year = rec[key], int(rec["year"])
        row: dict[str, Any] = {key: code, name_col: names[code], "year": year}
        for m in COUNT_COLUMNS:
            row[m] = _count_cell(rec[m], rec[flag(m)])
        row["population"] = pops[(code, year)]
        for m in MEASURES:
            exact = _exact_float(series[(code, m)][year])
            row[f"density_{m}"] = SUPPRESSED if rec[flag(m)] else exact
        rows.append(row)
    return cell_frame(rows, columns)


def _compare_table(
    comp: pd.DataFrame,
    lad: pd.DataFrame,
    window: tuple[int, int],
    settings: MetricsSettings,
    names: dict[str, str],
) -> pd.DataFrame:
    """lad_compare's cells. A value computed from a suppressed count is withheld (``[c]``),
    and so are its flag and quadrant (methodology section 4): a reader can tell a LAD whose
    comparison is withheld from one whose comparison the data do not give (empty)."""
    first, last = window
    needed = {first, last} if settings.trend == "endpoints" else set(range(first, last + 1))
    withheld_years: dict[tuple[str, str], list[bool | None]] = defaultdict(list)
    for rec in lad[lad["year"].isin(needed)].to_dict("records"):
        for m in MEASURES:
            given = not pd.isna(rec[m])
            withheld_years[(rec["lad_code"], m)].append(
                True if rec[flag(m)] else (False if given else None)
            )
    hidden = lad[lad["year"] == last].set_index("lad_code")
    order = {m: i for i, m in enumerate(MEASURES)}
    comp = comp.assign(_o=comp["measure"].map(order)).sort_values(["lad_code", "_o"])
    rows = []
    for rec in comp.to_dict("records"):
        code, m = rec["lad_code"], rec["measure"]
        density_c = bool(hidden.loc[code, flag(m)])
        # Withheld when a year it needs is suppressed and none is simply missing.
        years = withheld_years[(code, m)]
        trend_c = (
            _float_cell(rec["trend"]) is None
            and len(years) == len(needed)
            and None not in years
            and any(years)
        )
        d_flag = SUPPRESSED if density_c else _bool_cell(rec["density_above_median"])
        t_flag = SUPPRESSED if trend_c else _bool_cell(rec["trend_above_median"])
        quadrant = None if pd.isna(rec["quadrant"]) else rec["quadrant"]
        if quadrant is None and SUPPRESSED in (d_flag, t_flag) and None not in (d_flag, t_flag):
            quadrant = SUPPRESSED
        rows.append(
            {
                "lad_code": code,
                "lad_name": names[code],
                "measure": m,
                "density": SUPPRESSED if density_c else _float_cell(rec["density"]),
                "trend": SUPPRESSED if trend_c else _float_cell(rec["trend"]),
                "density_median": _float_cell(rec["density_median"]),
                "trend_median": _float_cell(rec["trend_median"]),
                "density_above_median": d_flag,
                "trend_above_median": t_flag,
                "quadrant": quadrant,
            }
        )
    return cell_frame(rows, LAD_COMPARE)


def _bool_cell(value: Any) -> bool | None:
    return None if value is None or pd.isna(value) else bool(value)


def _int_cell(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _summary_table(
    rate: pd.DataFrame, area_trends: AreaTrends, names: dict[str, str], rated: tuple[str, ...]
) -> pd.DataFrame:
    rows = []
    for rec in rate.sort_values("area_code").to_dict("records"):
        row = {"area_code": rec["area_code"], "area_name": names[rec["area_code"]]}
        row["n_lads"] = int(rec["n_lads"])
        for kind in ("density", "trend"):
            for m in RATED_MEASURES:
                row[f"{kind}_above_{m}"] = _int_cell(rec[f"{kind}_above_{m}"])
        for col in ("density_share", "trend_share"):
            row[col] = _float_cell(rec[col])
        for col in ("density_rating", "trend_rating"):
            row[col] = None if pd.isna(rec[col]) else rec[col]
        row["trend_any"] = area_trends.get(rec["area_code"], {}).get("any")
        row[MEASURES_COLUMN] = ";".join(rated)
        rows.append(row)
    return cell_frame(rows, (*AREA_SUMMARY, MEASURES_COLUMN))


def cell_frame(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> pd.DataFrame:
    """Rows of cells as an object DataFrame (missing values as None, never NaN)."""
    frame = pd.DataFrame(rows, columns=list(columns), dtype=object)
    return frame.astype(object).where(frame.notna(), None)
