"""The area page's charts drawn for a phone: the same data as publish/charts.py, laid out
for a screen 360 px wide with every label 12 px high (issue 11; GSS charts guidance).

A wide chart (about 580 px) would be shrunk or scrolled sideways on a phone. The page carries
both pictures and a CSS media query shows one; the chart's data table is given once. Each
narrow picture is exactly ``WIDTH`` px wide (Vega-Lite's ``fit-x``: axes, labels and legend
included): bars with the local authority's name above each bar, so that long names need no
room beside the axis; the matrix with shorter quadrant and line labels; the time series
with fewer year labels, never rotated. Specifications are plain dicts (no Altair objects),
so a variant costs one drawing and little else.
"""

from __future__ import annotations

import json
from typing import Any

from scaleup.publish.charts import (
    ACCENT,
    INK,
    MUTED,
    density_series,
    layer,
    matrix_frame,
    matrix_points,
    spec_to_svg,
    strip_parts,
)
from scaleup.publish.format import decimal, is_number, trend

WIDTH = 328
"""The whole picture's width: a 360 px screen less the page's margins (16 px each side)."""
CHAR = 7.6
"""A generous width of one character of 12 px DejaVu Sans, for choosing what fits."""
QUADRANTS = {
    ("above", "above"): "Both above",
    ("above", "below"): "Density above",
    ("below", "above"): "Trend above",
    ("below", "below"): "Both at or below",
}
"""The matrix's corners in few words (the axes' titles say of what)."""


def _spec(layers: list[dict[str, Any]], height: float | dict[str, float]) -> dict[str, Any]:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": WIDTH,
        "height": height,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "layer": layers,
    }


def _layer(values: list[dict[str, Any]], mark: dict[str, Any], **encoding: Any) -> dict[str, Any]:
    """One layer, as the wide charts make it (:func:`scaleup.publish.charts.layer`): here the
    mark is given whole and the channels by name."""
    kind, props = mark["type"], {k: v for k, v in mark.items() if k != "type"}
    return layer(values, kind, encoding, **props)


