"""Hand-made boundary cases, each checked against the engine and the oracle."""

from __future__ import annotations

import math
import random
from fractions import Fraction
from pathlib import Path

from scaleup.pipeline import compute_review

from .oracle import Rules, World, review
from .worlds import lad, population_for, review_differences, settings_of, write_world

A1, A2 = "E37000001", "E37000002"


def world_of(panel, areas=None, years=range(2015, 2020)) -> World:
    areas = areas or {A1: [lad(1), lad(2)]}
    lads = sorted({x for m in areas.values() for x in m})
    return World(panel=panel, population=population_for(lads, years, random.Random(7)), areas=areas)


def run(backend, tmp_path: Path, world: World, rules: Rules = Rules(), raw: bool = True):
    inputs = write_world(world, tmp_path)
    got = compute_review(inputs, settings_of(rules), raw=raw, backend=backend)
    diffs = review_differences(got, review(world, rules, raw=raw))
    assert not diffs, "\n".join(diffs[:5])
    return got


def cell(tables, lad_code, year, column):
    frame = tables.lad_year
    row = frame[(frame.lad_code == lad_code) & (frame.year == year)]
    assert len(row) == 1
    return row.iloc[0][column]


def firm(eid, lad_code, values, first=2015):
    """Rows for one enterprise: values = [(employees, turnover) or None per year]."""
    return [(eid, first + i, lad_code, v[0], v[1]) for i, v in enumerate(values) if v is not None]


def test_exactly_72_8_percent_is_not_a_scaleup(backend, tmp_path):
    panel = firm("A", lad(1), [(125, 125), None, None, (216, 216)])
    panel += firm("B", lad(1), [(125, 125), None, None, (217, 217)])
    panel += firm("C", lad(2), [(10, 1), None, None, (10, 1), (10, 1)])
    t = run(backend, tmp_path, world_of(panel))
    assert cell(t, lad(1), 2018, "employment") == 1
    assert cell(t, lad(1), 2018, "turnover") == 1
    assert cell(t, lad(1), 2018, "both") == 1
    assert cell(t, lad(1), 2018, "any") == 1


def test_start_size_exactly_the_minimum(backend, tmp_path):
    panel = firm("A", lad(1), [(10, 0), None, None, (30, 0)])
    panel += firm("B", lad(1), [(9, 0), None, None, (30, 0)])
    panel += firm("Z", lad(2), [(1, 1), None, None, None, (1, 1)])
    t = run(backend, tmp_path, world_of(panel))
    assert cell(t, lad(1), 2018, "employment") == 1


def test_zero_start_turnover_is_not_a_turnover_scaleup(backend, tmp_path):
    panel = firm("A", lad(1), [(20, 0), None, None, (20, 10**9)])
    panel += firm("Z", lad(2), [(1, 1), None, None, None, (1, 1)])
    t = run(backend, tmp_path, world_of(panel))
    assert cell(t, lad(1), 2018, "turnover") == 0


def test_missing_start_year_is_not_assessed(backend, tmp_path):
    panel = firm("A", lad(1), [None, (20, 10), (40, 40), (80, 80), (160, 160)])
    panel += firm("Z", lad(2), [(1, 1)])
    t = run(backend, tmp_path, world_of(panel))
    assert cell(t, lad(1), 2018, "any") == 0  # 2015 missing
    assert cell(t, lad(1), 2019, "any") == 1  # 2016 -> 2019


def test_enterprise_that_moves_counts_where_it_ends(backend, tmp_path):
    panel = [("A", 2015, lad(1), 20, 20), ("A", 2018, lad(2), 100, 100)]
    panel += firm("Z", lad(1), [None, None, None, None, (1, 1)])
    t = run(backend, tmp_path, world_of(panel))
    assert cell(t, lad(1), 2018, "any") == 0
    assert cell(t, lad(2), 2018, "any") == 1


