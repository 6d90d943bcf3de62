"""Charts drawn in worker processes: the same SVG as drawn in the build's own process,
clip paths named after the drawing, vl-convert's errors kept, a dead worker survived."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from scaleup.publish import drawing

CLIPPED = {
    "data": {"values": [{"x": i, "y": i * i} for i in range(-5, 12)]},
    "mark": {"type": "line", "clip": True},
    "encoding": {
        "x": {"field": "x", "type": "quantitative", "scale": {"domain": [0, 6]}},
        "y": {"field": "y", "type": "quantitative", "scale": {"domain": [0, 30.000000000000004]}},
    },
    "width": 200,
    "height": 100,
}
BAD = {"mark": "nonsense", "data": {"values": [{"a": 1}]}}


@pytest.fixture
def workers() -> Iterator[None]:
    drawing.set_workers(2)
    yield
    drawing.set_workers(None)


def draw_here(spec: dict) -> str:
    drawing.set_workers(0)
    try:
        return drawing.svg(spec)
    finally:
        drawing.set_workers(2)


def test_workers_draw_what_this_process_draws(workers: None) -> None:
    spec = {**CLIPPED, "title": "Squares"}  # a domain of 30.000000000000004: numbers exact
    assert drawing.svg(spec) == draw_here(spec)


def test_clip_paths_are_named_after_the_drawing_not_a_counter(workers: None) -> None:
    first, second = drawing.svg(CLIPPED), drawing.svg(CLIPPED)
    assert first == second  # the engine's counter has moved on between the two
    ids = re.findall(r'<clipPath id="([^"]+)"', first)
    assert len(ids) == 1 and re.fullmatch(r"clip-[0-9a-f]{8}-1", ids[0])
    assert f"url(#{ids[0]})" in first
    other = drawing.svg({**CLIPPED, "width": 300})
    assert re.findall(r'<clipPath id="([^"]+)"', other) != ids  # unique on a page


def test_a_bad_specification_is_vl_converts_error_in_either_process(workers: None) -> None:
    with pytest.raises(ValueError, match="conversion failed") as in_worker:
        drawing.svg(BAD)
    drawing.set_workers(0)
    with pytest.raises(ValueError, match="conversion failed") as here:
        drawing.svg(BAD)
    assert str(in_worker.value).splitlines()[0] == str(here.value).splitlines()[0]


def test_a_dead_worker_leaves_the_drawing_to_this_process(workers: None) -> None:
    expected = drawing.svg(CLIPPED)
    for worker in drawing._started:
        worker.process.kill()
        worker.process.wait()
    assert drawing.svg(CLIPPED) == expected
    assert drawing._started == []  # the rest are drawn here
    assert drawing.svg(CLIPPED) == expected
