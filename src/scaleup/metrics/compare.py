"""Comparison with the median of all LADs (methodology section 4), decided exactly.

A density (density.py) is ``count * 100000 / population`` and a trend (trend.py) is a
difference (or a least-squares slope) of densities over whole years: all are ratios of
integers. They are held as ``Fraction``, so the median (the mean of the two middle values
for an even count) and the strictly-greater flags are exact. In floating point a LAD
whose trend equals the median can come out 1e-17 above or below it and flip its flag and
quadrant. The LAD table is small (a few hundred LADs a measure), so exact arithmetic
costs nothing and is the same on every engine. "Above" is strictly greater; a LAD whose
value is not available (suppressed or missing) has no flag and no quadrant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

from scaleup.metrics.density import Exact


def median(values: Iterable[Exact]) -> Exact:
    """The ordinary median of the available values (None when there are none): the
    middle value, or the mean of the two middle values for an even count, exactly."""
    known = sorted((v for v in values if v is not None), key=_order)
    if not known:
        return None
    mid = len(known) // 2
    return known[mid] if len(known) % 2 else (known[mid - 1] + known[mid]) / 2


def _order(value: Fraction) -> tuple[float, Fraction]:
    """Sort key: the nearest double first (rounding keeps the order, and comparing doubles
    is cheap), the exact value where two doubles are equal."""
    return (float(value), value)


def above(value: Exact, med: Exact) -> bool | None:
    return None if value is None or med is None else value > med


def quadrant(density_above: bool | None, trend_above: bool | None) -> str | None:
    """``density/trend``, e.g. ``above/below``; None when either flag is unknown."""
    if density_above is None or trend_above is None:
        return None
    word = {True: "above", False: "below"}
    return f"{word[density_above]}/{word[trend_above]}"


def compare(values: Mapping[tuple[str, str], tuple[Exact, Exact]]) -> dict[tuple[str, str], dict]:
    """Medians, flags and quadrants per (lad_code, measure) from exact (density, trend).

    Medians are taken per measure over every LAD given (the comparison set is all LADs
    in the input data).
    """
    medians: dict[str, tuple[Exact, Exact]] = {}
    for measure in {m for _, m in values}:
        mine = [v for (_, m), v in values.items() if m == measure]
        medians[measure] = (median(d for d, _ in mine), median(t for _, t in mine))
    out = {}
    for (lad, measure), (d, t) in values.items():
        d_med, t_med = medians[measure]
        d_above, t_above = above(d, d_med), above(t, t_med)
        out[(lad, measure)] = {
            "density_median": d_med,
            "trend_median": t_med,
            "density_above_median": d_above,
            "trend_above_median": t_above,
            "quadrant": quadrant(d_above, t_above),
        }
    return out
