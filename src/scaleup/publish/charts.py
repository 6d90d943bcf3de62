"""The area page's charts: Vega-Lite specifications drawn as static SVG at build time.

Each chart comes with a text alternative (``alt``) and the rows of its data table, so a page
works with JavaScript off and is readable without seeing the picture. LAD names show on
hover: each mark carries an SVG ``<title>``.

Specifications are plain Vega-Lite dicts (they were built with Altair, whose objects cost
more than the drawing: 0.1-0.6 s a chart, and seconds to import); publish/drawing.py draws
them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from scaleup.publish import drawing
from scaleup.publish.format import decimal, is_number, trend
from scaleup.publish.maps import Frame, crowded, label_point, lad_features
from scaleup.publish.sentences import (
    ABOVE,
    BELOW,
    NOT_AVAILABLE,
    WITHHELD,
    WITHHELD_WHY,
    lads_phrase,
    standing,
    tally,
)
from scaleup.tables import SUPPRESSED

FONT = "DejaVu Sans, Verdana, sans-serif"
INK, ACCENT, MUTED = "#1b1b1b", "#005ea5", "#6f777b"
QUADRANTS = {
    ("above", "above"): "Density above, trend above",
    ("above", "below"): "Density above, trend at or below",
    ("below", "above"): "Density at or below, trend above",
    ("below", "below"): "Density and trend at or below",
}
_LABELLED = re.compile(r'<(path|text|rect|line)([^<>]*?)aria-label="([^"]*)"([^<>]*?)/>')
_ARIA = re.compile(r'\s(?:aria-[a-z]+|role)="[^"]*"')
_PATH = re.compile(r' d="([^"]*)"')
_DECIMALS = re.compile(r"(\d+\.\d)\d+")


@dataclass
class Chart:
    """A rendered chart: SVG markup, its text alternative, and its data table."""

    name: str
    title: str
    alt: str
    svg: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    kind: str = ""
    """matrix, density, time or map: what the chart draws (the page words it so)."""
    notes: list[str] = field(default_factory=list)
    """What the chart does not draw, and why (shown under it)."""
    legend: list[dict[str, Any]] = field(default_factory=list)
    """A legend given beside the picture (the map's): each item's label, colour, and
    whether it is hatched (withheld)."""
    legend_title: str = ""
    key: list[dict[str, Any]] = field(default_factory=list)
    """The map's key beside the picture: each numbered LAD's number and name, in the order
    of the numbers (the map marks each LAD with its number, not its name, so that small
    neighbouring LADs stay readable)."""
    narrow_svg: str = ""
    """The same chart drawn for a phone (publish/narrow.py), shown on narrow screens in
    place of ``svg``; empty when ``svg`` fits a phone as it is."""

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def to_svg(
    chart: dict[str, Any],
    alt_text: str,
    *,
    datasets: dict[str, list[dict[str, Any]]] | None = None,
) -> str:
    """Render a Vega-Lite specification with vl-convert; titles for hover, one accessible
    name on the root. ``datasets`` (named data the chart refers to) join the
    specification."""
    spec = dict(chart)
    if datasets:
        spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    return spec_to_svg(spec, alt_text)


def spec_to_svg(spec: dict[str, Any], alt_text: str) -> str:
    """A Vega-Lite specification (a plain dict) drawn as :func:`to_svg` draws a chart."""
    # Text at least 12 px wherever the chart is drawn at its own size (GSS charts guidance).
    spec["config"] = {
        **spec.get("config", {}),
        "axis": {"labelFontSize": 12, "titleFontSize": 12},
        "legend": {"labelFontSize": 12, "titleFontSize": 12},
        "text": {"fontSize": 12},
    }
    # Text is measured (and the picture sized) in a wide face, DejaVu Sans, so that in a
    # browser whose sans-serif is wider than the converter's no label is cut off at the
    # picture's edge.
    svg = drawing.svg(spec, font=FONT)
    svg = _LABELLED.sub(lambda m: f"<{m[1]}{m[2]}{m[4]}><title>{m[3]}</title></{m[1]}>", svg)
    svg = _ARIA.sub("", svg)
    # a tenth of a pixel is enough: shorter paths, smaller pages
    svg = _PATH.sub(lambda m: ' d="' + _DECIMALS.sub(r"\1", m[1]) + '"', svg)
    return svg.replace(
        "<svg ", f'<svg role="img" aria-label="{html.escape(alt_text, quote=True)}" ', 1
    )


def layer(
    data: list[dict[str, Any]] | str, mark: str, encoding: dict[str, Any], **props: Any
) -> dict[str, Any]:
    """One Vega-Lite layer: ``data`` (its rows, or the name of a dataset given to
    :func:`to_svg`), its mark with ``props``, and its encoding."""
    source = {"name": data} if isinstance(data, str) else {"values": data}
    return {"data": source, "mark": {"type": mark, **props}, "encoding": encoding}


def _field(name: str, kind: str, **props: Any) -> dict[str, Any]:
    """An encoding channel: a field and its type (quantitative, nominal, ordinal)."""
    return {"field": name, "type": kind, **props}


def _layers(*layers: dict[str, Any], **props: Any) -> dict[str, Any]:
    return {"layer": list(layers), **props}


@dataclass(frozen=True)
class Flags:
    """A chart's LAD as the sentences count it: its lad_compare row per measure."""

    measures: dict[str, Any]


def _row(lad: dict[str, Any], measure: str) -> dict[str, Any]:
    """A LAD's lad_compare row on ``measure`` (empty when the table has none)."""
    return dict(lad["measures"].get(measure) or {})


def _standing_text(flag: Any) -> str:
    """A flag as a data table shows it: yes, no, withheld [c], not available."""
    word = standing(flag)
    return {ABOVE: "yes", BELOW: "no", WITHHELD: "withheld [c]"}.get(word, word)


def _unplotted(rows: list[tuple[str, str]]) -> list[str]:
    """A note for the LADs a chart cannot draw: "Not drawn, withheld ...: A, B"."""
    notes = []
    for word, why in ((WITHHELD, WITHHELD_WHY), (NOT_AVAILABLE, "not available")):
        names = [name for name, w in rows if w == word]
        if names:
            notes.append(f"Not drawn, {why}: {', '.join(names)}.")
    return notes


def drawn_text(drawn: int, n: int) -> str:
    """``the 4 local authorities`` when all are drawn, else ``3 of the 4 ...``."""
    return f"the {lads_phrase(n)}" if drawn == n else f"{drawn} of the {lads_phrase(n)}"


OFF_SCALE = 4.0
"""A value is drawn off scale when its distance from the chart's centre (zero for bars, the
benchmark for the matrix) is more than this many times the largest distance of the others."""
MIN_OFF_SCALE = 5
"""Values a chart needs before one may be drawn off scale."""


def off_scale(values: list[float], centre: float = 0.0) -> set[int]:
    """Indexes of the values drawn off scale, as statistical publishers treat an extreme
    outlier (City of London's density is twenty times most boroughs'): the axis is fitted to
    the others and the outlier is clipped at its end, marked and labelled with its value.
    Taken from the top one at a time; a chart of fewer than MIN_OFF_SCALE values draws every
    value to scale, and at least two values stay on scale."""
    order = sorted(range(len(values)), key=lambda i: abs(values[i] - centre), reverse=True)
    out: set[int] = set()
    if len(values) < MIN_OFF_SCALE:
        return out
    for n, i in enumerate(order[:-2]):
        rest = abs(values[order[n + 1]] - centre)
        if abs(values[i] - centre) > OFF_SCALE * rest and rest > 0:
            out.add(i)
        else:
            break
    return out


def off_scale_note(names: list[str], values: list[str], what: str) -> str:
    listed = ", ".join(f"{n} ({v})" for n, v in zip(names, values, strict=True))
    return (
        f"Off scale: {listed}. The {what} is cut short at the end of the axis, marked with a "
        "break, so that the other local authorities can be read; the data table gives every "
        "value."
    )


@dataclass
class MatrixFrame:
    """Where a matrix's points sit: the axes' extent around the benchmark cross, and the
    points drawn off scale (on the frame, a triangle pointing off it)."""

    pad_x: float
    pad_y: float
    y_lo: float
    y_hi: float
    far: list[dict[str, Any]]


def matrix_frame(points: list[dict[str, Any]], tm: float, dm: float) -> MatrixFrame:
    """Fit the matrix's axes to ``points`` (dicts with trend and density) around the
    benchmark trend ``tm`` and density ``dm``; give each point its drawn place (x, y),
    and the off-scale ones their shape and where their name goes (shape, align, dx, dy)."""
    off_x = off_scale([p["trend"] for p in points], tm)
    off_y = off_scale([p["density"] for p in points], dm)
    xs = [p["trend"] for i, p in enumerate(points) if i not in off_x] + [tm]
    ys = [p["density"] for i, p in enumerate(points) if i not in off_y] + [dm]
    pad_x = max(max(xs) - tm, tm - min(xs), 1e-9) * 1.15
    pad_y = max(max(ys) - dm, dm - min(ys), 1e-9) * 1.15
    # the density axis stops at zero when the medians' cross would leave room for negative
    # densities only (no LAD has one): the benchmark line stays inside the plot
    y_lo = dm - pad_y if dm - pad_y >= 0 or dm <= 0 else max(0.0, min(ys) - pad_y * 0.15)
    y_hi = dm + pad_y
    far = [p for i, p in enumerate(points) if i in off_x | off_y]
    for i, p in enumerate(points):
        # an off-scale point sits on the frame, a triangle pointing off it, named beside it
        side_x, side_y = (1 if p["trend"] > tm else -1), (1 if p["density"] > dm else -1)
        p["x"] = tm + side_x * pad_x if i in off_x else p["trend"]
        p["y"] = (y_hi if side_y > 0 else y_lo) if i in off_y else p["density"]
        p["off"] = i in off_x | off_y
        if p["off"]:
            p["label"] += " (off scale)"
            p["text"] = f"{p['lad']} (off scale)"
            p["shape"] = (
                ("triangle-up" if side_y > 0 else "triangle-down")
                if i in off_y
                else ("triangle-right" if side_x > 0 else "triangle-left")
            )
            # the name goes inside the plot: towards its middle, and under or over a point
            # on the top or bottom frame (away from the corners' quadrant labels)
            p["align"] = "right" if p["x"] > tm else "left"
            p["dx"] = -10 if p["align"] == "right" else 10
            p["dy"] = (24 if side_y > 0 else -24) if i in off_y else 0
    return MatrixFrame(pad_x, pad_y, y_lo, y_hi, far)


def matrix_points(
    lads: list[dict[str, Any]], measure: str
) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], float, Any, list[dict[str, Any]]] | None:
    """A matrix's inputs: each LAD with its row, the benchmark density and trend (the trend
    may be missing), and the points: the LADs whose density and trend are both published.
    None when no row carries the benchmark density."""
    rows = [(lad, _row(lad, measure)) for lad in lads]
    medians = [r for _, r in rows if is_number(r.get("density_median"))]
    if not medians:
        return None
    points = [
        {"lad": lad["lad_name"], "density": r["density"], "trend": r["trend"],
         "label": f"{lad['lad_name']}: density {decimal(r['density'], 1)}, "
                  f"trend {trend(r['trend'])}"}
        for lad, r in rows
        if is_number(r.get("density")) and is_number(r.get("trend"))
    ]  # fmt: skip
    return rows, medians[0]["density_median"], medians[0].get("trend_median"), points


