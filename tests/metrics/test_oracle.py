"""The engine's tables equal the simple oracle's on many random small worlds."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaleup.pipeline import compute_review

from .oracle import review
from .worlds import review_differences, rules_st, settings_of, worlds_st, write_world


@st.composite
def cases(draw):
    rules = draw(rules_st())
    return rules, draw(worlds_st(rules)), draw(st.booleans()), draw(st.booleans())


def check(backend, rules, world, raw, parquet, force_float=False):
    expected = review(world, rules, raw=raw)
    with tempfile.TemporaryDirectory() as tmp:
        inputs = write_world(world, Path(tmp), parquet=parquet)
        got = compute_review(
            inputs, settings_of(rules), raw=raw, backend=backend, force_float=force_float
        )
    diffs = review_differences(got, expected)
    assert not diffs, "\n".join(diffs[:10])


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cases())
def test_engine_matches_oracle(backend, case):
    rules, world, raw, parquet = case
    check(backend, rules, world, raw, parquet)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cases())
def test_float_recheck_path_matches_oracle(backend, case):
    rules, world, raw, parquet = case
    check(backend, rules, world, raw, parquet, force_float=True)
