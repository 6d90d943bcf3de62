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

INK, ACCENT, MUTED = "#1b1b1b", "#005ea5", "#6f777b"
QUADRANTS = {
    ("above", "above"): "Density above median, trend above median",
    ("above", "below"): "Density above median, trend at or below",
    ("below", "above"): "Density at or below median, trend above",
    ("below", "below"): "Density and trend at or below median",
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

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def to_svg(chart: alt.TopLevelMixin, alt_text: str) -> str:
    """Render with vl-convert; titles for hover, one accessible name on the root."""
    svg = vl_convert.vegalite_to_svg(chart.to_dict(), vl_version="5.20")
    svg = _LABELLED.sub(lambda m: f"<{m[1]}{m[2]}{m[4]}><title>{m[3]}</title></{m[1]}>", svg)
    svg = _ARIA.sub("", svg)
    # a tenth of a pixel is enough: shorter paths, smaller pages
    svg = _PATH.sub(lambda m: ' d="' + _DECIMALS.sub(r"\1", m[1]) + '"', svg)
    return svg.replace(
        "<svg ", f'<svg role="img" aria-label="{html.escape(alt_text, quote=True)}" ', 1
    )


def _base(values: list[dict[str, Any]]) -> alt.Chart:
    return alt.Chart(alt.Data(values=values))


def matrix_chart(area_name: str, lads: list[dict[str, Any]], measure: str) -> Chart | None:
    """Density (vertical) against trend (horizontal) for each LAD; UK medians as the axes."""
    rows = [lad["measures"].get(measure) for lad in lads]
    points = [
        {"lad": r["lad_name"], "density": r["density"], "trend": r["trend"],
         "label": f"{r['lad_name']}: density {decimal(r['density'], 1)}, trend {trend(r['trend'])}"}
        for r in rows
        if r and is_number(r.get("density")) and is_number(r.get("trend"))
    ]  # fmt: skip
    medians = [r for r in rows if r and is_number(r.get("density_median"))]
    if not medians:
        return None
    if not points or not is_number(medians[0].get("trend_median")):
        return density_strip(area_name, rows, measure, medians[0]["density_median"])
    dm, tm = medians[0]["density_median"], medians[0]["trend_median"]
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
    x = alt.X("trend:Q", scale=x_scale, title="Trend: change in density per year")
    y = alt.Y("density:Q", scale=y_scale, title="Density: scaleups per 100,000 residents")
    dots = (
        _base(points)
        .mark_circle(size=90, color=ACCENT, opacity=0.85)
        .encode(x=x, y=y, description="label:N")
    )
    vline = _base([{"trend": tm}]).mark_rule(color=INK, strokeWidth=1.5).encode(x=x)
    hline = _base([{"density": dm}]).mark_rule(color=INK, strokeWidth=1.5).encode(y=y)
    quads = alt.layer(
        *[
            _base([q]).mark_text(color=MUTED, fontSize=11, align=q["align"],
                                 baseline="middle").encode(
                x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale), text="text:N")
            for q in labels
        ]
    )  # fmt: skip
    growth = f"{measure} growth"
    chart = alt.layer(quads, vline, hline, dots).properties(width=520, height=360)
    above = sum(1 for p in points if p["density"] > dm)
    rising = sum(1 for p in points if p["trend"] > tm)
    alt_text = (
        f"Scatter chart of the {len(points)} local authorities in {area_name} by scaleup density "
        f"measured by {growth} (vertical) and its trend (horizontal), crossing at the UK medians "
        f"(density {decimal(dm, 1)}, trend {trend(tm)}). {above} are above the median density "
        f"and {rising} above the median trend."
    )
    return Chart(
        name=f"matrix_{measure}",
        title=f"The local authority matrix, by {growth}",
        alt=alt_text,
        svg=to_svg(chart, alt_text),
        columns=["Local authority", "Density", "Trend", "Quadrant"],
        rows=[
            [
                r["lad_name"],
                decimal(r.get("density"), 1),
                trend(r.get("trend")),
                str(r.get("quadrant") or "not available"),
            ]
            for r in rows
            if r
        ],  # fmt: skip
    )


def _yes_no(value: object) -> str:
    return "yes" if value is True else "no" if value is False else "not available"