def matrix_chart(
    area_name: str, lads: list[dict[str, Any]], measure: str, benchmark: str = "UK median"
) -> Chart | None:
    """Density (vertical) against trend (horizontal) for each LAD; the benchmark medians as
    the axes. A LAD whose density or trend is withheld or not available is not a point: it
    is named under the chart and listed in its data table."""
    found = matrix_points(lads, measure)
    if found is None:
        return None
    rows, dm, tm, points = found
    if not points or not is_number(tm):
        return density_strip(area_name, lads, measure, dm, benchmark)
    frame = matrix_frame(points, tm, dm)
    pad_x, y_lo, y_hi, far = frame.pad_x, frame.y_lo, frame.y_hi, frame.far
    x_scale = {"domain": [tm - pad_x, tm + pad_x], "nice": False, "zero": False}
    y_scale = {"domain": [y_lo, y_hi], "nice": False, "zero": False}
    inset = (y_hi - y_lo) * 0.025
    labels: list[dict[str, Any]] = [
        {"x": tm + sx * pad_x * 0.97, "y": y_hi - inset if sy > 0 else y_lo + inset,
         "text": QUADRANTS[(d, t)],
         "align": "right" if sx > 0 else "left"}
        for (d, sy) in (("above", 1), ("below", -1))
        for (t, sx) in (("above", 1), ("below", -1))
        # a band too thin for its words (the axis stops at zero just under the median)
        # goes unlabelled rather than written over the line
        if sy > 0 or dm - y_lo >= (y_hi - y_lo) * 0.1
    ]  # fmt: skip
    x_title, y_title = (
        "Trend: change in density per year",
        "Density: scaleups per 100,000 residents",
    )
    x = _field("trend", "quantitative", scale=x_scale, title=x_title, axis={"tickCount": 6})
    y = _field("density", "quantitative", scale=y_scale, title=y_title)
    at_x = _field("x", "quantitative", scale=x_scale, title=x_title, axis={"tickCount": 6})
    at_y = _field("y", "quantitative", scale=y_scale, title=y_title)
    label = _field("label", "nominal")
    near = [p for p in points if not p["off"]]
    dots = layer(
        near, "circle", {"description": label, "x": at_x, "y": at_y},
        color=ACCENT, opacity=0.85, size=90,
    )  # fmt: skip
    if far:
        dots = _layers(
            dots,
            *[
                layer([p], "point", {"description": label, "x": at_x, "y": at_y},
                       color=ACCENT, filled=True, opacity=1, shape=p["shape"], size=120)
                for p in far
            ],
            *[
                layer([p], "text", {"text": _field("text", "nominal"), "x": at_x, "y": at_y},
                       align=p["align"], aria=False, baseline="middle", color=INK, dx=p["dx"],
                       dy=p["dy"], fontSize=12, fontWeight="bold")
                for p in far
            ],
        )  # fmt: skip
    vline = layer([{"trend": tm}], "rule", {"x": x}, aria=False, color=INK, strokeWidth=1.5)
    hline = layer([{"density": dm}], "rule", {"y": y}, aria=False, color=INK, strokeWidth=1.5)
    text = _field("text", "nominal")
    rule_labels = _layers(
        layer([{"trend": tm, "density": y_hi - (y_hi - y_lo) * 0.1,
                 "text": f"{benchmark} trend {trend(tm)}"}],
               "text", {"text": text, "x": x, "y": y},
               align="left", aria=False, baseline="bottom", color=INK, dx=4, fontSize=12),
        layer([{"trend": tm + pad_x * 0.97, "density": dm,
                 "text": f"{benchmark} density {decimal(dm, 1)}"}],
               "text", {"text": text, "x": x, "y": y},
               align="right", aria=False, baseline="bottom", color=INK, dy=-4, fontSize=12),
    )  # fmt: skip
    quads = _layers(
        *[
            layer([q], "text",
                   {"text": text, "x": _field("x", "quantitative", scale=x_scale),
                    "y": _field("y", "quantitative", scale=y_scale)},
                   align=q["align"], aria=False, baseline="middle", color=MUTED, fontSize=12)
            for q in labels
        ]
    )  # fmt: skip
    growth = f"{measure} growth"
    chart = _layers(quads, vline, hline, rule_labels, dots, width=520, height=360)
    lad_list = [Flags(lad["measures"]) for lad in lads]
    density_t, trend_t = tally(lad_list, measure, "density"), tally(lad_list, measure, "trend")
    notes = _unplotted(
        [
            (lad["lad_name"], WITHHELD if WITHHELD in (
                standing(r.get("density_above_median")), standing(r.get("trend_above_median"))
            ) else NOT_AVAILABLE)
            for lad, r in rows
            if not (is_number(r.get("density")) and is_number(r.get("trend")))
        ]
    )  # fmt: skip
    if far:
        notes.append(
            off_scale_note(
                [p["lad"] for p in far],
                [f"density {decimal(p['density'], 1)}, trend {trend(p['trend'])}" for p in far],
                "point",
            ).replace(
                "cut short at the end of the axis, marked with a break",
                "drawn at the edge of the plot as a triangle pointing off it",
            )
        )
    alt_text = (
        f"Scatter chart of {drawn_text(len(points), len(lads))} in {area_name} by "
        f"scaleup density measured by {growth} (vertical) and its trend (horizontal), crossing "
        f"at the {benchmark}s (density {decimal(dm, 1)}, trend {trend(tm)}). "
        f"{density_t.above} above the {benchmark} density, {trend_t.above} above the "
        f"{benchmark} trend. " + " ".join(notes)
    ).strip()
    return Chart(
        name=f"matrix_{measure}",
        kind="matrix",
        title=f"The local authority matrix, by {growth}",
        alt=alt_text,
        svg=to_svg(chart, alt_text),
        notes=notes,
        columns=[
            "Local authority",
            "Density",
            "Trend",
            f"Density above the {benchmark}",
            f"Trend above the {benchmark}",
            "Quadrant",
        ],
        rows=[
            [
                lad["lad_name"],
                decimal(r.get("density"), 1),
                trend(r.get("trend")),
                _standing_text(r.get("density_above_median")),
                _standing_text(r.get("trend_above_median")),
                _quadrant_text(r.get("quadrant")),
            ]
            for lad, r in rows
        ],  # fmt: skip
    )


