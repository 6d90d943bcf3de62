"""The area map: LADs shaded by their published flag, withheld LADs hatched (an SVG pattern)
and marked [c], the surrounding LADs (not in the area) in a neutral grey for context, and a
legend of only what is drawn."""

from __future__ import annotations

import re

from scaleup.data import UK_BOUNDARIES
from scaleup.publish import narrow
from scaleup.publish.charts import HATCH, MAP_LABEL, Chart, map_chart
from scaleup.publish.maps import _arcs_of, neighbours

# Amber Valley, Bolsover, Chesterfield, Derby: four neighbouring Derbyshire LADs
CODES = ["E07000032", "E07000033", "E07000034", "E06000015"]
NAMES = ["Amber Valley", "Bolsover", "Chesterfield", "Derby"]


def _lads(flags: list) -> list[dict]:  # type: ignore[type-arg]
    return [
        {"lad_code": c, "lad_name": n, "measures": {"employment": {
            "density": "[c]" if f == "[c]" else 20.0, "density_above_median": f}}}
        for c, n, f in zip(CODES, NAMES, flags, strict=True)
    ]  # fmt: skip


def _legend(chart: Chart) -> list[str]:
    """The legend's words: beside the picture (HTML), never in it (the picture shrinks to a
    phone's width, the legend's words do not)."""
    assert "role-legend" not in chart.svg
    return [chart.legend_title] + [item["label"] for item in chart.legend]


def test_neighbours_are_the_lads_that_touch_the_area() -> None:
    every = [c for c in _arcs_of(str(UK_BOUNDARIES)) if c.startswith("E0")]
    around = neighbours(CODES, every)
    assert "E07000035" in around  # Derbyshire Dales touches Amber Valley
    assert "E07000036" in around  # Erewash touches Derby
    assert not set(CODES) & set(around)
    assert "E09000001" not in around  # the City of London is nowhere near
    assert neighbours(CODES, ["E09000001"]) == []  # only among the LADs given


def test_withheld_lads_are_hatched_and_marked_and_surroundings_grey() -> None:
    around = neighbours(CODES, [c for c in _arcs_of(str(UK_BOUNDARIES)) if c.startswith("E0")])
    chart = map_chart("Testshire", _lads([True, "[c]", False, True]), {}, context=around)
    assert chart is not None
    svg = chart.svg
    assert '<pattern id="hatch-withheld"' in svg
    # Bolsover's shape is hatched, and the legend's swatch
    assert svg.count('fill="url(#hatch-withheld)"') == 1
    assert [i["label"] for i in chart.legend if i["hatched"]] == ["Withheld [c] (confidential)"]
    assert [i["colour"] for i in chart.legend if i["hatched"]] == [HATCH]
    # every LAD marked with its number in the key (alphabetical), the withheld one also
    # with [c]; each mark drawn twice (a white halo, then ink), large enough to stay 12 px
    # high on a phone (the map shrinks there)
    marks = re.findall(r'<text[^>]*font-size="(\d+)px"[^>]*>([^<]*)</text>', svg)
    width = int(re.findall(r'<svg[^>]*? width="(\d+)"', svg)[0])
    assert sorted(text for _, text in marks) == sorted(["1", "2 [c]", "3", "4"] * 2)
    assert {size for size, _ in marks} == {str(MAP_LABEL)}
    assert MAP_LABEL * narrow.WIDTH / width >= 12
    assert chart.key == [
        {"number": n, "name": name, "withheld": name == "Bolsover"}
        for n, name in enumerate(NAMES, start=1)
    ]
    assert chart.notes == [
        "Hatched and marked [c]: withheld to protect confidential data (the density of Bolsover)."
    ]
    legend = _legend(chart)
    assert "Withheld [c] (confidential)" in legend
    assert "Surrounding local authorities (not in Testshire)" in legend
    assert "Not available" not in legend  # only what is drawn
    titles = re.findall(r"<title>([^<]*)</title>", svg)
    assert "Erewash (not in Testshire)" in titles
    assert "Bolsover: density [c], withheld [c] (confidential)" in titles
    assert [r[0] for r in chart.rows] == NAMES  # the table: the area's LADs only


def test_without_withheld_lads_or_surroundings_the_legend_says_neither() -> None:
    chart = map_chart("Testshire", _lads([True, False, None, True]), {})
    assert chart is not None
    legend = _legend(chart)
    assert "pattern" not in chart.svg and not chart.notes
    assert sorted(legend) == [
        "By employment growth", "Density above the UK median",
        "Density at or below the UK median", "Not available",
    ]  # fmt: skip


def test_the_map_names_lads_as_the_review_does() -> None:
    """A review's own LAD names (e.g. a synthetic panel's) name the shapes, the hover titles
    and the withheld note, not the boundary file's names for the same codes."""
    lads = _lads(["[c]", False, True, False])
    for lad, name in zip(lads, ["Elmley", "Hartworth", "Oakfield", "Radmouth"], strict=True):
        lad["lad_name"] = name
    chart = map_chart("Dunstead", lads, {})
    assert chart is not None
    assert chart.notes and "(the density of Elmley)" in chart.notes[0]
    assert "<title>Hartworth: density" in chart.svg
    assert "Amber Valley" not in chart.svg + chart.alt + "".join(chart.notes)