def test_lad_in_two_areas_counts_in_full_in_each(backend, tmp_path):
    areas = {A1: [lad(1), lad(2)], A2: [lad(2), lad(3)]}
    panel = firm("A", lad(2), [(20, 20), None, None, (100, 100)])
    panel += firm("Z", lad(1), [None, None, None, None, (1, 1)])
    t = run(backend, tmp_path, world_of(panel, areas))
    frame = t.area_year[t.area_year.year == 2018].set_index("area_code")
    assert frame.loc[A1, "any"] == 1 and frame.loc[A2, "any"] == 1
    summary = t.area_summary.set_index("area_code")
    assert summary.loc[A1, "n_lads"] == 2 and summary.loc[A2, "n_lads"] == 2


def test_median_of_even_count_at_latest_year(backend, tmp_path):
    areas = {A1: [lad(i) for i in range(1, 5)]}
    panel = []
    for i, n in zip(range(1, 5), (0, 1, 2, 4), strict=True):
        for k in range(n):
            panel += firm(f"E{i}{k}", lad(i), [None, (20, 0), None, None, (100, 0)])
    panel += firm("Z", lad(1), [(1, 1)])
    world = world_of(panel, areas)
    world.population = {key: 100_000 for key in world.population}
    t = run(backend, tmp_path, world)
    comp = t.lad_compare[t.lad_compare.measure == "employment"]
    assert set(comp["density_median"]) == {1.5}  # (1 + 2) / 2
    assert list(comp["density_above_median"]) == [False, False, True, True]


def test_non_default_settings(backend, tmp_path):
    rules = Rules(
        growth_rate=Fraction("0.1"),
        window=2,
        min_employees=5,
        trend="ols",
        trend_years=3,
        threshold=3,
        rounding=2,
    )
    # 10% a year over 2 years: more than 21% growth. 100 -> 121 no, 100 -> 122 yes.
    panel = firm("A", lad(1), [(100, 100), None, (121, 121)])
    panel += firm("B", lad(1), [(100, 100), None, (122, 122)])
    panel += firm("C", lad(1), [(5, 0), None, (7, 0)])
    panel += firm("Z", lad(2), [(1, 1), None, None, None, (1, 1)])
    t = run(backend, tmp_path, world_of(panel), rules)
    assert cell(t, lad(1), 2017, "employment") == 2  # B and C (5 -> 7 is 40%)
    run(backend, tmp_path / "published", world_of(panel), rules, raw=False)


def test_turnovers_near_ten_to_the_ten(backend, tmp_path):
    rules = Rules(growth_rate=Fraction(1, 997), window=3)
    start = 9_999_999_989
    boundary = start * 998**3 // 997**3
    panel = firm("A", lad(1), [(10, start), None, None, (10, boundary)])
    panel += firm("B", lad(1), [(10, start), None, None, (10, boundary + 1)])
    panel += firm("Z", lad(2), [(1, 1), None, None, None, (1, 1)])
    t = run(backend, tmp_path, world_of(panel), rules)
    assert cell(t, lad(1), 2018, "turnover") == 1


def test_flat_trend_is_zero_and_a_suppressed_one_not_available(backend, tmp_path):
    # One employment scaleup in each end year 2016-2019 and a constant population: a flat
    # density, whose least-squares slope is 0.0 (not -0.0); published, the count of 1 is
    # suppressed, so no trend is available (None, never 0).
    rules = Rules(window=1, trend="ols", trend_years=3)
    world = world_of(firm("A", lad(1), [(10, 0), (20, 0), (40, 0), (80, 0), (160, 0)]))
    world.population = {key: 100_000 for key in world.population}
    raw = run(backend, tmp_path / "raw", world, rules)
    trends = raw.area_trends[A1]
    assert trends == {"employment": 0.0, "turnover": 0.0, "any": 0.0}
    assert all(math.copysign(1, t) == 1 for t in trends.values())
    flat = raw.lad_compare[raw.lad_compare.lad_code == lad(1)]
    assert list(flat["trend"]) == [0.0, 0.0, 0.0]
    assert all(math.copysign(1, t) == 1 for t in flat["trend"])
    published = run(backend, tmp_path / "published", world, rules, raw=False)
    assert published.area_trends[A1] == {"employment": None, "turnover": None, "any": None}
    assert published.area_summary.iloc[0]["trend_any"] is None