def _quadrant_text(value: Any) -> str:
    if value == SUPPRESSED:
        return "withheld [c]"
    return str(value) if value else "not available"


@dataclass
class StripParts:
    """What a density bar chart draws: each LAD with its row; the LADs top to bottom
    (highest density first, then those without one); the bars on scale; the bars off scale
    (cut short); the rows without a bar (withheld [c], not available); the axis's end."""

    rows: list[tuple[dict[str, Any], dict[str, Any]]]
    order: list[str]
    bars: list[dict[str, Any]]
    far: list[dict[str, Any]]
    gaps: list[dict[str, Any]]
    top: float


def strip_parts(lads: list[dict[str, Any]], measure: str, median: float) -> StripParts | None:
    rows = [(lad, _row(lad, measure)) for lad in lads]
    if not rows:
        return None
    drawn = sorted(
        (r["density"], lad["lad_name"]) for lad, r in rows if is_number(r.get("density"))
    )
    order = [name for _, name in reversed(drawn)] + [
        lad["lad_name"] for lad, r in rows if not is_number(r.get("density"))
    ]
    bars = [
        {"lad": lad["lad_name"], "density": r["density"],
         "label": f"{lad['lad_name']}: density {decimal(r['density'], 1)}"}
        for lad, r in rows if is_number(r.get("density"))
    ]  # fmt: skip
    off = off_scale([b["density"] for b in bars])
    far = [b for i, b in enumerate(bars) if i in off]
    bars = [b for i, b in enumerate(bars) if i not in off]
    gaps = [
        {"lad": lad["lad_name"], "density": 0,
         "text": "withheld [c]" if r.get("density") == SUPPRESSED else "not available"}
        for lad, r in rows if not is_number(r.get("density"))
    ]  # fmt: skip
    # the axis fits the bars on scale and the benchmark, with room past both (a line never
    # on the frame)
    top = max([b["density"] for b in bars] + [median]) * 1.12 or 1.0
    return StripParts(rows, order, bars, far, gaps, top)


