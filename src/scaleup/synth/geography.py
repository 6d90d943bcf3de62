"""Synthetic places: LADs with real-looking GSS codes, areas over them, and population.

Nothing here is real: LAD codes follow the GSS pattern (``E06``/``E07``/``E08``/``E09`` in
England, ``W06`` Wales, ``S12`` Scotland, ``N09`` Northern Ireland) and names are made up
from syllables, so a synthetic review cannot be mistaken for a published one. The areas
(codes ``SYN001``, ``SYN002``, ...) behave like the LEPs of the 2021 review: contiguous
groups of LADs, with a few LADs that belong to two areas (counted in full in each).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from scaleup.tables import GEOGRAPHY, POPULATION, names

# Share of LADs per GSS entity code, roughly as in the UK's 2021 LAD vintage.
LAD_KINDS: tuple[tuple[str, float], ...] = (
    ("E07", 0.45),
    ("E06", 0.17),
    ("E08", 0.10),
    ("E09", 0.09),
    ("W06", 0.06),
    ("S12", 0.09),
    ("N09", 0.04),
)
AREA_PREFIX = "SYN"  # not a GSS code, so no synthetic area passes for a real LEP (E37)
AREA_TYPE = "lep"
VINTAGE = "synthetic"

_FIRST = (
    "Ash", "Bram", "Cal", "Dun", "Elm", "Fen", "Glen", "Hart", "Ivy", "Kings",
    "Lang", "Mar", "Nor", "Oak", "Pen", "Rad", "Stan", "Thorn", "Up", "Wey",
)  # fmt: skip
_SECOND = (
    "bury", "ford", "ham", "ley", "mouth", "stead", "ton", "wick", "worth", "by",
    "field", "gate", "hurst", "minster", "port", "well",
)  # fmt: skip
_AREA_WORDS = (
    "Vale", "Coast", "Heartland", "Marches", "Valleys", "Plain", "Downs", "Moors",
    "Estuary", "Forest", "Uplands", "Borders",
)  # fmt: skip


@dataclass(frozen=True)
class Places:
    """LADs (in area order, so neighbours in the order are usually in the same area)."""

    lad_codes: np.ndarray  # str, one per LAD
    lad_names: np.ndarray  # str
    weights: np.ndarray  # float, share of enterprises located in each LAD (sums to 1)
    population: np.ndarray  # int64, (n_lads, n_years)
    area_rows: list[tuple[str, str, str, str]]  # (lad_code, lad_name, area_code, area_name)
    years: tuple[int, ...]

    def geography_table(self) -> pa.Table:
        lad, lad_name, area, area_name = (list(col) for col in zip(*self.area_rows, strict=True))
        n = len(lad)
        values = {
            "lad_code": lad,
            "lad_name": lad_name,
            "area_code": area,
            "area_name": area_name,
            "area_type": [AREA_TYPE] * n,
            "vintage": [VINTAGE] * n,
        }
        return pa.table({name: values[name] for name in names(GEOGRAPHY)})

    def population_table(self) -> pa.Table:
        n_lads, n_years = self.population.shape
        values = {
            "lad_code": np.repeat(self.lad_codes, n_years).tolist(),
            "year": np.tile(np.asarray(self.years, dtype=np.int32), n_lads),
            "population": self.population.reshape(-1),
        }
        return pa.table({name: values[name] for name in names(POPULATION)})


def _names(rng: np.random.Generator, count: int) -> list[str]:
    """``count`` distinct made-up place names."""
    names: list[str] = []
    seen: set[str] = set()
    suffixes = ("", " Vale", " and District", " Borough", " Heath", " Wolds")
    while len(names) < count:
        name = str(rng.choice(_FIRST)) + str(rng.choice(_SECOND))
        name += suffixes[len(seen) // (len(_FIRST) * len(_SECOND)) % len(suffixes)]
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def make_places(rng: np.random.Generator, n_lads: int, years: range) -> Places:
    """``n_lads`` LADs grouped into areas of 4-16 LADs, with population for ``years``."""
    kinds = [code for code, _ in LAD_KINDS]
    shares = np.array([share for _, share in LAD_KINDS])
    per_kind = np.floor(shares * n_lads).astype(int)
    per_kind[0] += n_lads - per_kind.sum()
    codes = [
        f"{kind}{i + 1:06d}"  # e.g. E07000001: the entity code, then a serial
        for kind, count in zip(kinds, per_kind, strict=True)
        for i in range(count)
    ]
    lad_codes = np.array(codes)
    lad_names = np.array(_names(rng, n_lads))

    # Population: a right-skewed spread of district sizes, slowly growing.
    base = np.clip(rng.lognormal(np.log(140_000), 0.55, n_lads), 2_000, 1_200_000)
    growth = rng.normal(0.005, 0.004, n_lads)
    steps = np.arange(len(years))
    population = np.rint(base[:, None] * (1 + growth[:, None]) ** steps[None, :]).astype(np.int64)

    # Enterprises per LAD follow population, with a local business-density factor.
    weights = base * rng.lognormal(0.0, 0.25, n_lads)
    weights /= weights.sum()

    # Contiguous areas of 4-16 LADs; the first LAD of the 2nd, 7th, 12th, ... area also
    # belongs to the area before it (as some LADs belonged to two LEPs up to 2020).
    area_rows: list[tuple[str, str, str, str]] = []
    area_names = _names(rng, n_lads)
    start, area_no = 0, 0
    while start < n_lads:
        size = min(int(rng.integers(4, 17)), n_lads - start)
        area_no += 1
        area_code = f"{AREA_PREFIX}{area_no:03d}"
        area_name = f"{area_names[area_no - 1]} {_AREA_WORDS[area_no % len(_AREA_WORDS)]}"
        members = list(range(start, start + size))
        if area_no % 5 == 1 and start + size < n_lads:
            members.append(start + size)  # the next area's first LAD, shared
        for i in members:
            area_rows.append((codes[i], str(lad_names[i]), area_code, area_name))
        start += size
    return Places(lad_codes, lad_names, weights, population, area_rows, tuple(years))
