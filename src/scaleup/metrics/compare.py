"""Comparison with the median of all LADs (methodology section 4).

The median is the ordinary median of the available values (the mean of the two middle
values for an even count), found by ranking -- exact on every engine, unlike an
approximate percentile. "Above" is strictly greater; a LAD whose value is not available
has no flag, and no quadrant.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir


def median(values: ir.Table, column: str, by: str) -> ir.Table:
    """``by, <column>_median``: the ordinary median of the non-null values per group."""
    v = values.filter(values[column].notnull())
    ranked = v.mutate(
        rn=ibis.row_number().over(group_by=by, order_by=v[column]),
        n=v[column].count().over(group_by=by),
    )
    middle = ranked.filter((ranked.rn == (ranked.n - 1) // 2) | (ranked.rn == ranked.n // 2))
    return middle.group_by(by).aggregate(**{f"{column}_median": middle[column].mean()})


def above(value: ir.FloatingValue, med: ir.FloatingValue) -> ir.BooleanValue:
    return ibis.ifelse(value.isnull() | med.isnull(), ibis.null("boolean"), value > med)


def compare(long: ir.Table) -> ir.Table:
    """From ``lad_code, measure, density, trend``: medians, flags and quadrants."""
    t = long
    for col in ("density", "trend"):
        med = median(long, col, "measure")
        t = t.left_join(med, "measure").drop("measure_right")
    t = t.mutate(
        density_above_median=above(t.density, t.density_median),
        trend_above_median=above(t.trend, t.trend_median),
    )
    word_d = ibis.ifelse(t.density_above_median, "above", "below")
    word_t = ibis.ifelse(t.trend_above_median, "above", "below")
    known = t.density_above_median.notnull() & t.trend_above_median.notnull()
    return t.mutate(quadrant=ibis.ifelse(known, word_d + "/" + word_t, ibis.null("string")))