def density_strip(
    area_name: str, lads: list[dict[str, Any]], measure: str, median: float,
    benchmark: str = "UK median",
) -> Chart | None:  # fmt: skip
    """Each LAD's density against the benchmark median density, for when trends are not
    available. A withheld or not-available LAD keeps its row, labelled."""
    parts = strip_parts(lads, measure, median)
    if parts is None:
        return None
    rows, order, bars, far, gaps, top = (
        parts.rows,
        parts.order,
        parts.bars,
        parts.far,
        parts.gaps,
        parts.top,
    )
    growth = f"{measure} growth"
    y = _field("lad", "nominal", sort=order, title=None, axis={"labelLimit": 0})
    bar_scale = {"domain": [0, top], "nice": False}
    x = _field(
        "density", "quantitative", title="Scaleups per 100,000 residents", scale=bar_scale,
        axis={"tickCount": 5},
    )  # fmt: skip
    label, text = _field("label", "nominal"), _field("text", "nominal")
    at_break = _field("brk", "quantitative", scale=bar_scale)
    layers: list[dict[str, Any]] = []
    if bars:
        layers.append(layer(bars, "bar", {"description": label, "x": x, "y": y}, color=ACCENT))
    if far:
        # cut short at the axis's end: a white break across the bar, the value written on it
        for b in far:
            b.update(density=top, text=f"{decimal(b['density'], 1)} (off scale)",
                     brk=top * 0.93, label=b["label"] + " (off scale)")  # fmt: skip
        layers += [
            layer(far, "bar", {"description": label, "x": x, "y": y}, color=ACCENT),
            layer(far, "text", {"x": at_break, "y": y}, aria=False, baseline="middle",
                   color="white", fontSize=16, fontWeight="bold", text="//"),
            layer(far, "text", {"text": text, "x": at_break, "y": y}, align="right",
                   aria=False, baseline="middle", color="white", dx=-16, fontSize=12,
                   fontWeight="bold"),
        ]  # fmt: skip
    if gaps:
        layers.append(
            layer(gaps, "text", {"text": text, "x": x, "y": y}, align="left", color=MUTED,
                   dx=4, fontSize=12, fontStyle="italic")
        )  # fmt: skip
    rule = layer([{"density": median}], "rule", {"x": x}, aria=False, color=INK, strokeWidth=2)
    left = median < top / 2  # the label on the side with room, never over the axis
    rule_label = layer(
        [{"density": median, "text": f"{benchmark} {decimal(median, 1)}"}],
        "text", {"text": text, "x": x, "y": {"value": 0}},
        align="left" if left else "right", aria=False, baseline="bottom", color=INK,
        dx=4 if left else -4, dy=-4, fontSize=12,
    )  # fmt: skip
    chart = _layers(*layers, rule, rule_label, width=460, height=max(120, 22 * len(rows)))
    notes = (
        [off_scale_note([b["lad"] for b in far], [b["text"].split(" ")[0] for b in far], "bar")]
        if far
        else []
    )
    lad_list = [Flags(lad["measures"]) for lad in lads]
    t = tally(lad_list, measure, "density")
    alt_text = (
        f"Bar chart of the density of scaleups measured by {growth} in the "
        f"{lads_phrase(len(rows))} of {area_name}, with the {benchmark} density "
        f"({decimal(median, 1)}) as a line: {t.above} above it, {t.below} at or below it"
        + (f", {t.withheld} withheld" if t.withheld else "")
        + (f", {t.not_available} not available" if t.not_available else "")
        + ". The trend is not available, so the two-way matrix cannot be drawn."
        + (" " + " ".join(notes) if notes else "")
    )
    return Chart(
        name=f"matrix_{measure}",
        kind="density",
        title=f"Density of scaleups ({growth}) by local authority, against the {benchmark} "
        f"(the line, {decimal(median, 1)}); the trend is not available",
        alt=alt_text,
        svg=to_svg(chart, alt_text),
        notes=notes,
        columns=["Local authority", "Density", f"Above the {benchmark}"],
        rows=[
            [
                lad["lad_name"],
                decimal(r.get("density"), 1),
                _standing_text(r.get("density_above_median")),
            ]
            for lad, r in rows
        ],  # fmt: skip
    )


