"""Disclosure control: each rule, and no suppressed cell recoverable from published tables."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaleup.metrics.disclosure import publish, round_half_up
from scaleup.pipeline import compute_review
from scaleup.tables import COUNT_COLUMNS, SUPPRESSED

from .oracle import Rules
from .worlds import rules_st, settings_of, worlds_st, write_world

L1, L2, L3 = "E07000001", "E07000002", "E07000003"
A1, A2 = "E37000001", "E37000002"


def lads(rows):
    """rows: lad_code -> (employment, turnover, both); any derived; one year."""
    data = [
        {"lad_code": k, "year": 2019, "employment": e, "turnover": t, "both": b, "any": e + t - b}
        for k, (e, t, b) in rows.items()
    ]
    return pd.DataFrame(data)


def areas_of(lad, members):
    joined = members.merge(lad, on="lad_code")
    return joined.groupby(["area_code", "year"], as_index=False)[list(COUNT_COLUMNS)].sum()


def members_of(spec):
    return pd.DataFrame(
        [{"area_code": a, "area_name": a, "lad_code": x} for a, xs in spec.items() for x in xs]
    )


def shown(frame, key, unit, measure):
    row = frame[frame[key] == unit].iloc[0]
    return SUPPRESSED if row[f"{measure}_c"] else int(row[measure])


def test_primary_below_threshold_only():
    lad = lads({L1: (9, 10, 0), L2: (40, 40, 20)})
    members = members_of({A1: [L1, L2]})
    pub, _ = publish(lad, areas_of(lad, members), members, threshold=10, rounding=1)
    assert shown(pub, "lad_code", L1, "employment") == SUPPRESSED
    assert shown(pub, "lad_code", L1, "both") == SUPPRESSED  # 0 < 10
    assert shown(pub, "lad_code", L1, "turnover") == 10  # at the threshold: published
    assert shown(pub, "lad_code", L2, "turnover") == 40


def test_secondary_in_a_row_suppresses_next_smallest_part():
    # both = 5 is primary; any = e + t - b would give it back, so the next smallest
    # (turnover 40 < employment 50 < any 85) goes too.
    lad = lads({L1: (50, 40, 5)})
    members = members_of({A1: [L1]})
    area = areas_of(lad, members)
    pub, area_pub = publish(lad, area, members, threshold=10, rounding=1)
    assert [shown(pub, "lad_code", L1, m) for m in COUNT_COLUMNS] == [
        50,
        SUPPRESSED,
        SUPPRESSED,
        SUPPRESSED if shown(pub, "lad_code", L1, "any") == SUPPRESSED else 85,
    ]
    # The one-LAD area equals its LAD: its cells follow.
    assert shown(area_pub, "area_code", A1, "both") == SUPPRESSED


def test_secondary_in_a_column_across_member_lads():
    lad = lads({L1: (3, 30, 3), L2: (20, 30, 10), L3: (40, 60, 20)})
    members = members_of({A1: [L1, L2, L3]})
    pub, area_pub = publish(lad, areas_of(lad, members), members, threshold=10, rounding=1)
    assert shown(pub, "lad_code", L1, "employment") == SUPPRESSED
    assert shown(pub, "lad_code", L2, "employment") == SUPPRESSED  # next smallest member
    assert shown(area_pub, "area_code", A1, "employment") == 63


def test_lad_shared_by_two_areas_is_protected_in_both():
    lad = lads({L1: (4, 40, 4), L2: (30, 30, 10), L3: (20, 30, 10)})
    members = members_of({A1: [L1, L2], A2: [L1, L3]})
    pub, _ = publish(lad, areas_of(lad, members), members, threshold=10, rounding=1)
    assert shown(pub, "lad_code", L2, "employment") == SUPPRESSED
    assert shown(pub, "lad_code", L3, "employment") == SUPPRESSED


def test_rounding_half_up_and_any_consistent():
    assert [round_half_up(v, 5) for v in (10, 12, 13, 17, 18)] == [10, 10, 15, 15, 20]
    assert round_half_up(15, 10) == 20
    # The seed's D2N2 figures: published any = 365 + 755 - 195 = 925.
    lad = lads({L1: (366, 754, 196)})
    members = members_of({A1: [L1]})
    pub, _ = publish(lad, areas_of(lad, members), members, threshold=10, rounding=5)
    assert [shown(pub, "lad_code", L1, m) for m in COUNT_COLUMNS] == [365, 755, 195, 925]


def test_area_counts_summed_before_rounding():
    lad = lads({L1: (12, 12, 12), L2: (12, 12, 12)})
    members = members_of({A1: [L1, L2]})
    pub, area_pub = publish(lad, areas_of(lad, members), members, threshold=10, rounding=5)
    assert shown(pub, "lad_code", L1, "employment") == 10
    assert shown(area_pub, "area_code", A1, "employment") == 25  # round(24), not 10 + 10


def relations_of_published(tables, members):
    """Every relation of the published tables as a list of its cell texts; ``members``:
    each area's LAD codes."""
    rels = []
    for frame in (tables.lad_year, tables.area_year):
        for rec in frame.to_dict("records"):
            rels.append([rec[m] for m in COUNT_COLUMNS])
    lad = tables.lad_year.set_index(["lad_code", "year"])
    for rec in tables.area_year.to_dict("records"):
        for m in COUNT_COLUMNS:
            parts = [lad.loc[(x, rec["year"]), m] for x in members[rec["area_code"]]]
            rels.append([rec[m], *parts])
    return rels


