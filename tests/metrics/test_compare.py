"""The comparison with the UK median and the trend rule, in exact arithmetic."""

from __future__ import annotations

import math
from fractions import Fraction as F

from scaleup.config import MetricsSettings
from scaleup.metrics.compare import compare
from scaleup.metrics.density import density
from scaleup.metrics.trend import trend, trend_window


def test_a_lad_exactly_at_the_median_is_not_above():
    values = {
        ("A", "employment"): (F(1, 3), F(-1, 10)),
        ("B", "employment"): (F(1, 3), F(1, 10)),
        ("C", "employment"): (F(2, 3), F(0)),
        ("D", "employment"): (F(1, 6), F(0)),
        ("E", "employment"): (None, None),
    }
    got = compare(values)
    assert got[("A", "employment")]["density_median"] == F(1, 3)  # mean of 1/3 and 1/3
    assert got[("A", "employment")]["trend_median"] == 0  # mean of the middle 0 and 0
    flags = {k[0]: (v["density_above_median"], v["trend_above_median"]) for k, v in got.items()}
    assert flags == {
        "A": (False, False),
        "B": (False, True),
        "C": (True, False),
        "D": (False, False),
        "E": (None, None),
    }
    assert got[("B", "employment")]["quadrant"] == "below/above"
    assert got[("E", "employment")]["quadrant"] is None


def test_ties_that_floating_point_gets_wrong_are_exact():
    # 0.1 + 0.2 style error: the float mean of the two middle trends is not 0.3 / 2.
    a, b = F(1, 10), F(2, 10)
    values = {("X", "any"): (F(1), a), ("Y", "any"): (F(1), b), ("Z", "any"): (F(1), (a + b) / 2)}
    values[("W", "any")] = (F(1), (a + b) / 2)
    got = compare(values)
    assert got[("Z", "any")]["trend_median"] == F(3, 20)
    assert got[("Z", "any")]["trend_above_median"] is False
    assert (0.1 + 0.2) / 2 != 0.15  # what a float median would have compared against


def test_exact_density_and_trends():
    assert density(3, 150_000) == 2
    assert density(None, 150_000) is None
    series = {2016: F(1), 2017: F(2), 2018: F(4), 2019: F(4)}
    endpoints = MetricsSettings(trend="endpoints")
    ols = MetricsSettings(trend="ols")
    assert trend(series, 2016, 2019, endpoints) == 1
    assert trend(series, 2016, 2019, ols) == F(11, 10)
    assert trend({**series, 2017: None}, 2016, 2019, endpoints) == 1
    assert trend({**series, 2017: None}, 2016, 2019, ols) is None
    assert trend({**series, 2016: None}, 2016, 2019, endpoints) is None


def test_a_flat_trend_is_zero_not_negative_zero():
    flat = {y: F(7, 3) for y in range(2016, 2020)}
    for rule in ("endpoints", "ols"):
        got = float(trend(flat, 2016, 2019, MetricsSettings(trend=rule)))
        assert got == 0 and math.copysign(1, got) == 1


def test_the_published_trend_is_the_nearest_double():
    # Densities 1/3 and 1/3 + 1/10 per 100,000 over three years: 1/30 exactly. The double
    # nearest to 1/30 is float(F(1, 30)); the float rule's ((1/3 + 0.1) - 1/3) / 3 is not.
    series = {2016: F(1, 3), 2019: F(1, 3) + F(1, 10)}
    got = trend(series, *trend_window(2019, MetricsSettings()), MetricsSettings())
    assert got == F(1, 30) and float(got) == 1 / 30
    assert ((1 / 3 + 0.1) - 1 / 3) / 3 != 1 / 30