def density_series(
    area_name: str, years: list[dict[str, Any]], uk_years: list[dict[str, Any]], measure: str,
    comparison: str,
) -> list[dict[str, Any]]:  # fmt: skip
    """The points of the density-over-time chart (the area's, then the comparison's), each
    with its hover label; empty when the area has no density to draw."""
    key = f"density_{measure}"
    series = [
        {"year": y["year"], "series": area_name, "density": y[key]}
        for y in years if is_number(y.get(key))
    ] + [
        {"year": u["year"], "series": comparison, "density": u[key]}
        for u in uk_years if is_number(u.get(key))
    ]  # fmt: skip
    if not any(s["series"] == area_name for s in series):
        return []
    for s in series:
        s["label"] = f"{s['series']}, {s['year']}: {decimal(s['density'], 1)}"
    return series


def density_chart(
    area_name: str, years: list[dict[str, Any]], uk_years: list[dict[str, Any]], measure: str,
    comparison: str,
) -> Chart | None:  # fmt: skip
    """Density over time: the area's density against the benchmark (the median of every
    LAD's density each year), each line labelled with its latest value."""
    series = density_series(area_name, years, uk_years, measure, comparison)
    if not series:
        return None
    colours = {"domain": [area_name, comparison], "range": [ACCENT, MUTED]}
    enc = {
        "color": _field(
            "series", "nominal", scale=colours,
            legend={"title": None, "orient": "bottom", "labelLimit": 400, "columns": 1},
        ),
        "x": _field(
            "year", "ordinal", title="Year (end of the growth window)", axis={"labelAngle": 0}
        ),
        "y": _field("density", "quantitative", title="Scaleups per 100,000 residents"),
    }  # fmt: skip
    lines = layer(series, "line", enc, aria=False, strokeWidth=2.5)
    dots = layer(
        series, "point", {**enc, "description": _field("label", "nominal")}, filled=True, size=50
    )
    ends = [
        {**max((s for s in series if s["series"] == name), key=lambda s: s["year"]),
         "text": ""}
        for name in (area_name, comparison) if any(s["series"] == name for s in series)
    ]  # fmt: skip
    for end in ends:
        end["text"] = decimal(end["density"], 1)
    values = layer(
        ends, "text",
        {"color": _field("series", "nominal", scale=colours, legend=None),
         "text": _field("text", "nominal"), "x": enc["x"], "y": enc["y"]},
        align="left", aria=False, dx=8, fontSize=12, fontWeight="bold",
    )  # fmt: skip
    chart = _layers(lines, dots, values, width=520, height=260)
    ours = [s for s in series if s["series"] == area_name]
    alt_text = (
        f"Line chart of the density of scaleups measured by {measure} growth in {area_name} "
        f"from {ours[0]['year']} to {ours[-1]['year']} against {comparison}: "
        + "; ".join(s["label"] for s in series)
        + "."
    )
    by_year: dict[int, dict[str, str]] = {}
    for s in series:
        by_year.setdefault(s["year"], {})[s["series"]] = decimal(s["density"], 1)
    return Chart(
        name="density",
        title=f"Density of scaleups ({measure} growth) over time, compared with: {comparison}",
        alt=alt_text,
        svg=to_svg(chart, alt_text),
        columns=["Year", area_name, comparison],
        rows=[
            [str(y), v.get(area_name, "not available"), v.get(comparison, "not available")]
            for y, v in sorted(by_year.items())
        ],
    )


