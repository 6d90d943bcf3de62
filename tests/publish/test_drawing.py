"""Charts drawn in worker processes: the same SVG as drawn in the build's own process,
clip paths named after the drawing, vl-convert's errors kept, a dead worker survived; text
measured in the shipped cut of DejaVu Sans as in DejaVu Sans itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import vl_convert

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


LABELS = {
    "data": {"values": [
        {"x": 1, "t": "Ynys Môn – Ŵ “quoted” −3.5", "w": "normal", "s": "normal"},
        {"x": 2, "t": "Christchurch and Poole (off scale)", "w": "bold", "s": "normal"},
        {"x": 3, "t": "withheld [c]", "w": "normal", "s": "italic"},
    ]},
    "mark": {"type": "text", "align": "left"},
    "encoding": {
        "y": {"field": "t", "type": "nominal"},
        "text": {"field": "t"},
        "fontWeight": {"field": "w", "type": "nominal", "scale": None},
        "fontStyle": {"field": "s", "type": "nominal", "scale": None},
    },
}  # fmt: skip


def test_the_page_names_its_fonts_and_never_the_measuring_one(workers: None) -> None:
    drawn = drawing.svg(LABELS, font="DejaVu Sans, Verdana, sans-serif")
    assert 'font-family="DejaVu Sans, Verdana, sans-serif"' in drawn
    assert drawing.MEASURED_IN not in drawn


@pytest.mark.skipif(
    not Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").exists(),
    reason="DejaVu Sans is not installed here",
)
def test_the_shipped_faces_measure_as_dejavu_sans_does() -> None:
    """Laid out in the cut faces or in the system's DejaVu Sans: the same picture
    (regular, bold, oblique; Welsh letters, dashes, quotes, the minus sign)."""
    family = "DejaVu Sans, Verdana, sans-serif"
    system = vl_convert.vegalite_to_svg(
        {**LABELS, "config": {"font": family}}, vl_version=drawing.VL_VERSION
    )
    drawing.set_workers(0)
    try:
        assert drawing.svg(LABELS, font=family) == drawing._named_clips(system)
    finally:
        drawing.set_workers(None)


def test_a_few_charts_are_drawn_here_without_starting_workers() -> None:
    drawing.set_workers(None)
    try:
        drawing.expect(drawing.WORTH_WORKERS - 1)
        expected = drawing.svg(CLIPPED)
        assert drawing._started == []
        drawing.expect(drawing.WORTH_WORKERS)
        if drawing.cores() > 1:
            assert drawing.svg(CLIPPED) == expected
            assert len(drawing._started) == min(drawing.cores(), drawing.MAX_WORKERS)
    finally:
        drawing.expect(None)
        drawing.set_workers(None)
