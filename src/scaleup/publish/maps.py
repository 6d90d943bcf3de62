"""LAD boundaries for the area maps, from the shipped ONS TopoJSON (OGL; contains OS data).

A TopoJSON topology stores shared, quantised, delta-encoded arcs; :func:`lad_features`
decodes the ``ltla`` layer into GeoJSON features for the LAD codes asked for.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from scaleup.data import UK_BOUNDARIES

LAYER = "ltla"


@lru_cache(maxsize=2)
def _topology(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        topo = json.load(fh)
    scale = topo.get("transform", {}).get("scale", [1, 1])
    translate = topo.get("transform", {}).get("translate", [0, 0])
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            if "transform" in topo:
                x, y = x + dx, y + dy
            else:
                x, y = dx, dy
            points.append(
                (round(x * scale[0] + translate[0], 5), round(y * scale[1] + translate[1], 5))
            )
        arcs.append(points)
    geometries = {g["properties"]["areacd"]: g for g in topo["objects"][LAYER]["geometries"]}
    return {"arcs": arcs, "geometries": geometries}


@lru_cache(maxsize=2)
def _arcs_of(path: str) -> dict[str, frozenset[int]]:
    """Each LAD's arcs (by index, either direction): LADs that share one are neighbours."""
    out = {}
    for code, geometry in _topology(path)["geometries"].items():
        rings = geometry["arcs"] if geometry["type"] == "Polygon" else [
            r for polygon in geometry["arcs"] for r in polygon
        ]  # fmt: skip
        out[code] = frozenset(i if i >= 0 else ~i for ring in rings for i in ring)
    return out


def neighbours(codes: list[str], among: Iterable[str], path: Path = UK_BOUNDARIES) -> list[str]:
    """The LADs of ``among`` (not of ``codes``) whose boundary touches one of ``codes``'s:
    the surrounding areas drawn for context on an area's map."""
    arcs = _arcs_of(str(path))
    inside: set[int] = set()
    for code in codes:
        inside |= arcs.get(code, frozenset())
    mine = set(codes)
    return sorted(c for c in among if c not in mine and arcs.get(c, frozenset()) & inside)


def _ring(arcs: list[list[tuple[float, float]]], indices: list[int]) -> list[list[float]]:
    ring: list[list[float]] = []
    for index in indices:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        start = 1 if ring else 0
        ring.extend([list(p) for p in points[start:]])
    return ring


def lad_features(
    codes: list[str], path: Path = UK_BOUNDARIES
) -> tuple[list[dict[str, Any]], list[str]]:
    """GeoJSON features for ``codes`` (properties lad_code, lad_name) and the codes not found."""
    topo = _topology(str(path))
    arcs = topo["arcs"]
    features, missing = [], []
    for code in codes:
        geometry = topo["geometries"].get(code)
        if geometry is None:
            missing.append(code)
            continue
        if geometry["type"] == "Polygon":
            coordinates: Any = [_ring(arcs, r) for r in geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            coordinates = [[_ring(arcs, r) for r in polygon] for polygon in geometry["arcs"]]
        else:
            missing.append(code)
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": geometry["type"], "coordinates": coordinates},
                "properties": {
                    "lad_code": code,
                    "lad_name": geometry["properties"].get("areanm", code),
                },
            }
        )
    return features, missing


# --- where a map puts its labels --------------------------------------------------------


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    """The Mercator projection before scaling, y downwards (as Vega draws it)."""
    return math.radians(lon), -math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _unmercator(x: float, y: float) -> tuple[float, float]:
    """The (lon, lat) that :func:`_mercator` takes to (x, y)."""
    return math.degrees(x), math.degrees(2 * math.atan(math.exp(-y)) - math.pi / 2)


def _polygons(feature: dict[str, Any]) -> list[list[list[list[float]]]]:
    """A Polygon or MultiPolygon feature's polygons, each its rings (outer ring first)."""
    geometry = feature["geometry"]
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def _vertices(feature: dict[str, Any]) -> Iterator[list[float]]:
    for polygon in _polygons(feature):
        for ring in polygon:
            yield from ring


