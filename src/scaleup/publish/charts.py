"""The area page's charts: Vega-Lite specs (Altair) rendered to static SVG at build time.

Each chart comes with a text alternative (``alt``) and the rows of its data table, so a page
works with JavaScript off and is readable without seeing the picture. LAD names show on
hover: each mark carries an SVG ``<title>``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import vl_convert

from scaleup.publish.format import decimal, is_number, trend
from scaleup.publish.maps import lad_features
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

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def to_svg(chart: alt.TopLevelMixin, alt_text: str) -> str:
    """Render with vl-convert; titles for hover, one accessible name on the root."""
    spec = chart.to_dict()
    # Text at least 12 px wherever the chart is drawn at its own size (GSS charts guidance).
    spec["config"] = {
        **spec.get("config", {}),
        "axis": {"labelFontSize": 12, "titleFontSize": 12},
        "legend": {"labelFontSize": 12, "titleFontSize": 12},
        "text": {"fontSize": 12},
    }
    svg = vl_convert.vegalite_to_svg(spec, vl_version="5.20")
    svg = _LABELLED.sub(lambda m: f"<{m[1]}{m[2]}{m[4]}><title>{m[3]}</title></{m[1]}>", svg)
    svg = _ARIA.sub("", svg)
    # a tenth of a pixel is enough: shorter paths, smaller pages
    svg = _PATH.sub(lambda m: ' d="' + _DECIMALS.sub(r"\1", m[1]) + '"', svg)
    return svg.replace(
        "<svg ", f'<svg role="img" aria-label="{html.escape(alt_text, quote=True)}" ', 1
    )


def _base(values: list[dict[str, Any]]) -> alt.Chart:
    return alt.Chart(alt.Data(values=values))


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


def matrix_chart(
    area_name: str, lads: list[dict[str, Any]], measure: str, benchmark: str = "UK median"
) -> Chart | None:
    """Density (vertical) against trend (horizontal) for each LAD; the benchmark medians as
    the axes. A LAD whose density or trend is withheld or not available is not a point: it
    is named under the chart and listed in its data table."""
    rows = [(lad, _row(lad, measure)) for lad in lads]
    medians = [r for _, r in rows if is_number(r.get("density_median"))]
    if not medians:
        return None
    dm, tm = medians[0]["density_median"], medians[0].get("trend_median")
    points = [
        {"lad": lad["lad_name"], "density": r["density"], "trend": r["trend"],
         "label": f"{lad['lad_name']}: density {decimal(r['density'], 1)}, "
                  f"trend {trend(r['trend'])}"}
        for lad, r in rows
        if is_number(r.get("density")) and is_number(r.get("trend"))
    ]  # fmt: skip
    if not points or not is_number(tm):
        return density_strip(area_name, lads, measure, dm, benchmark)
    xs = [p["trend"] for p in points] + [tm]
    ys = [p["density"] for p in points] + [dm]
    pad_x = max(max(xs) - tm, tm - min(xs), 1e-9) * 1.15
    pad_y = max(max(ys) - dm, dm - min(ys), 1e-9) * 1.15
    x_scale = alt.Scale(domain=[tm - pad_x, tm + pad_x], nice=False, zero=False)
    y_scale = alt.Scale(domain=[dm - pad_y, dm + pad_y], nice=False, zero=False)
    labels = [
        {"x": tm + sx * pad_x * 0.97, "y": dm + sy * pad_y * 0.95, "text": QUADRANTS[(d, t)],
         "align": "right" if sx > 0 else "left"}
        for (d, sy) in (("above", 1), ("below", -1))
        for (t, sx) in (("above", 1), ("below", -1))
    ]  # fmt: skip
    x = alt.X(
        "trend:Q", scale=x_scale, title="Trend: change in density per year",
        axis=alt.Axis(tickCount=6),
    )  # fmt: skip
    y = alt.Y("density:Q", scale=y_scale, title="Density: scaleups per 100,000 residents")
    dots = (
        _base(points)
        .mark_circle(size=90, color=ACCENT, opacity=0.85)
        .encode(x=x, y=y, description="label:N")
    )
    vline = _base([{"trend": tm}]).mark_rule(color=INK, strokeWidth=1.5).encode(x=x)
    hline = _base([{"density": dm}]).mark_rule(color=INK, strokeWidth=1.5).encode(y=y)
    rule_labels = alt.layer(
        _base([{"trend": tm, "density": dm - pad_y * 0.8,
                "text": f"{benchmark} trend {trend(tm)}"}])
        .mark_text(color=INK, fontSize=12, align="left", dx=4, baseline="bottom")
        .encode(x=x, y=y, text="text:N"),
        _base([{"trend": tm + pad_x * 0.97, "density": dm,
                "text": f"{benchmark} density {decimal(dm, 1)}"}])
        .mark_text(color=INK, fontSize=12, align="right", dy=-4, baseline="bottom")
        .encode(x=x, y=y, text="text:N"),
    )  # fmt: skip
    quads = alt.layer(
        *[
            _base([q]).mark_text(color=MUTED, fontSize=12, align=q["align"],
                                 baseline="middle").encode(
                x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale), text="text:N")
            for q in labels
        ]
    )  # fmt: skip
    growth = f"{measure} growth"
    chart = alt.layer(quads, vline, hline, rule_labels, dots).properties(width=520, height=360)
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


def density_strip(
    area_name: str, lads: list[dict[str, Any]], measure: str, median: float,
    benchmark: str = "UK median",
) -> Chart | None:  # fmt: skip
    """Each LAD's density against the benchmark median density, for when trends are not
    available. A withheld or not-available LAD keeps its row, labelled."""
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
    gaps = [
        {"lad": lad["lad_name"], "density": 0,
         "text": "withheld [c]" if r.get("density") == SUPPRESSED else "not available"}
        for lad, r in rows if not is_number(r.get("density"))
    ]  # fmt: skip
    growth = f"{measure} growth"
    top = max([b["density"] for b in bars] + [median]) * 1.12 or 1.0
    y = alt.Y("lad:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    x = alt.X(
        "density:Q", title="Scaleups per 100,000 residents",
        scale=alt.Scale(domain=[0, top], nice=False), axis=alt.Axis(tickCount=5),
    )  # fmt: skip
    layers: list[Any] = []
    if bars:
        layers.append(_base(bars).mark_bar(color=ACCENT).encode(x=x, y=y, description="label:N"))
    if gaps:
        layers.append(
            _base(gaps).mark_text(align="left", dx=4, fontSize=12, color=MUTED,
                                  fontStyle="italic").encode(x=x, y=y, text="text:N")
        )  # fmt: skip
    rule = _base([{"density": median}]).mark_rule(color=INK, strokeWidth=2).encode(x=x)
    rule_label = (
        _base([{"density": median, "text": f"{benchmark} {decimal(median, 1)}"}])
        .mark_text(align="right", dx=-4, dy=-4, fontSize=12, color=INK, baseline="bottom")
        .encode(x=x, y=alt.value(0), text="text:N")
    )
    chart = alt.layer(*layers, rule, rule_label).properties(
        width=460, height=max(120, 22 * len(rows))
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
    )
    return Chart(
        name=f"matrix_{measure}",
        kind="density",
        title=f"Density of scaleups ({growth}) by local authority, against the {benchmark} "
        f"(the line, {decimal(median, 1)}); the trend is not available",
        alt=alt_text,
        svg=to_svg(chart, alt_text),
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


def density_chart(
    area_name: str, years: list[dict[str, Any]], uk_years: list[dict[str, Any]], measure: str,
    comparison: str,
) -> Chart | None:  # fmt: skip
    """Density over time: the area's density against the benchmark (the median of every
    LAD's density each year), each line labelled with its latest value."""
    key = f"density_{measure}"
    series = [
        {"year": y["year"], "series": area_name, "density": y[key]}
        for y in years if is_number(y.get(key))
    ] + [
        {"year": u["year"], "series": comparison, "density": u[key]}
        for u in uk_years if is_number(u.get(key))
    ]  # fmt: skip
    if not any(s["series"] == area_name for s in series):
        return None
    for s in series:
        s["label"] = f"{s['series']}, {s['year']}: {decimal(s['density'], 1)}"
    colours = alt.Scale(domain=[area_name, comparison], range=[ACCENT, MUTED])
    enc = {
        "x": alt.X("year:O", title="Year (end of the growth window)", axis=alt.Axis(labelAngle=0)),
        "y": alt.Y("density:Q", title="Scaleups per 100,000 residents"),
        "color": alt.Color(
            "series:N",
            scale=colours,
            legend=alt.Legend(title=None, orient="bottom", labelLimit=400, columns=1),
        ),
    }
    lines = _base(series).mark_line(strokeWidth=2.5).encode(**enc)
    dots = _base(series).mark_point(filled=True, size=50).encode(**enc, description="label:N")
    ends = [
        {**max((s for s in series if s["series"] == name), key=lambda s: s["year"]),
         "text": ""}
        for name in (area_name, comparison) if any(s["series"] == name for s in series)
    ]  # fmt: skip
    for end in ends:
        end["text"] = decimal(end["density"], 1)
    values = (
        _base(ends)
        .mark_text(align="left", dx=8, fontSize=12, fontWeight="bold")
        .encode(x=enc["x"], y=enc["y"], color=alt.Color("series:N", scale=colours,
                                                         legend=None), text="text:N")
    )  # fmt: skip
    chart = alt.layer(lines, dots, values).properties(width=520, height=260)
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


