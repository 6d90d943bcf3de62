"""The repeated-key test on packed keys: fetched in blocks, sorted only when the blocks
together do not rise strictly (a file in key order is never sorted)."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from scaleup.ingest.duplicates import _repeated, _rising


def _blocks(values: list[int], cuts: list[int]) -> list[np.ndarray]:
    edges = sorted({min(c, len(values)) for c in cuts} | {0, len(values)})
    pairs = zip(edges, edges[1:], strict=False)
    return [np.array(values[a:b], dtype=np.int64) for a, b in pairs if b > a]


@given(
    st.lists(st.integers(-(2**62), 2**62), max_size=60),
    st.lists(st.integers(0, 60), max_size=6),
    st.booleans(),
)
def test_repeated_values_in_any_blocks(values: list[int], cuts: list[int], in_order: bool):
    values = sorted(values) if in_order else values
    got = _repeated(_blocks(values, cuts))
    assert sorted(got.tolist()) == sorted(v for v, n in Counter(values).items() if n > 1)


def test_rising_blocks_need_no_sort():
    assert _rising(_blocks(list(range(10)), [3, 7]))
    assert not _rising(_blocks([0, 1, 2, 2, 3], [3]))  # equal across the blocks' edge
    assert not _rising(_blocks([0, 1, 5, 3, 4], [2]))  # falls within a block
    assert _rising([])
