"""Participating sectors: each company supported, once, in the sector whose SIC range holds it.

A programme declares its own sectors as SIC 2007 ranges (the sectors file). Without one,
the 21 SIC 2007 sections (A-U) are used. A code in no range counts under ``Other``, a
missing code under ``Not known`` (methodology section 6).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

OTHER = "Other"
NOT_KNOWN = "Not known"


@dataclass(frozen=True)
class SicRange:
    sic_from: str
    sic_to: str
    sector: str


def _section(first: int, last: int, name: str) -> SicRange:
    return SicRange(f"{first:02d}000", f"{last:02d}999", name)


SIC_SECTIONS: tuple[SicRange, ...] = (
    _section(1, 3, "A: Agriculture, forestry and fishing"),
    _section(5, 9, "B: Mining and quarrying"),
    _section(10, 33, "C: Manufacturing"),
    _section(35, 35, "D: Electricity, gas, steam and air conditioning supply"),
    _section(36, 39, "E: Water supply, sewerage and waste management"),
    _section(41, 43, "F: Construction"),
    _section(45, 47, "G: Wholesale and retail trade; repair of motor vehicles"),
    _section(49, 53, "H: Transportation and storage"),
    _section(55, 56, "I: Accommodation and food service activities"),
    _section(58, 63, "J: Information and communication"),
    _section(64, 66, "K: Financial and insurance activities"),
    _section(68, 68, "L: Real estate activities"),
    _section(69, 75, "M: Professional, scientific and technical activities"),
    _section(77, 82, "N: Administrative and support service activities"),
    _section(84, 84, "O: Public administration and defence"),
    _section(85, 85, "P: Education"),
    _section(86, 88, "Q: Human health and social work activities"),
    _section(90, 93, "R: Arts, entertainment and recreation"),
    _section(94, 96, "S: Other service activities"),
    _section(97, 98, "T: Activities of households as employers"),
    _section(99, 99, "U: Activities of extraterritorial organisations"),
)
"""The SIC 2007 sections by division: the sectors used when a programme declares none."""


def sector_of(sic: str | None, ranges: Sequence[SicRange]) -> str:
    """The sector of one 5-digit SIC 2007 code (ranges do not overlap; bounds inclusive)."""
    if not sic:
        return NOT_KNOWN
    for r in ranges:
        if r.sic_from <= sic <= r.sic_to:
            return r.sector
    return OTHER


def count_sectors(codes: Iterable[str | None], ranges: Sequence[SicRange]) -> list[tuple[str, int]]:
    """(sector, companies), largest first, then by name; ``Other`` and ``Not known`` last."""
    counts = Counter(sector_of(code, ranges) for code in codes)
    residual = (OTHER, NOT_KNOWN)
    named = sorted(
        ((s, n) for s, n in counts.items() if s not in residual), key=lambda x: (-x[1], x[0])
    )
    return named + [(s, counts[s]) for s in residual if counts[s]]
