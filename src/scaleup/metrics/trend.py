"""Trend of density over the trend window (methodology section 2): the one trend rule.

The window is the ``trend_years`` end years ending at the latest end year. ``endpoints``:
``(density(last) - density(first)) / (last - first)``; ``ols``: the least-squares slope
over every year of the window. Not available (None, never 0) when an end point -- for
``ols`` any year of the window -- is missing, suppressed or not available.

Densities are ratios of integers (``count * 100000 / population``), so a trend is one
too: it is computed exactly, in ``Fraction``, from exact densities. The comparisons with
the median decide on the exact value and the tables publish ``float(trend)``, the double
nearest to it. The tables are small (a few hundred LADs, tens of areas, a handful of
years), so this costs nothing and is the same whatever the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from scaleup.config import MetricsSettings
from scaleup.metrics.density import Exact


def trend_window(last_year: int, settings: MetricsSettings) -> tuple[int, int]:
    """The first and last end year of the trend window ending at ``last_year``."""
    return last_year - settings.trend_years + 1, last_year


def trend(series: Mapping[int, Exact], first: int, last: int, settings: MetricsSettings) -> Exact:
    """The trend of ``series`` (exact density by year) over ``first..last``."""
    if settings.trend == "endpoints":
        a, b = series.get(first), series.get(last)
        return None if a is None or b is None else (b - a) / (last - first)
    years = range(first, last + 1)
    values = [v for y in years if (v := series.get(y)) is not None]
    if len(values) < len(years):
        return None
    mean_x = Fraction(sum(years), len(years))
    mean_y = sum(values, Fraction(0)) / len(values)
    sxy = sum(
        ((x - mean_x) * (y - mean_y) for x, y in zip(years, values, strict=True)), Fraction(0)
    )
    sxx = sum(((x - mean_x) * (x - mean_x) for x in years), Fraction(0))
    return sxy / sxx
