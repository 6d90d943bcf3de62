"""Counts given as a file give the same review as the panel they were counted from."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaleup.pipeline import compute_review

from .oracle import raw_counts, review
from .worlds import review_differences, rules_st, settings_of, worlds_st, write_csv, write_world


@st.composite
def cases(draw):
    rules = draw(rules_st())
    return rules, draw(worlds_st(rules)), draw(st.booleans())


# Spark answers each query in about a second, so it gets fewer worlds.
EXAMPLES = {"duckdb": 12, "pyspark": 2}


def test_counts_file_matches_oracle(backend):
    @settings(
        max_examples=EXAMPLES[backend.name],
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(case=cases())
    def one_world(case):
        check(backend, *case)

    one_world()


def check(backend, rules, world, raw):
    counted = raw_counts(world, rules)
    expected = review(world, rules, raw=raw)
    with tempfile.TemporaryDirectory() as tmp:
        inputs = write_world(world, Path(tmp))
        counts = write_csv(
            Path(tmp) / "counts.csv",
            ["lad_code", "year", "employment", "turnover", "both"],
            [
                [lad, y, c["employment"], c["turnover"], c["both"]]
                for (lad, y), c in counted.items()
            ],
        )
        got = compute_review(
            type(inputs)(population=inputs.population, geography=inputs.geography, counts=counts),
            settings_of(rules),
            raw=raw,
            backend=backend,
        )
    assert got.meta.measures == ("employment", "turnover", "any")
    diffs = review_differences(got, expected)
    assert not diffs, "\n".join(diffs[:10])
