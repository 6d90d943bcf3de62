"""Trend of density over the trend window (methodology section 2).

The window is the ``trend_years`` end years ending at the latest end year. ``endpoints``:
``(density(last) - density(first)) / (last - first)``; ``ols``: the least-squares slope
over every year of the window. Not available (null, never 0) when an end point -- for
``ols`` any year of the window -- is missing, suppressed or not available.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from scaleup.config import MetricsSettings
from scaleup.tables import MEASURES


def trend_window(last_year: int, settings: MetricsSettings) -> tuple[int, int]:
    return last_year - settings.trend_years + 1, last_year


def trends(dens: ir.Table, key: str, last_year: int, settings: MetricsSettings) -> ir.Table:
    """``key, trend_<measure>`` from a table with ``key, year, density_<measure>``."""
    first, last = trend_window(last_year, settings)
    inside = dens.filter(dens.year.between(first, last))
    year = inside.year.cast("float64")
    aggs = {}
    for m in MEASURES:
        d = inside[f"density_{m}"]
        if settings.trend == "endpoints":
            d_first = d.max(where=inside.year == first)
            d_last = d.max(where=inside.year == last)
            aggs[f"trend_{m}"] = (d_last - d_first) / float(last - first)
        else:
            slope = d.cov(year, how="pop") / year.var(how="pop")
            complete = d.count() == settings.trend_years
            aggs[f"trend_{m}"] = ibis.ifelse(complete, slope, ibis.null("float64"))
    units = dens.select(key).distinct()
    found = inside.group_by(key).aggregate(**aggs)
    return units.left_join(found, key).select(key, *aggs)
