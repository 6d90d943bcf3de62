"""The region of each LAD, as GOV.UK's business support finder has it.

A LAD in England is in one of the nine English regions (``E12``) on its vintage; a LAD in
Wales, Scotland or Northern Ireland has its nation as its "region" (``W92000004``,
``S92000003``, ``N92000002``), as GOV.UK's finder does. Both come from the shipped
geography (:func:`scaleup.geo.areas.lads_on_vintage`), read only when regions are made, so
that the finder can import the codes without the data libraries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scaleup.geo.areas import LadPlace
    from scaleup.geo.codes import CodeChanges

NATIONS = {
    "W": ("W92000004", "Wales"),
    "S": ("S92000003", "Scotland"),
    "N": ("N92000002", "Northern Ireland"),
}
"""The nations outside England by the first letter of their LAD codes: (code, name)."""

REGION_PATTERN = r"E12\d{6}|W92000004|S92000003|N92000002"
"""The code of an English region or of a nation that stands as one."""


@dataclass(frozen=True)
class Regions:
    """The regions on one vintage (code -> name, all twelve) and the region of each LAD."""

    vintage: int
    names: dict[str, str]
    of_lad: dict[str, str]


def regions_on_vintage(
    lad_codes: Iterable[str], vintage: str | int | None, changes: CodeChanges | None = None
) -> Regions:
    """The region of every LAD of ``lad_codes`` known on ``vintage``.

    A ``vintage`` that is missing or names no vintage of the shipped lookups is replaced by
    the latest one that knows the most of ``lad_codes``. A LAD the vintage does not know gets
    its nation when outside England, and no region otherwise.
    """
    from scaleup.geo.areas import lads_on_vintage
    from scaleup.geo.codes import read_code_changes

    changes = changes or read_code_changes()
    lads = sorted(set(lad_codes))
    stated = _year(vintage)
    if stated is not None:
        year, places = stated, lads_on_vintage(changes, stated)
    else:
        year, places = _best_vintage(lads, changes)
    names = {p.region[0]: p.region[1] for p in places.values() if p.region}
    names.update(dict(NATIONS.values()))
    of_lad: dict[str, str] = {}
    for code in lads:
        place = places.get(code)
        if place is not None and place.region is not None:
            of_lad[code] = place.region[0]
        elif code[:1] in NATIONS:
            of_lad[code] = NATIONS[code[:1]][0]
    return Regions(year, names, of_lad)


def _year(vintage: str | int | None) -> int | None:
    from scaleup.geo.codes import FIRST_VINTAGE, LAST_VINTAGE

    """The year of a vintage as the geography names it ("2021", "LAD 2021"), if shipped."""
    found = re.search(r"\b(\d{4})\b", str(vintage)) if vintage is not None else None
    if found is None or not FIRST_VINTAGE <= int(found.group(1)) <= LAST_VINTAGE:
        return None
    return int(found.group(1))


def _best_vintage(lads: list[str], changes: CodeChanges) -> tuple[int, dict[str, LadPlace]]:
    from scaleup.geo.areas import lads_on_vintage
    from scaleup.geo.codes import FIRST_VINTAGE, LAST_VINTAGE

    best: tuple[int, int, dict[str, LadPlace]] | None = None
    for year in range(LAST_VINTAGE, FIRST_VINTAGE - 1, -1):
        places = lads_on_vintage(changes, year)
        known = sum(code in places for code in lads)
        if best is None or known > best[0]:
            best = (known, year, places)
    assert best is not None
    return best[1], best[2]