def density_strip(
    area_name: str, rows: list[dict[str, Any] | None], measure: str, median: float
) -> Chart | None:
    """The matrix's vertical axis alone, for when trends are not available: each LAD's
    density against the UK median density."""
    points = [
        {"lad": r["lad_name"], "density": r["density"],
         "label": f"{r['lad_name']}: density {decimal(r['density'], 1)}"}
        for r in rows if r and is_number(r.get("density"))
    ]  # fmt: skip
    if not points:
        return None
    growth = f"{measure} growth"
    y = alt.Y("lad:N", sort="-x", title=None, axis=alt.Axis(labelLimit=220))
    x = alt.X("density:Q", title="Scaleups per 100,000 residents")
    bars = _base(points).mark_bar(color=ACCENT).encode(x=x, y=y, description="label:N")
    rule = _base([{"density": median}]).mark_rule(color=INK, strokeWidth=2).encode(x="density:Q")
    chart = alt.layer(bars, rule).properties(width=460, height=max(120, 18 * len(points)))
    above = sum(1 for p in points if p["density"] > median)
    alt_text = (
        f"Bar chart of the density of scaleups measured by {growth} in the {len(points)} local "
        f"authorities of {area_name}, with the UK median density ({decimal(median, 1)}) as a "
        f"line: {above} are above it. The trend is not available, so the two-way matrix "
        "cannot be drawn."
    )
    return Chart(
        name=f"matrix_{measure}",
        title=f"Density of scaleups ({growth}) by local authority, against the UK median "
        "(the line); the trend is not available",
        alt=alt_text,
        svg=to_svg(chart, alt_text),
        columns=["Local authority", "Density", "Above the UK median"],
        rows=[
            [
                r["lad_name"],
                decimal(r.get("density"), 1),
                _yes_no(r.get("density_above_median")),
            ]
            for r in rows
            if r
        ],  # fmt: skip
    )


def density_chart(
    area_name: str, years: list[dict[str, Any]], uk_years: list[dict[str, Any]], measure: str,
    comparison: str,
) -> Chart | None:  # fmt: skip
    """Density over time: the area against the comparison (all LADs in the data)."""
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
    enc = {
        "x": alt.X("year:O", title="Year (end of the growth window)"),
        "y": alt.Y("density:Q", title="Scaleups per 100,000 residents"),
        "color": alt.Color(
            "series:N",
            scale=alt.Scale(domain=[area_name, comparison], range=[ACCENT, MUTED]),
            legend=alt.Legend(title=None, orient="bottom", labelLimit=400, columns=1),
        ),
    }
    lines = _base(series).mark_line(strokeWidth=2.5).encode(**enc)
    dots = _base(series).mark_point(filled=True, size=50).encode(**enc, description="label:N")
    chart = alt.layer(lines, dots).properties(width=520, height=260)
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


def map_chart(area_name: str, lads: list[dict[str, Any]], shared: dict[str, Any]) -> Chart | None:
    """The member LADs on a map (from the shipped ONS TopoJSON)."""
    features, missing = lad_features([lad["lad_code"] for lad in lads])
    if not features:
        return None
    for f in features:
        other = shared.get(f["properties"]["lad_code"])
        f["properties"]["label"] = f["properties"]["lad_name"] + (
            " (also in " + ", ".join(o["name"] for o in other) + ")" if other else ""
        )
        f["properties"]["shared"] = "Also in another area" if other else "In this area only"
    chart = (
        alt.Chart(alt.Data(values=features))
        .mark_geoshape(stroke="#ffffff", strokeWidth=0.8)
        .encode(
            color=alt.Color(
                "properties.shared:N",
                scale=alt.Scale(
                    domain=["In this area only", "Also in another area"], range=[ACCENT, "#912b88"]
                ),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            description="properties.label:N",
        )
        .project(type="mercator")
        .properties(width=420, height=380)
    )
    names = sorted(f["properties"]["label"] for f in features)
    alt_text = f"Map of the {len(features)} local authorities in {area_name}: " + ", ".join(names)
    if missing:
        alt_text += f". Not on the map (no boundary in the shipped file): {', '.join(missing)}"
    return Chart(
        name="map",
        title=f"The {len(features)} local authorities of {area_name}",
        alt=alt_text + ".",
        svg=to_svg(chart, alt_text),
        columns=["Local authority", "Code"],
        rows=[[lad["lad_name"], lad["lad_code"]] for lad in lads],
    )
