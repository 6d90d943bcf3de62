"""The area map: LADs shaded by their published flag, withheld LADs hatched (an SVG pattern)
and marked [c], the surrounding LADs (not in the area) in a neutral grey for context, and a
legend of only what is drawn."""

from __future__ import annotations

import re

from shapely.geometry import Point, shape

from scaleup.data import UK_BOUNDARIES
from scaleup.publish import narrow
from scaleup.publish.charts import (
    HATCH,
    MAP_HEIGHT,
    MAP_LABEL,
    MAP_WIDTH,
    Chart,
    map_chart,
)
from scaleup.publish.maps import (
    Frame,
    _arcs_of,
    crowded,
    label_point,
    lad_features,
    neighbours,
)

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


def _drawn_numbers(svg: str) -> list[dict[str, list[tuple[str, float, float]]]]:
    """Each view's numbers as drawn (ink, not halo): text and position in its view."""
    views = svg.split('class="mark-group role-scope concat_1_group"')
    found = []
    for view in views:
        marks = re.findall(
            r'<text[^>]*transform="translate\(([-\d.]+),([-\d.]+)\)"[^>]*'
            rf'font-size="{MAP_LABEL}px"(?![^>]*stroke=)[^>]*>([^<]*)</text>',
            view,
        )
        found.append({"numbers": [(t, float(x), float(y)) for x, y, t in marks]})
    return found


def test_numbers_that_would_touch_are_numbered_in_an_enlarged_view() -> None:
    """London's 33 boroughs: at the map's size the inner boroughs' numbers would sit on
    each other, so they are numbered in an enlarged view below the map (a dashed box on
    the map shows where); no two numbers drawn in either view touch, and none is lost."""
    codes = sorted(c for c in _arcs_of(str(UK_BOUNDARIES)) if c.startswith("E09"))
    features, missing = lad_features(codes)
    assert len(codes) == 33 and not missing
    lads = [
        {"lad_code": f["properties"]["lad_code"], "lad_name": f["properties"]["lad_name"],
         "measures": {"employment": {"density": 10.0, "density_above_median": True}}}
        for f in features
    ]  # fmt: skip
    ordered = sorted(features, key=lambda f: f["properties"]["lad_name"])
    frame = Frame.fitted(features, MAP_WIDTH, MAP_HEIGHT)
    at_centres = [(str(n), *frame.point(*label_point(f))) for n, f in enumerate(ordered, start=1)]
    assert crowded(at_centres, MAP_LABEL)  # (one map alone would not do)

    chart = map_chart("London", lads, {})
    assert chart is not None
    assert "The box on the map, enlarged" in chart.svg
    assert "numbered in an enlarged view below the map" in chart.alt
    assert 'stroke-dasharray="5,3"' in chart.svg  # the box on the map
    main, enlarged = _drawn_numbers(chart.svg)
    drawn = {t for t, _, _ in main["numbers"]} | {t for t, _, _ in enlarged["numbers"]}
    assert drawn == {str(n) for n in range(1, 34)}
    for view in (main, enlarged):
        assert not crowded(view["numbers"], MAP_LABEL)
    # the map's numbers are where the projection the enlarged view is planned with puts
    # them (Vega fits the map as Frame.fitted does; it writes a middle-aligned text's
    # position at its baseline, size / 3.4 below the middle)
    planned = {t: (x, y + MAP_LABEL / 3.4) for t, x, y in at_centres}
    for text, x, y in main["numbers"]:
        assert abs(planned[text][0] - x) < 0.5 and abs(planned[text][1] - y) < 0.5


def test_a_map_whose_numbers_fit_has_no_enlarged_view() -> None:
    chart = map_chart("Testshire", _lads([True, False, True, False]), {})
    assert chart is not None
    assert "concat_1_group" not in chart.svg and "enlarged" not in chart.alt
    assert len(_drawn_numbers(chart.svg)[0]["numbers"]) == 4


def _inside(feature: dict, lon: float, lat: float) -> bool:  # type: ignore[type-arg]
    """Whether (lon, lat) is inside the feature (holes excluded), as the boundary file
    draws it."""
    return bool(shape(feature["geometry"]).buffer(0).contains(Point(lon, lat)))


def test_a_lad_wrapped_round_another_is_numbered_in_its_own_broadest_part() -> None:
    """North East Derbyshire wraps round Chesterfield: the middle of its extent lies in
    Chesterfield; its number goes inside itself, clear of its edges."""
    (wrapped, inner), missing = lad_features(["E07000038", "E07000034"])
    assert not missing and wrapped["properties"]["lad_name"] == "North East Derbyshire"
    ring = wrapped["geometry"]["coordinates"][0]
    if wrapped["geometry"]["type"] == "MultiPolygon":
        ring = max((part[0] for part in wrapped["geometry"]["coordinates"]), key=len)
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    middle = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    assert _inside(inner, *middle) and not _inside(wrapped, *middle)
    point = label_point(wrapped)
    assert _inside(wrapped, *point) and not _inside(inner, *point)
    # every LAD of the boundary file gets a point inside itself
    codes = sorted(_arcs_of(str(UK_BOUNDARIES)))
    features, _ = lad_features(codes)
    outside = [f["properties"]["lad_code"] for f in features if not _inside(f, *label_point(f))]
    assert outside == []


def test_a_lad_without_a_boundary_is_counted_and_named_not_dropped() -> None:
    """A LAD the shipped boundaries do not have (a synthetic review's made-up code) is
    not on the map: the title counts the area's LADs, not only those drawn, and a note
    names the others (the data table lists them all)."""
    lads = _lads([True, False, True, False])
    lads[3] = {**lads[3], "lad_code": "E07999999", "lad_name": "Elmbury"}
    chart = map_chart("Testshire", lads, {})
    assert chart is not None
    assert chart.title.startswith("3 of the 4 local authorities of Testshire, shaded")
    assert "Map of 3 of the 4 local authorities in Testshire" in chart.alt
    assert "Not on the map (no boundary in the shipped file): Elmbury (E07999999)." in chart.notes
    assert [r[0] for r in chart.rows] == [*NAMES[:3], "Elmbury"]
    whole = map_chart("Testshire", _lads([True, False, True, False]), {})
    assert whole is not None and whole.title.startswith("The 4 local authorities of Testshire")