HATCH = "#b1b3b5"
"""The withheld shade's colour as drawn by Vega, replaced by the hatch pattern in the SVG."""
MAP_WIDTH = 420
MAP_HEIGHT = 380
MAP_TITLE = 16
"""The enlarged view's title: 12 px and more where the map is shrunk to fit a phone."""
MAP_LABEL = 17
"""The map's labels' size: the map is shrunk to fit a phone (to 328 px of its 432 on a 360
px screen, or of a little more when a label juts out at the edge), and its labels stay at
least 12 px high there (12.9 px at 328 of 432)."""
CONTEXT = "#dcdddf"
"""The neutral grey of the surrounding local authorities (not in the area)."""


def _hatched(svg: str, pattern_id: str) -> str:
    """Withheld LADs filled with diagonal hatching (as the legend's swatch is), as statistical
    maps show confidential cells: an SVG pattern in place of their flat grey."""
    if f'fill="{HATCH}"' not in svg:
        return svg
    defs = (
        f'<defs><pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="6" height="6" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{INK}" stroke-width="2"/></pattern></defs>'
    )
    svg = svg.replace(f'fill="{HATCH}"', f'fill="url(#{pattern_id})"')
    head = svg.index(">", svg.index("<svg")) + 1
    return svg[:head] + defs + svg[head:]