def map_chart(
    area_name: str, lads: list[dict[str, Any]], shared: dict[str, Any],
    measure: str = "employment", benchmark: str = "UK median",
) -> Chart | None:  # fmt: skip
    """The member LADs on a map (from the shipped ONS TopoJSON), each shaded by its published
    density flag on ``measure`` against the benchmark: above, at or below, withheld [c], not
    available. The legend lists only the shades drawn."""
    features, missing = lad_features([lad["lad_code"] for lad in lads])
    if not features:
        return None
    shades = {
        ABOVE: (f"Density above the {benchmark}", ACCENT),
        BELOW: (f"Density at or below the {benchmark}", "#9cc3e5"),
        WITHHELD: ("Withheld [c] (confidential)", "#b1b4b6"),
        NOT_AVAILABLE: ("Not available", "#f3f2f1"),
    }
    by_code = {lad["lad_code"]: _row(lad, measure) for lad in lads}
    for f in features:
        code = f["properties"]["lad_code"]
        other = shared.get(code)
        row = by_code.get(code, {})
        word = standing(row.get("density_above_median"))
        f["properties"]["shade"] = shades[word][0]
        f["properties"]["label"] = (
            f"{f['properties']['lad_name']}: density {decimal(row.get('density'), 1)} "
            f"({shades[word][0].lower()})"
            + (" (also in " + ", ".join(o["name"] for o in other) + ")" if other else "")
        )
    drawn = [w for w in shades if any(f["properties"]["shade"] == shades[w][0] for f in features)]
    chart = (
        alt.Chart(alt.Data(values=features))
        .mark_geoshape(stroke=INK, strokeWidth=0.6)
        .encode(
            color=alt.Color(
                "properties.shade:N",
                scale=alt.Scale(
                    domain=[shades[w][0] for w in drawn], range=[shades[w][1] for w in drawn]
                ),
                legend=alt.Legend(title=f"By {measure} growth", orient="bottom", columns=1,
                                  labelLimit=400),
            ),
            description="properties.label:N",
        )
        .project(type="mercator")
        .properties(width=420, height=380)
    )  # fmt: skip
    names = sorted(f["properties"]["label"] for f in features)
    alt_text = f"Map of the {len(features)} local authorities in {area_name}: " + "; ".join(names)
    if missing:
        alt_text += f". Not on the map (no boundary in the shipped file): {', '.join(missing)}"
    return Chart(
        name="map",
        kind="map",
        title=f"The {lads_phrase(len(features))} of {area_name}, shaded by density of "
        f"scaleups ({measure} growth) against the {benchmark}",
        alt=alt_text + ".",
        svg=to_svg(chart, alt_text),
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
