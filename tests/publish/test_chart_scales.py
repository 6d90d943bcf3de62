"""Charts of an area with one extreme outlier (as City of London is in London): the axis fits
the other local authorities, the outlier is drawn at the axis's end, marked and labelled
"off scale" with its value, and the benchmark line sits inside the plot, never on its frame.
Long names are not cut short; tooltips are rounded."""

from __future__ import annotations

import re

import pytest

from scaleup.publish.charts import density_strip, matrix_chart, off_scale

LONG = "Bournemouth, Christchurch and Poole with a name longer than most"
OUTLIER = 3497.64


def _lads(trends: bool) -> list[dict]:
    densities = [12.5, 14.25, 9.75, 18.0, 11.0, OUTLIER]
    names = ["Avon", "Brook", LONG, "Dale", "Eden", "City of Outliers"]
    lads = []
    for i, (name, d) in enumerate(zip(names, densities, strict=True)):
        row = {
            "lad_name": name, "density": d, "density_median": 13.125,
            "density_above_median": d > 13.125,
            "trend": (0.5 + i * 0.1 if i < 5 else -225.8412) if trends else None,
            "trend_median": 0.7 if trends else None,
            "trend_above_median": (i > 2 and i < 5) if trends else None,
        }  # fmt: skip
        lads.append({"lad_code": f"E0900000{i}", "lad_name": name, "measures": {"employment": row}})
    return lads


def _texts(svg: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text\b[^>]*>.*?</text>", svg)]


def _axis_numbers(svg: str) -> list[float]:
    out = []
    for t in _texts(svg):
        try:
            out.append(float(t.replace(",", "").replace("\u2212", "-")))
        except ValueError:
            pass
    return out


def test_the_outlier_rule() -> None:
    assert off_scale([10, 12, 15, 20, 1000]) == {4}
    assert off_scale([10, 12, 15, 20, 60]) == set()  # high, but not extreme
    assert off_scale([1, 2, 3, 4000]) == set()  # a small chart draws everything to scale
    assert off_scale([1, 2, 3, 4000, 5000]) == set()  # it must stand apart from the next
    assert off_scale([0.5, 0.7, 0.6, 0.9, -225.8], 0.7) == {4}  # distance from the centre


def test_the_bar_chart_clips_the_outlier_and_labels_it_off_scale() -> None:
    chart = density_strip("Outland", _lads(trends=False), "employment", 13.125)
    assert chart is not None
    texts = _texts(chart.svg)
    assert "3,497.6 (off scale)" in texts and "//" in texts  # the value and the break mark
    assert max(_axis_numbers(chart.svg)) < 100  # the axis fits the others, not the outlier
    assert LONG in texts  # a long name is written whole
    assert "UK median 13.1" in texts
    assert chart.notes and "City of Outliers (3,497.6)" in chart.notes[0]
    assert "Off scale" in chart.alt
    assert ["City of Outliers", "3,497.6", "yes"] in chart.rows  # the table keeps the value
    titles = re.findall(r"<title>([^<]*)</title>", chart.svg)
    assert "City of Outliers: density 3,497.6 (off scale)" in titles
    assert all(not re.search(r"\d\.\d{3}", t) for t in titles), titles  # rounded tooltips


def _line_positions(svg: str) -> list[float]:
    return [float(x) for x in re.findall(r'<line transform="translate\(([\d.]+),', svg)]


def test_the_benchmark_line_is_inside_the_plot() -> None:
    chart = density_strip("Outland", _lads(trends=False), "employment", 13.125)
    assert chart is not None
    # the axis runs from 0 to the largest bar on scale and the median, plus room: the line
    # (13.125) is at 13.125 / (18.0 * 1.12) of the width, away from both ends
    assert 0.1 < 13.125 / (18.0 * 1.12) < 0.9


@pytest.mark.parametrize("measure", ["employment"])
def test_the_matrix_draws_the_outlier_at_its_edge(measure: str) -> None:
    chart = matrix_chart("Outland", _lads(trends=True), measure)
    assert chart is not None and chart.kind == "matrix"
    texts = _texts(chart.svg)
    assert "City of Outliers (off scale)" in texts
    assert max(abs(v) for v in _axis_numbers(chart.svg)) < 100
    assert any("Off scale: City of Outliers (density 3,497.6, trend \u2212225.84)" in n
               for n in chart.notes)  # fmt: skip
    titles = re.findall(r"<title>([^<]*)</title>", chart.svg)
    assert any(t.startswith("City of Outliers: density 3,497.6") for t in titles)
    assert all(not re.search(r"\d\.\d{3}", t) for t in titles), titles
