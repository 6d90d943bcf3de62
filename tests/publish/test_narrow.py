"""The charts drawn for a phone (publish/narrow.py): each picture exactly narrow.WIDTH px wide,
every word at least 12 px and level, every local authority kept (withheld ones said so), long
names over two lines rather than cut, the outlier off scale as on the wide chart."""

from __future__ import annotations

import re

import pytest

from scaleup.publish import narrow
from scaleup.publish.charts import density_chart, density_strip, matrix_chart

LONG = "Bournemouth, Christchurch and Poole with a name longer than most"
NAMES = ["Avon", "Brook", LONG, "Dale", "Eden", "City of Outliers", "Fenwick"]


def _lads(trends: bool) -> list[dict]:  # type: ignore[type-arg]
    densities = [12.5, 14.25, 9.75, 18.0, 11.0, 3497.64, "[c]"]
    lads = []
    for i, (name, d) in enumerate(zip(NAMES, densities, strict=True)):
        row = {
            "lad_name": name, "density": d, "density_median": 13.125,
            "density_above_median": d > 13.125 if d != "[c]" else "[c]",
            "trend": (0.5 + i * 0.1 if i < 5 else -225.8412 if i == 5 else "[c]")
            if trends else None,
            "trend_median": 0.7 if trends else None,
            "trend_above_median": ((i > 2 and i < 5) if i < 6 else "[c]") if trends else None,
        }  # fmt: skip
        lads.append({"lad_code": f"E0900000{i}", "lad_name": name, "measures": {"employment": row}})
    return lads


YEARS = [{"year": 2017 + i, "density_any": 20.0 + i} for i in range(8)]
UK = [{"year": 2017 + i, "density_any": 16.0 + i / 2} for i in range(8)]
COMPARISON = "UK median (of all local authority densities)"


def _texts(svg: str) -> list[str]:
    """Each text element's words, its lines (tspans) joined by a space."""
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", t)).strip()
        for t in re.findall(r"<text\b[^>]*>.*?</text>", svg, re.DOTALL)
    ]


def _check_fits_and_is_legible(svg: str) -> None:
    width = re.findall(r'<svg[^>]*? width="(\d+)"', svg)[0]
    assert int(width) == narrow.WIDTH
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)px"', svg)]
    assert sizes and min(sizes) >= 12
    # nothing is turned but the vertical axis's title
    turned = re.findall(r"<text\b[^>]*rotate\([^>]*>(.*?)</text>", svg)
    assert len(turned) <= 1


@pytest.fixture(params=["matrix", "bars", "over_time"])
def drawn(request: pytest.FixtureRequest) -> tuple[str, str]:
    kind = request.param
    if kind == "matrix":
        return kind, narrow.matrix(_lads(trends=True), "employment", "UK median", "A matrix")
    if kind == "bars":
        return kind, narrow.bars(_lads(trends=False), "employment", 13.125, "UK median", "Bars")
    return kind, narrow.over_time("Outland", YEARS, UK, "any", COMPARISON, "Over time")


def test_each_phone_chart_fits_a_phone_and_its_words_are_12px(drawn: tuple[str, str]) -> None:
    kind, svg = drawn
    _check_fits_and_is_legible(svg)
    assert 'role="img"' in svg and "aria-label=" in svg


def test_the_bars_keep_every_local_authority_with_its_value_or_why_not() -> None:
    svg = narrow.bars(_lads(trends=False), "employment", 13.125, "UK median", "Bars")
    texts = _texts(svg)
    for name in NAMES:
        assert name in texts  # the long one too, over two lines, not cut short
    assert "withheld [c]" in texts  # Fenwick keeps its row
    assert "3,497.6 (off scale)" in texts and "//" in texts  # cut short, marked, valued
    assert "UK median 13.1" in texts
    titles = re.findall(r"<title>([^<]*)</title>", svg)
    assert (
        "Avon: density 12.5" in titles and "City of Outliers: density 3,497.6 (off scale)" in titles
    )
    # the order is the wide chart's: highest first, then the LADs without a value
    wide = density_strip("Outland", _lads(trends=False), "employment", 13.125)
    assert wide is not None
    order = [t for t in texts if t in NAMES]
    assert order[0] == "City of Outliers" and order[-1] == "Fenwick"
    assert order == sorted(order, key=[t for t in _texts(wide.svg) if t in NAMES].index)


def test_the_matrix_draws_what_the_wide_one_does_with_shorter_words() -> None:
    lads = _lads(trends=True)
    svg = narrow.matrix(lads, "employment", "UK median", "A matrix")
    wide = matrix_chart("Outland", _lads(trends=True), "employment")
    assert wide is not None and wide.kind == "matrix"
    titles = sorted(re.findall(r"<title>([^<]*)</title>", svg))
    assert titles == sorted(re.findall(r"<title>([^<]*)</title>", wide.svg))
    texts = _texts(svg)
    assert "City of Outliers (off scale)" in texts
    assert {"Both above", "Density above", "Trend above", "Both at or below"} <= set(texts)
    assert "UK median trend +0.70" in texts and "UK median density 13.1" in texts


def test_without_trends_the_phone_matrix_is_the_bars_as_on_the_wide_page() -> None:
    lads = _lads(trends=False)
    wide = matrix_chart("Outland", lads, "employment")
    assert wide is not None and wide.kind == "density"
    svg = narrow.matrix(lads, "employment", "UK median", "Bars")
    assert svg == narrow.bars(lads, "employment", 13.125, "UK median", "Bars")


def test_the_years_stay_level_and_every_other_one_is_named_when_all_would_not_fit() -> None:
    svg = narrow.over_time("Outland", YEARS, UK, "any", COMPARISON, "Over time")
    years = [t for t in _texts(svg) if re.fullmatch(r"20\d\d", t)]
    assert years == ["2018", "2020", "2022", "2024"]  # the latest always named
    short = narrow.over_time("Outland", YEARS[-4:], UK[-4:], "any", COMPARISON, "Over time")
    assert [t for t in _texts(short) if re.fullmatch(r"20\d\d", t)] == [
        "2021", "2022", "2023", "2024"
    ]  # fmt: skip
    texts = _texts(svg)
    assert COMPARISON in texts  # the legend's long name over two lines, whole
    assert "27.0" in texts and "19.5" in texts  # each line's latest value
    wide = density_chart("Outland", YEARS, UK, "any", COMPARISON)
    assert wide is not None
    titles = re.findall(r"<title>([^<]*)</title>", svg)
    assert sorted(titles) == sorted(re.findall(r"<title>([^<]*)</title>", wide.svg))
