"""Density: scaleups per 100,000 residents, ``count / population * 100000``."""

from __future__ import annotations

import ibis.expr.types as ir

from scaleup.tables import MEASURES

PER = 100_000


def densities(counts: ir.Table, population: ir.Table, key: str) -> ir.Table:
    """``counts`` joined to ``population`` on (key, year) with ``density_<measure>``.

    A null count (suppressed or not available) gives a null density; the caller marks
    which of the two it is.
    """
    joined = counts.join(population, [key, "year"])
    return joined.mutate(
        **{
            f"density_{m}": joined[m].cast("float64") / joined.population.cast("float64") * PER
            for m in MEASURES
        }
    )