def _numbers(marks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The map's numbers (``marks``: lon, lat, text) in bold, each over a white halo that
    keeps it legible on any shade."""
    where = {
        "latitude": _field("lat", "quantitative"),
        "longitude": _field("lon", "quantitative"),
        "text": _field("text", "nominal"),
    }
    return [
        layer(marks, "text", where, aria=False, color=INK, fontSize=MAP_LABEL,
               fontWeight="bold",
               **({"stroke": "#ffffff", "strokeWidth": 3, "strokeJoin": "round"}
                  if halo else {}))
        for halo in (True, False)
    ]  # fmt: skip


ENLARGE_AT_LEAST = 1.5
"""An enlarged view is drawn only if it shows its LADs at least this much bigger."""


def _enlarged(
    frame: Frame, close: list[dict[str, Any]]
) -> tuple[list[list[float]], float, Frame] | None:
    """For the LADs ``close`` whose numbers would touch on the map (``frame``): the
    outline on the map (lon, lat points) of an enlarged view of them, that view's height
    and projection; None when there are none, or a view MAP_WIDTH wide would not enlarge
    them."""
    if not close:
        return None
    left, top, right, bottom = frame.extent(close)
    height = min(max(MAP_WIDTH * (bottom - top) / max(right - left, 1e-9), 180.0), 320.0)
    zoomed = Frame.fitted(close, MAP_WIDTH, height)
    if zoomed.scale < ENLARGE_AT_LEAST * frame.scale:
        return None
    corners = [zoomed.place(x, y) for x, y in ((0, 0), (MAP_WIDTH, 0), (MAP_WIDTH, height),
                                                 (0, height), (0, 0))]  # fmt: skip
    return [list(c) for c in corners], height, zoomed


def _box(outline: list[list[float]]) -> dict[str, Any]:
    """The enlarged view's outline on the map: a dashed line (a line, not a polygon, so
    that no winding order can make it the whole world less the box)."""
    shape = {"type": "Feature", "geometry": {"type": "LineString", "coordinates": outline},
             "properties": {}}  # fmt: skip
    return layer([shape], "geoshape", {}, filled=False, stroke=INK, strokeWidth=1.5,
                 strokeDash=[5, 3], aria=False)  # fmt: skip


def map_chart(
    area_name: str, lads: list[dict[str, Any]], shared: dict[str, Any],
    measure: str = "employment", benchmark: str = "UK median",
    context: list[str] | None = None,
) -> Chart | None:  # fmt: skip
    """The member LADs on a map (from the shipped ONS TopoJSON), each shaded by its published
    density flag on ``measure`` against the benchmark: above, at or below, withheld [c]
    (hatched and labelled), not available; the surrounding LADs (``context``, not in the
    area) in a neutral grey. The legend lists only what is drawn. Each LAD carries its
    number in the key; where numbers would touch, those LADs are numbered in an enlarged
    view below the map, outlined on it by a dashed box."""
    features, missing = lad_features([lad["lad_code"] for lad in lads])
    if not features:
        return None
    around, _ = lad_features(list(context or []))
    shades = {
        ABOVE: (f"Density above the {benchmark}", ACCENT),
        BELOW: (f"Density at or below the {benchmark}", "#9cc3e5"),
        WITHHELD: ("Withheld [c] (confidential)", HATCH),
        NOT_AVAILABLE: ("Not available", "#ffffff"),
    }
    outside = f"Surrounding local authorities (not in {area_name})"
    by_code = {lad["lad_code"]: _row(lad, measure) for lad in lads}
    named = {lad["lad_code"]: lad["lad_name"] for lad in lads}
    for f in features:
        code = f["properties"]["lad_code"]
        # the review's name of the LAD (that of its tables), not the boundary file's
        f["properties"]["lad_name"] = named.get(code) or f["properties"]["lad_name"]
        other = shared.get(code)
        row = by_code.get(code, {})
        word = standing(row.get("density_above_median"))
        f["properties"]["shade"] = shades[word][0]
        f["properties"]["word"] = word
        f["properties"]["label"] = (
            f"{f['properties']['lad_name']}: density {decimal(row.get('density'), 1)}, "
            + shades[word][0][0].lower()
            + shades[word][0][1:]
            + (" (also in " + ", ".join(o["name"] for o in other) + ")" if other else "")
        )
    for f in around:
        f["properties"]["shade"] = outside
        f["properties"]["label"] = f"{f['properties']['lad_name']} (not in {area_name})"
    drawn = [w for w in shades if any(f["properties"]["shade"] == shades[w][0] for f in features)]
    domain = [shades[w][0] for w in drawn] + ([outside] if around else [])
    colours = [shades[w][1] for w in drawn] + ([CONTEXT] if around else [])
    # the legend is the page's (HTML beside the picture), so that the picture alone can be
    # shrunk to a phone's width and the legend's words stay full size
    color = _field(
        "properties.shade", "nominal", scale={"domain": domain, "range": colours}, legend=None
    )
    label = _field("properties.label", "nominal")
    # the projection fits the area's LADs; the surrounding ones run off the frame, clipped.
    # The boundaries join the specification by name (see to_svg).
    layers: list[dict[str, Any]] = []
    if around:
        layers.append(
            layer("around", "geoshape", {"color": color, "description": label},
                   clip=True, stroke="#ffffff", strokeWidth=0.8)
        )  # fmt: skip
    layers.append(
        layer("inside", "geoshape", {"color": color, "description": label},
               stroke=INK, strokeWidth=0.6)
    )  # fmt: skip
    # each LAD marked with its number in the key (alphabetical, as the data table), and
    # withheld ones also with [c]; a white halo keeps the marks legible on any shade
    ordered = sorted(features, key=lambda f: f["properties"]["lad_name"])
    marks: list[dict[str, Any]] = [
        {"lon": x, "lat": y,
         "text": f"{n} [c]" if f["properties"]["word"] == WITHHELD else str(n)}
        for n, f in enumerate(ordered, start=1)
        for x, y in [label_point(f)]
    ]  # fmt: skip
    withheld = [f for f in features if f["properties"]["word"] == WITHHELD]
    # Where numbers would touch (small LADs together, as in inner London), those LADs are
    # numbered in an enlarged view below the map instead, and a box on the map shows it.
    frame = Frame.fitted(features, MAP_WIDTH, MAP_HEIGHT)
    close = crowded([(m["text"], *frame.point(m["lon"], m["lat"])) for m in marks], MAP_LABEL)
    close_lads = [ordered[i] for i in sorted(close)]
    enlarged = _enlarged(frame, close_lads)
    if enlarged is None:
        close = set()
    view = {"type": "mercator", "fit": {"type": "FeatureCollection", "features": features}}
    main = _layers(
        *layers,
        *_numbers([m for i, m in enumerate(marks) if i not in close]),
        *([_box(enlarged[0])] if enlarged else []),
        projection=view, width=MAP_WIDTH, height=MAP_HEIGHT,
    )  # fmt: skip
    chart = main
    if enlarged is not None:
        _, height, inset = enlarged
        zoomed = {"type": "FeatureCollection", "features": close_lads}
        # every LAD whose number falls in the enlarged view is numbered there (some also
        # on the map), so that the view can be matched to the map
        shown = [
            m for i, m in enumerate(marks)
            if i in close
            or inset.holds(m["text"], MAP_LABEL, m["lon"], m["lat"], MAP_WIDTH, height)
        ]  # fmt: skip
        chart = {
            "vconcat": [
                main,
                _layers(
                    *[{**one, "mark": {**one["mark"], "clip": True}} for one in layers],
                    *_numbers(shown),
                    projection={"type": "mercator", "fit": zoomed},
                    width=MAP_WIDTH, height=height,
                    title={"text": "The box on the map, enlarged", "fontSize": MAP_TITLE,
                           "fontWeight": "normal", "anchor": "start"},
                ),
            ],
            "spacing": 14,
        }  # fmt: skip
    # how many of the area's LADs the map draws: all, or (a LAD without a boundary in the
    # shipped file, as a synthetic review's) some of them, said so
    on_map = f"the {lads_phrase(len(features))}"
    if missing:
        on_map = f"{len(features)} of the {lads_phrase(len(lads))}"
    unmapped = ", ".join(f"{named.get(code) or code} ({code})" for code in missing)
    names = sorted(f["properties"]["label"] for f in features)
    alt_text = f"Map of {on_map} in {area_name}: " + "; ".join(names)
    if around:
        alt_text += f". Surrounding local authorities, in grey: {len(around)}"
    if missing:
        alt_text += f". Not on the map (no boundary in the shipped file): {unmapped}"
    if enlarged is not None:
        alt_text += (
            f". The {len(close)} local authorities whose numbers would touch are numbered "
            "in an enlarged view below the map"
        )
    notes = []
    if missing:
        notes.append(f"Not on the map (no boundary in the shipped file): {unmapped}.")
    if withheld:
        notes.append(
            f"Hatched and marked [c]: {WITHHELD_WHY} (the density of "
            + ", ".join(f["properties"]["lad_name"] for f in features
                        if f["properties"]["word"] == WITHHELD)
            + ")."
        )  # fmt: skip
    return Chart(
        name="map",
        kind="map",
        title=f"{on_map[0].upper()}{on_map[1:]} of {area_name}, shaded by density of "
        f"scaleups ({measure} growth) against the {benchmark}"
        + (", with the surrounding local authorities in grey" if around else ""),
        alt=alt_text + ".",
        svg=_hatched(
            to_svg(
                chart,
                alt_text,
                datasets={"around": around, "inside": features},
            ),
            "hatch-withheld",
        ),  # fmt: skip
        notes=notes,
        legend_title=f"By {measure} growth",
        key=[
            {
                "number": n,
                "name": f["properties"]["lad_name"],
                "withheld": f["properties"]["word"] == WITHHELD,
            }
            for n, f in enumerate(ordered, start=1)
        ],  # fmt: skip
        legend=[
            {"label": label, "colour": colour, "hatched": colour == HATCH}
            for label, colour in zip(domain, colours, strict=True)
        ],
        columns=["Local authority", "Code", "Density", f"Against the {benchmark}"],
        rows=[
            [
                lad["lad_name"],
                lad["lad_code"],
                decimal(_row(lad, measure).get("density"), 1),
                shades[standing(_row(lad, measure).get("density_above_median"))][0],
            ]
            for lad in lads
        ],
    )