def _lines(text: str, room: float) -> list[str]:
    """``text`` broken at spaces into lines of at most ``room`` px (estimated)."""
    most = max(1, int(room // CHAR))
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= most:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def matrix(lads: list[dict[str, Any]], measure: str, benchmark: str, alt_text: str) -> str:
    """The local authority matrix (density against trend) for a phone; the density bars
    when the trend is not available (as :func:`charts.matrix_chart` does)."""
    found = matrix_points(lads, measure)
    if found is None:
        return ""
    _, dm, tm, points = found
    if not points or not is_number(tm):
        return bars(lads, measure, dm, benchmark, alt_text)
    frame = matrix_frame(points, tm, dm)
    x_dom = [tm - frame.pad_x, tm + frame.pad_x]
    y_dom = [frame.y_lo, frame.y_hi]
    x_title, y_title = "Trend: change in density per year", "Density: scaleups per 100,000"

    def x(field: str) -> dict[str, Any]:
        return {"field": field, "type": "quantitative", "title": x_title,
                "scale": {"domain": x_dom, "nice": False, "zero": False},
                "axis": {"tickCount": 4}}  # fmt: skip

    def y(field: str) -> dict[str, Any]:
        return {"field": field, "type": "quantitative", "title": y_title,
                "scale": {"domain": y_dom, "nice": False, "zero": False},
                "axis": {"tickCount": 6}}  # fmt: skip

    inset = (frame.y_hi - frame.y_lo) * 0.025
    layers = [
        _layer([{"x": tm + sx * frame.pad_x * 0.97,
                 "y": frame.y_hi - inset if sy > 0 else frame.y_lo + inset,
                 "text": QUADRANTS[(d, t)]}],
               {"type": "text", "color": MUTED, "fontSize": 12, "baseline": "middle",
                "align": "right" if sx > 0 else "left", "aria": False},
               x=x("x"), y=y("y"), text={"field": "text"})
        for (d, sy) in (("above", 1), ("below", -1))
        for (t, sx) in (("above", 1), ("below", -1))
        if sy > 0 or dm - frame.y_lo >= (frame.y_hi - frame.y_lo) * 0.1
    ]  # fmt: skip
    rule = {"type": "rule", "color": INK, "strokeWidth": 1.5, "aria": False}
    layers += [
        _layer([{"x": tm}], rule, x=x("x")),
        _layer([{"y": dm}], rule, y=y("y")),
        # the benchmark lines' names in two short lines each, inside the plot
        _layer([{"x": tm, "y": frame.y_hi - (frame.y_hi - frame.y_lo) * 0.1,
                 "text": [benchmark, f"trend {trend(tm)}"]}],
               {"type": "text", "color": INK, "fontSize": 12, "align": "left", "dx": 4,
                "baseline": "top", "aria": False},
               x=x("x"), y=y("y"), text={"field": "text"}),
        _layer([{"x": tm + frame.pad_x * 0.97, "y": dm,
                 "text": [benchmark, f"density {decimal(dm, 1)}"]}],
               {"type": "text", "color": INK, "fontSize": 12, "align": "right", "dy": -20,
                "baseline": "bottom", "aria": False},
               x=x("x"), y=y("y"), text={"field": "text"}),
    ]  # fmt: skip
    near = [{k: p[k] for k in ("x", "y", "label")} for p in points if not p["off"]]
    if near:
        layers.append(
            _layer(near, {"type": "circle", "size": 60, "color": ACCENT, "opacity": 0.85},
                   x=x("x"), y=y("y"), description={"field": "label"})
        )  # fmt: skip
    for p in frame.far:
        point = {k: p[k] for k in ("x", "y", "label", "text")}
        layers += [
            _layer([point], {"type": "point", "shape": p["shape"], "size": 100, "filled": True,
                             "color": ACCENT, "opacity": 1},
                   x=x("x"), y=y("y"), description={"field": "label"}),
            _layer([point], {"type": "text", "fontSize": 12, "color": INK, "fontWeight": "bold",
                             "align": p["align"], "dx": p["dx"], "dy": p["dy"],
                             "baseline": "middle", "aria": False},
                   x=x("x"), y=y("y"), text={"field": "text"}),
        ]  # fmt: skip
    return spec_to_svg(_spec(layers, 300), alt_text)


ROW = 40
"""Height of one local authority's row of the bar chart: its name, then its bar."""
LINE = 15
"""Height of one more line of a long name (12 px text)."""


def bars(
    lads: list[dict[str, Any]], measure: str, median: float, benchmark: str, alt_text: str
) -> str:
    """The density of each LAD as a horizontal bar under its name, its value at the row's
    right end; withheld and not-available LADs keep their row, said so in words."""
    parts = strip_parts(lads, measure, median)
    if parts is None:
        return ""
    y = {"field": "lad", "type": "nominal", "sort": parts.order, "axis": None,
         "scale": {"paddingInner": 0, "paddingOuter": 0}}  # fmt: skip
    x_scale = {"domain": [0, parts.top], "nice": False}
    x = {"field": "density", "type": "quantitative", "scale": x_scale,
         "title": "Scaleups per 100,000 residents", "axis": {"tickCount": 4}}  # fmt: skip
    # each row: the name and the value on one line, the bar under them
    rows = [{"lad": b["lad"], "density": b["density"], "label": b["label"],
             "value": decimal(b["density"], 1)} for b in parts.bars]  # fmt: skip
    far = [{"lad": b["lad"], "density": parts.top, "brk": parts.top * 0.93,
            "label": b["label"] + " (off scale)",
            "value": f"{decimal(b['density'], 1)} (off scale)"} for b in parts.far]  # fmt: skip
    gaps = [{"lad": g["lad"], "value": g["text"]} for g in parts.gaps]
    # a name longer than its row's room (beside the value) goes over two or more lines
    values = {r["lad"]: r["value"] for r in rows + far + gaps}
    lines = {
        name: _lines(name, WIDTH - 20 - CHAR * len(values.get(name, ""))) for name in parts.order
    }
    extra = max(len(v) for v in lines.values()) - 1
    # each name's last line just over its bar, level with the value
    names = [
        {"lad": name, "lines": [""] * (extra + 1 - len(lines[name])) + lines[name]}
        for name in parts.order
    ]
    # a row: the name's lines, the value level with the last one, the bar under them
    half = (ROW + LINE * extra) / 2
    bar_at = half - 12
    label = {"type": "text", "fontSize": 12, "baseline": "bottom", "dy": bar_at - 11, "aria": False}
    layers = [
        _layer(
            names,
            {**label, "align": "left", "x": 0, "color": INK, "baseline": "top", "dy": 4 - half},
            y=y,
            text={"field": "lines"},
        ),
    ]
    if rows or far:
        layers += [
            _layer(rows + far, {"type": "bar", "color": ACCENT, "size": 14, "yOffset": bar_at},
                   x=x, y=y, description={"field": "label"}),
            _layer(rows + far, {**label, "align": "right", "x": "width", "color": INK,
                                "fontWeight": "bold"}, y=y, text={"field": "value"}),
        ]  # fmt: skip
    if far:
        layers.append(
            _layer(far, {"type": "text", "text": "//", "fontSize": 16, "fontWeight": "bold",
                         "color": "white", "baseline": "middle", "yOffset": bar_at, "aria": False},
                   x={"field": "brk", "type": "quantitative", "scale": x_scale}, y=y)
        )  # fmt: skip
    if gaps:
        layers.append(
            _layer(gaps, {**label, "align": "right", "x": "width", "color": MUTED,
                          "fontStyle": "italic"}, y=y, text={"field": "value"})
        )  # fmt: skip
    layers += [
        # the benchmark as a mark through each bar, so that it never crosses a name
        _layer([{"lad": name, "density": median} for name in parts.order],
               {"type": "tick", "orient": "vertical", "color": INK, "thickness": 2, "opacity": 1,
                "size": 20, "yOffset": bar_at, "aria": False}, x=x, y=y),
        _layer([{"density": median, "text": f"{benchmark} {decimal(median, 1)}"}],
               {"type": "text", "fontSize": 12, "color": INK, "baseline": "bottom", "dy": -4,
                "y": 0, "align": "left" if median < parts.top / 2 else "right",
                "dx": 4 if median < parts.top / 2 else -4, "aria": False},
               x=x, text={"field": "text"}),
    ]  # fmt: skip
    return spec_to_svg(_spec(layers, {"step": 2 * half}), alt_text)


def over_time(
    area_name: str, years: list[dict[str, Any]], uk_years: list[dict[str, Any]], measure: str,
    comparison: str, alt_text: str,
) -> str:  # fmt: skip
    """Density over time for a phone: the year labels level (every other year when all
    would not fit), the legend's long names over two lines."""
    series = density_series(area_name, years, uk_years, measure, comparison)
    if not series:
        return ""
    shown = sorted({s["year"] for s in series})
    room = WIDTH - 110  # the vertical axis and the end values take the rest
    if len(shown) * 5 * CHAR > room:
        shown = [yr for yr in shown if (shown[-1] - yr) % 2 == 0]
    wrapped = {name: _lines(name, WIDTH - 40) for name in (area_name, comparison)}
    label_expr = " : ".join(
        f"datum.label === {json.dumps(name)} ? {json.dumps(lines)}"
        for name, lines in wrapped.items()
        if len(lines) > 1
    )
    legend: dict[str, Any] = {"title": None, "orient": "bottom", "columns": 1, "labelLimit": 0}
    if label_expr:
        legend["labelExpr"] = label_expr + " : datum.label"
    colour = {"field": "series", "type": "nominal", "legend": legend,
              "scale": {"domain": [area_name, comparison], "range": [ACCENT, MUTED]}}  # fmt: skip
    x = {"field": "year", "type": "ordinal", "title": "Year (end of the growth window)",
         "axis": {"labelAngle": 0, "values": shown}}  # fmt: skip
    y = {"field": "density", "type": "quantitative", "title": "Scaleups per 100,000 residents"}
    ends = [
        {**max((s for s in series if s["series"] == name), key=lambda s: s["year"])}
        for name in (area_name, comparison)
        if any(s["series"] == name for s in series)
    ]
    for end in ends:
        end["text"] = decimal(end["density"], 1)
    layers = [
        _layer(series, {"type": "line", "strokeWidth": 2.5, "aria": False},
               x=x, y=y, color=colour),
        _layer(series, {"type": "point", "filled": True, "size": 40},
               x=x, y=y, color=colour, description={"field": "label"}),
        _layer(ends, {"type": "text", "align": "left", "dx": 6, "fontSize": 12,
                      "fontWeight": "bold", "aria": False},
               x=x, y=y, text={"field": "text"}, color={**colour, "legend": None}),
    ]  # fmt: skip
    return spec_to_svg(_spec(layers, 240), alt_text)