@st.composite
def published_cases(draw):
    rules = draw(rules_st())
    rules.threshold = draw(st.sampled_from([2, 3, 5, 10]))
    return rules, draw(worlds_st(rules))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=published_cases())
def test_no_suppressed_cell_is_recoverable(backend, case):
    rules, world = case
    with tempfile.TemporaryDirectory() as tmp:
        inputs = write_world(world, Path(tmp))
        tables = compute_review(inputs, settings_of(rules), backend=backend)
    for cells in relations_of_published(tables, world.areas):
        assert sum(c == SUPPRESSED for c in cells) != 1, cells
    # Published counts are multiples of the rounding base; any is consistent.
    for frame in (tables.lad_year, tables.area_year):
        for rec in frame.to_dict("records"):
            values = [rec[m] for m in COUNT_COLUMNS]
            for v in values:
                assert v == SUPPRESSED or v % rules.rounding == 0
            if SUPPRESSED not in values:
                assert values[3] == values[0] + values[1] - values[2]
            if rec["employment"] == SUPPRESSED:
                assert rec["density_employment"] == SUPPRESSED


def test_derived_figures_of_suppressed_counts(backend, tmp_path):
    import random

    from .oracle import World
    from .worlds import lad as lad_code
    from .worlds import population_for

    panel = [(f"E{k}", 2015, lad_code(1), 20, 20) for k in range(30)]
    panel += [(f"E{k}", 2018, lad_code(1), 100, 100) for k in range(30)]
    panel += [(f"E{k}", 2019, lad_code(1), 100, 100) for k in range(30)]
    panel += [("S", 2016, lad_code(2), 20, 20), ("S", 2019, lad_code(2), 100, 100)]
    world = World(
        panel=panel,
        population=population_for([lad_code(1), lad_code(2)], range(2015, 2020), random.Random(1)),
        areas={A1: [lad_code(1), lad_code(2)]},
    )
    rules = Rules(trend_years=2)
    tables = compute_review(write_world(world, tmp_path), settings_of(rules), backend=backend)
    row = tables.lad_year[(tables.lad_year.lad_code == lad_code(2))]
    assert list(row["employment"]) == [SUPPRESSED, SUPPRESSED]
    assert list(row["density_employment"]) == [SUPPRESSED, SUPPRESSED]
    comp = tables.lad_compare[tables.lad_compare.lad_code == lad_code(2)]
    # Withheld, not "not available": the trend rests on suppressed counts (methodology 4).
    assert list(comp["trend"]) == [SUPPRESSED] * 3
    assert list(comp["density_above_median"]) == [SUPPRESSED] * 3
    assert list(comp["trend_above_median"]) == [SUPPRESSED] * 3
    assert list(comp["quadrant"]) == [SUPPRESSED] * 3
