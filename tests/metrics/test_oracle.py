"""The engine's tables equal the simple oracle's on many random small worlds."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaleup.pipeline import compute_review

from .oracle import review
from .worlds import rules_st, settings_of, table_differences, worlds_st, write_world

TABLES = ("lad_year", "area_year", "lad_compare", "area_summary")


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
    diffs = []
    for name in TABLES:
        diffs += table_differences(getattr(got, name), expected[name], name)
    assert not diffs, "\n".join(diffs[:10])


# Spark answers each query in about a second on a small machine, so it gets fewer worlds.
EXAMPLES = {"engine": {"duckdb": 40, "pyspark": 3}, "float": {"duckdb": 10, "pyspark": 1}}


def run_worlds(backend, path: str, force_float: bool = False) -> None:
    @settings(
        max_examples=EXAMPLES[path][backend.name],
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(case=cases())
    def one_world(case):
        rules, world, raw, parquet = case
        check(backend, rules, world, raw, parquet, force_float=force_float)

    one_world()


def test_engine_matches_oracle(backend):
    run_worlds(backend, "engine")


def test_float_recheck_path_matches_oracle(backend):
    run_worlds(backend, "float", force_float=True)
