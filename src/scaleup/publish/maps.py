"""LAD boundaries for the area maps, from the shipped ONS TopoJSON (OGL; contains OS data).

A TopoJSON topology stores shared, quantised, delta-encoded arcs; :func:`lad_features`
decodes the ``ltla`` layer into GeoJSON features for the LAD codes asked for.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
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
