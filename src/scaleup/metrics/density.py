"""Density: scaleups per 100,000 residents, ``count / population * 100000``: the one
density rule.

A density is a ratio of integers, so it is held exactly, as a ``Fraction``: the
comparisons with the median decide on the exact value and the tables publish
``float(density)``, the double nearest to it (``count / population * 100000`` in floating
point rounds twice and can miss it by a bit). The tables are small (a few hundred LADs,
tens of areas, a handful of years), so this costs nothing and is the same on every engine.
"""

from __future__ import annotations

from fractions import Fraction

PER = 100_000

Exact = Fraction | None
"""An exact density, or a value computed from exact densities; None: not available."""


def density(count: int | None, population: int) -> Exact:
    """Scaleups per 100,000 residents, exactly; None when the count is not a number."""
    return None if count is None else Fraction(count * PER, population)