@dataclass(frozen=True)
class Frame:
    """A Mercator projection fitted to features in a ``width`` x ``height`` view, as
    Vega's ``fit`` does it: the features' extent scaled to fill the view one way, and
    centred the other."""

    scale: float
    left: float
    top: float

    @classmethod
    def fitted(cls, features: list[dict[str, Any]], width: float, height: float) -> Frame:
        xs, ys = zip(*(_mercator(*p[:2]) for f in features for p in _vertices(f)), strict=True)
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        scale = min(width / max(x1 - x0, 1e-12), height / max(y1 - y0, 1e-12))
        return cls(scale, (width - scale * (x0 + x1)) / 2, (height - scale * (y0 + y1)) / 2)

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        """Where (lon, lat) is drawn, in pixels from the view's top left."""
        x, y = _mercator(lon, lat)
        return self.left + self.scale * x, self.top + self.scale * y

    def place(self, x: float, y: float) -> tuple[float, float]:
        """The (lon, lat) drawn at pixel (x, y)."""
        return _unmercator((x - self.left) / self.scale, (y - self.top) / self.scale)

    def holds(self, label: str, size: float, lon: float, lat: float, width: float,
              height: float) -> bool:  # fmt: skip
        """Whether ``label`` (``size`` px type, centred at lon, lat) is drawn wholly
        inside a ``width`` x ``height`` view."""
        x, y = self.point(lon, lat)
        w, h = label_box(label, size)
        return w / 2 <= x <= width - w / 2 and h / 2 <= y <= height - h / 2

    def extent(self, features: list[dict[str, Any]]) -> tuple[float, float, float, float]:
        """The features' extent in pixels: left, top, right, bottom."""
        xs, ys = zip(*(self.point(*p[:2]) for f in features for p in _vertices(f)), strict=True)
        return min(xs), min(ys), max(xs), max(ys)


LABEL_ADVANCE = 0.7
"""A label character's width in ems, at least (bold digits: 0.70 in DejaVu Sans Bold)."""
LABEL_HEIGHT = 0.75
"""A label's height in ems (bold digits: 0.73 in DejaVu Sans Bold)."""


def label_box(text: str, size: float, halo: float = 3.0) -> tuple[float, float]:
    """The width and height of a label of ``text`` in ``size`` px bold type with a
    ``halo`` px outline (at least)."""
    return LABEL_ADVANCE * size * len(text) + halo, LABEL_HEIGHT * size + halo


def crowded(labels: list[tuple[str, float, float]], size: float, halo: float = 3.0) -> set[int]:
    """Which of ``labels`` (text, x, y: centred at x, y, in ``size`` px bold type with a
    ``halo`` px outline) overlap another."""
    boxes = [(x, y, *label_box(text, size, halo)) for text, x, y in labels]
    found: set[int] = set()
    for i, (x, y, w, h) in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            x2, y2, w2, h2 = boxes[j]
            if abs(x - x2) < (w + w2) / 2 and abs(y - y2) < (h + h2) / 2:
                found |= {i, j}
    return found


LABEL_PRECISION = 1e-5
"""How close to the best point a LAD's number is put, in the projection's units (radians
of longitude): about 0.06 km, a small fraction of a pixel on any area's map."""


def label_point(feature: dict[str, Any]) -> tuple[float, float]:
    """Where a LAD's number goes (lon, lat): the point of its largest part farthest from
    its edges (Shapely's ``polylabel``), measured in the map's projection so that the
    distances are those drawn. A LAD wrapped round another (North East Derbyshire round
    Chesterfield) gets its number in its own broadest part, not in the middle of its
    extent (which lies in the other LAD)."""
    from shapely.geometry import Polygon  # (the site's server draws no maps)
    from shapely.ops import polylabel

    parts = [
        Polygon([_mercator(*p[:2]) for p in rings[0]],
                [[_mercator(*p[:2]) for p in ring] for ring in rings[1:]])
        for rings in _polygons(feature)
    ]  # fmt: skip
    largest = max(parts, key=lambda part: part.area)
    if not largest.is_valid:  # (a ring crossing itself: mended, its largest piece kept)
        mended = largest.buffer(0)
        largest = max(getattr(mended, "geoms", [mended]), key=lambda part: part.area)
    best = polylabel(largest, LABEL_PRECISION)
    return _unmercator(best.x, best.y)
