"""The exact growth test: is ``end / start > (1 + g) ** w``, with ``g`` a rational?

With ``g = p/q`` the test is ``end * q**w > start * (p + q)**w`` in integers. When the
largest value of the input times the larger factor fits in a signed 64-bit integer, the
engine evaluates exactly that (no rounding anywhere). Otherwise a double-precision
comparison decides every pair whose two sides differ by more than a relative 1e-9 (the
rounding error of the double comparison is below 4e-16, so its verdict is certain), and
the few pairs nearer the boundary are re-checked exactly in Python integers.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import ibis
import ibis.expr.types as ir

INT64_MAX = 2**63 - 1
NEAR = 1e-9
HUGE = 1e20
"""Above this ratio no pair of 64-bit values with a start >= 1 can pass (end < 1e19)."""


@dataclass(frozen=True)
class GrowthRule:
    """Growth strictly above ``rate`` a year, on average over ``window`` years."""

    rate: Fraction
    window: int

    @property
    def end_factor(self) -> int:
        """q**w: multiplies the end value."""
        return self.rate.denominator**self.window

    @property
    def start_factor(self) -> int:
        """(p + q)**w: multiplies the start value."""
        return (self.rate.numerator + self.rate.denominator) ** self.window

    def exceeds(self, start: int, end: int) -> bool:
        """The exact test in Python integers (the reference for every engine path)."""
        return end * self.end_factor > start * self.start_factor

    def fits_int64(self, max_value: int) -> bool:
        return max(max_value, 1) * max(self.end_factor, self.start_factor) <= INT64_MAX

    @property
    def ratio(self) -> float:
        """(1 + g)**w as the nearest double, capped at HUGE (so products cannot overflow)."""
        exact = Fraction(self.start_factor, self.end_factor)
        return HUGE if exact > HUGE else float(exact)


def exact_flag(start: ir.IntegerValue, end: ir.IntegerValue, rule: GrowthRule) -> ir.BooleanValue:
    """The integer test as an engine expression (only when ``rule.fits_int64``)."""
    a = ibis.literal(rule.end_factor, type="int64")
    b = ibis.literal(rule.start_factor, type="int64")
    return end * a > start * b


def float_sides(
    start: ir.IntegerValue, end: ir.IntegerValue, rule: GrowthRule
) -> tuple[ir.BooleanValue, ir.BooleanValue]:
    """(certainly above, near the boundary) from a double comparison."""
    x = end.cast("float64")
    y = start.cast("float64") * rule.ratio
    near = (x - y).abs() <= ibis.greatest(x, y) * NEAR
    return (~near) & (x > y), near


def growth_flags(
    backend: Any,
    pairs: ir.Table,
    tests: dict[str, tuple[str, str, int]],
    rule: GrowthRule,
    *,
    force_float: bool = False,
) -> ir.Table:
    """``pairs`` with one boolean column per test: name -> (start column, end column, max).

    ``max`` bounds the values of the two columns; ``force_float`` takes the
    double-plus-recheck path even when integers would do (tests use it to prove the two
    paths agree).
    """
    out = pairs
    for name, (start_col, end_col, max_value) in tests.items():
        start, end = out[start_col], out[end_col]
        if rule.fits_int64(max_value) and not force_float:
            out = out.mutate(**{name: exact_flag(start, end, rule)})
            continue
        certain, near = float_sides(start, end, rule)
        candidates = backend.execute(out.filter(near).select(s=start, e=end).distinct())
        passing = [
            (int(s), int(e))
            for s, e in zip(candidates["s"], candidates["e"], strict=True)
            if rule.exceeds(int(s), int(e))
        ]
        if not passing:
            out = out.mutate(**{name: certain})
            continue
        verdicts = ibis.memtable(
            {
                f"{name}_s": [s for s, _ in passing],
                f"{name}_e": [e for _, e in passing],
                f"{name}_ok": [True] * len(passing),
            },
            schema={f"{name}_s": "int64", f"{name}_e": "int64", f"{name}_ok": "boolean"},
        )
        out = out.mutate(**{f"{name}_certain": certain})
        joined = out.left_join(
            verdicts,
            [out[start_col] == verdicts[f"{name}_s"], out[end_col] == verdicts[f"{name}_e"]],
        )
        joined = joined.mutate(
            **{name: joined[f"{name}_certain"] | joined[f"{name}_ok"].fill_null(False)}
        )
        out = joined.drop(f"{name}_s", f"{name}_e", f"{name}_ok", f"{name}_certain")
    return out
