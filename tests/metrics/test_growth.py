"""The growth test is exact at the boundary for any rate, window and size of value."""

from __future__ import annotations

from fractions import Fraction

import ibis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaleup.metrics.growth import INT64_MAX, GrowthRule, growth_flags

DEFAULT = GrowthRule(Fraction(1, 5), 3)


def engine_flags(backend, rule, pairs, force_float=False):
    """The engine's verdict for each (start, end) pair, in order."""
    starts = [s for s, _ in pairs]
    ends = [e for _, e in pairs]
    table = ibis.memtable(
        {"i": list(range(len(pairs))), "s": starts, "e": ends},
        schema={"i": "int64", "s": "int64", "e": "int64"},
    )
    top = max([*starts, *ends, 1])
    out = growth_flags(backend, table, {"up": ("s", "e", top)}, rule, force_float=force_float)
    frame = backend.execute(out.order_by("i"))
    return [bool(x) for x in frame["up"]]


def test_defaults_boundary_is_strict():
    assert DEFAULT.end_factor == 125 and DEFAULT.start_factor == 216
    assert not DEFAULT.exceeds(125, 216)  # exactly 72.8%
    assert DEFAULT.exceeds(125, 217)
    assert not DEFAULT.exceeds(1000, 1728)
    assert DEFAULT.exceeds(1000, 1729)


@pytest.mark.parametrize("force_float", [False, True])
def test_engine_boundary_125_216_217(backend, force_float):
    pairs = [(125, 216), (125, 217), (250, 432), (250, 433), (0, 0), (0, 1), (10, 17)]
    assert engine_flags(backend, DEFAULT, pairs, force_float) == [
        False,
        True,
        False,
        True,
        False,
        True,
        False,
    ]


def test_decimal_and_fraction_rates_agree():
    assert GrowthRule(Fraction("0.2"), 3) == GrowthRule(Fraction(1, 5), 3)


def test_float_comparison_would_be_wrong_here():
    """The reason for exact arithmetic: 1.2 ** 3 is not 1.728 in binary floating point."""
    assert 216 / 125 > 1.2**3  # a float test would call 125 -> 216 a scaleup
    assert not DEFAULT.exceeds(125, 216)


def test_turnovers_near_ten_to_the_ten_beyond_int64(backend):
    """q ** w * turnover overflows int64 (and DECIMAL(38) here): exact all the same."""
    rule = GrowthRule(Fraction(1, 10**7 + 19), 4)  # q**w ~ 1e28
    assert not rule.fits_int64(10**10)
    start = 9_999_999_967
    q, p = rule.rate.denominator, rule.rate.numerator
    # The smallest end value that passes, found in exact integers.
    boundary = start * (p + q) ** 4 // q**4
    pairs = [(start, boundary), (start, boundary + 1), (start, boundary - 1)]
    expected = [rule.exceeds(s, e) for s, e in pairs]
    assert expected == [False, True, False]
    assert engine_flags(backend, rule, pairs) == expected


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    p=st.integers(1, 10**6),
    q=st.integers(1, 10**6),
    window=st.integers(1, 6),
    starts=st.lists(st.integers(0, 2 * 10**10), min_size=1, max_size=8),
    nudges=st.lists(st.integers(-2, 2), min_size=8, max_size=8),
)
def test_any_rate_window_and_size(backend, p, q, window, starts, nudges):
    rule = GrowthRule(Fraction(p, q), window)
    pairs = []
    for start, nudge in zip(starts, nudges, strict=False):
        end = start * rule.start_factor // rule.end_factor + nudge  # around the boundary
        if 0 <= end <= INT64_MAX:
            pairs.append((start, end))
    if not pairs:
        return
    expected = [rule.exceeds(s, e) for s, e in pairs]
    assert engine_flags(backend, rule, pairs) == expected
    assert engine_flags(backend, rule, pairs, force_float=True) == expected


def test_absurd_rate_does_not_overflow(backend):
    rule = GrowthRule(Fraction(10**30), 20)
    pairs = [(1, INT64_MAX), (0, 1), (0, 0), (5, 10**18)]
    assert engine_flags(backend, rule, pairs) == [False, True, False, False]
