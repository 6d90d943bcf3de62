"""The published tables of ``scaleup compute``: their names and columns, declared once.

These are public contracts (shared/spec/contracts.md): extend, never rename or drop.
Readers (site build, API, downloads) and writers (compute) both use these declarations.
"""

from __future__ import annotations

MEASURES = ("employment", "turnover", "any")
"""Measures that get densities, trends and comparisons."""

COUNT_COLUMNS = ("employment", "turnover", "both", "any")
"""Scaleup counts per LAD (or area) and end year; any = employment + turnover - both."""

ANY_PARTS = ("employment", "turnover", "both")
"""The counts ``any`` is made of (:func:`scaleup.metrics.cells.any_count`); a supplier's
counts file gives these three, never ``any``."""

RATED_MEASURES = ("employment", "turnover")
"""Measures behind the above-median flags and the two area ratings."""

SUPPRESSED = "[c]"
"""How a suppressed (confidential) value is written: the ONS symbol."""

LAD_YEAR = (
    "lad_code", "lad_name", "year",
    "employment", "turnover", "both", "any", "population",
    "density_employment", "density_turnover", "density_any",
)  # fmt: skip

LAD_COMPARE = (
    "lad_code", "lad_name", "measure", "density", "trend",
    "density_median", "trend_median", "density_above_median", "trend_above_median", "quadrant",
)  # fmt: skip

AREA_YEAR = (
    "area_code", "area_name", "year",
    "employment", "turnover", "both", "any", "population",
    "density_employment", "density_turnover", "density_any",
)  # fmt: skip

AREA_SUMMARY = (
    "area_code", "area_name", "n_lads",
    "density_above_employment", "density_above_turnover",
    "trend_above_employment", "trend_above_turnover",
    "density_share", "trend_share", "density_rating", "trend_rating", "trend_any",
)  # fmt: skip

TABLES = {
    "lad_year": LAD_YEAR,
    "lad_compare": LAD_COMPARE,
    "area_year": AREA_YEAR,
    "area_summary": AREA_SUMMARY,
}
"""File stem -> columns (in order) of the four tables written by ``compute``."""
