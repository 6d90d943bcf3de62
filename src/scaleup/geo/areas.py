"""Area sets on a LAD vintage: the shipped definitions and the user's own geography file.

An area is a named set of LADs. The geography contract file written here lists every LAD
of the vintage across the UK: one row per area a LAD belongs to (two rows for a LAD in
two LEPs), and one row with an empty area for a LAD in no area of the set (Welsh,
Scottish and Northern Irish LADs for the English area sets, English LADs outside every
combined authority). Those LADs are still in the UK comparison set (methodology s. 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scaleup import data
from scaleup.errors import InputError, Problem
from scaleup.geo import GSS_CODE
from scaleup.geo.codes import CodeChanges, is_lad
from scaleup.geo.csvfile import read_lookup
from scaleup.tables import GEOGRAPHY, names

GEOGRAPHY_COLUMNS = names(GEOGRAPHY)


@dataclass(frozen=True)
class AreaSet:
    name: str
    area_type: str
    description: str


AREA_SETS = {
    s.name: s
    for s in (
        AreaSet(
            "lep2021",
            "lep",
            "Local Enterprise Partnerships (May 2021): 38 LEPs; 7 LADs are in two LEPs",
        ),
        AreaSet("region", "region", "English regions (9)"),
        AreaSet(
            "combined_authority",
            "combined_authority",
            "Combined authorities as constituted on the vintage",
        ),
    )
}
"""The shipped area sets, by the name given to ``--areas``."""


def is_shipped(areas: str) -> bool:
    """Whether ``--areas`` names shipped area sets (one, or several joined by commas) rather
    than a geography file."""
    return all(name in AREA_SETS for name in areas.split(",")) or not Path(areas).suffix


def shipped_sets(areas: str) -> list[AreaSet]:
    """The shipped area sets ``--areas`` names: ``combined_authority,region`` is both."""
    return [check_area_set(name.strip()) for name in areas.split(",")]


def check_area_set(name: str) -> AreaSet:
    if name not in AREA_SETS:
        raise InputError(
            Problem(
                None,
                f"--areas: expected one of {sorted(AREA_SETS)} or a geography CSV file, "
                f"got {name!r}",
            )
        )
    return AREA_SETS[name]


@dataclass(frozen=True)
class LadPlace:
    """Where a LAD of the vintage sits: its region, county and combined authority."""

    code: str
    region: tuple[str, str] | None
    county: str
    authority: tuple[str, str] | None


def lads_on_vintage(changes: CodeChanges, vintage: int) -> dict[str, LadPlace]:
    """Every UK LAD on ``vintage``: the shipped hierarchy with its codes mapped forward."""
    table = read_lookup(
        data.LTLA_HIERARCHY,
        {
            "code": ("ltlacd",),
            "county": ("ctycd",),
            "cauth": ("cauthcd",),
            "cauth_name": ("cauthnm",),
            "region": ("rgncd",),
            "region_name": ("rgnnm",),
        },
    )
    groups: dict[str, list] = {}
    for row in table.itertuples(index=False):
        groups.setdefault(changes.forward(row.code, vintage), []).append(row)
    places: dict[str, LadPlace] = {}
    for code, rows in groups.items():
        regions = {(r.region, r.region_name) for r in rows if r.region.startswith("E12")}
        counties = {r.county for r in rows}
        authorities = {(r.cauth, r.cauth_name) for r in rows if r.cauth}
        if len(regions) > 1 or len(authorities) > 1:  # never so in the shipped files
            raise ValueError(f"{code} on vintage {vintage} straddles {regions | authorities}")
        county = counties.pop() if len(counties) == 1 and code.startswith("E07") else ""
        places[code] = LadPlace(
            code,
            next(iter(regions), None),
            county,
            next(iter(authorities), None),
        )
    _apply_authority_changes(places, vintage)
    return places


def _apply_authority_changes(places: dict[str, LadPlace], vintage: int) -> None:
    """Combined authorities formed, joined or merged up to ``vintage`` (the changes file's
    rows whose new code is a combined authority, E47)."""
    table = read_lookup(
        data.LAD_CODE_CHANGES,
        {"old": ("oldcd",), "new": ("newcd",), "new_name": ("newnm",), "year": ("start",)},
    )
    rows = table[table["new"].str.startswith("E47") & table["year"].str.isdigit()]
    rows = rows.assign(year=rows["year"].astype(int)).sort_values("year", kind="stable")
    for row in rows[rows["year"] <= vintage].itertuples(index=False):
        authority = (row.new, row.new_name)
        for code, place in list(places.items()):
            member = (
                code == row.old
                or place.county == row.old
                or (place.authority is not None and place.authority[0] == row.old)
            )
            if member:
                places[code] = LadPlace(code, place.region, place.county, authority)


def shipped_geography(
    area_set: AreaSet | list[AreaSet],
    places: dict[str, LadPlace],
    names: dict[str, str],
    vintage: int,
) -> pd.DataFrame:
    """The geography contract rows of shipped area sets on ``vintage`` (a LAD in an area of
    each set has a row per area; a LAD in none, one row with an empty area)."""
    sets = area_set if isinstance(area_set, list) else [area_set]
    members: dict[str, list[tuple[str, str, str]]] = {}
    for one in sets:
        for code, areas in _members(one, places, vintage).items():
            members.setdefault(code, []).extend((c, n, one.area_type) for c, n in areas)
    rows = []
    for code in sorted(places):
        for area_code, area_name, area_type in members.get(code) or [("", "", "")]:
            rows.append((code, names.get(code, ""), area_code, area_name, area_type, vintage))
    return pd.DataFrame(rows, columns=list(GEOGRAPHY_COLUMNS))


def _members(
    area_set: AreaSet, places: dict[str, LadPlace], vintage: int
) -> dict[str, list[tuple[str, str]]]:
    if area_set.name == "region":
        return {c: [p.region] for c, p in places.items() if p.region}
    if area_set.name == "combined_authority":
        return {c: [p.authority] for c, p in places.items() if p.authority}
    table = read_lookup(
        data.LAD_LEP21_LOOKUP,
        {
            "code": ("ladcd",),
            "first": ("lad_first_year",),
            "last": ("lad_last_year",),
            "lep1": ("lep21cd1",),
            "lep1_name": ("lep21nm1",),
            "lep2": ("lep21cd2",),
            "lep2_name": ("lep21nm2",),
        },
    )
    members: dict[str, list[tuple[str, str]]] = {}
    for row in table.itertuples(index=False):
        if int(row.first) <= vintage <= int(row.last or 9999):
            leps = [(row.lep1, row.lep1_name), (row.lep2, row.lep2_name)]
            members[row.code] = [lep for lep in leps if lep[0]]
    return members


def user_geography(
    path: Path, places: dict[str, LadPlace], names: dict[str, str], vintage: int,
    changes: CodeChanges,
) -> pd.DataFrame:  # fmt: skip
    """A geography file of the user's own, checked against ``vintage``; LADs of the vintage
    it does not list are added with an empty area (they stay in the comparison set)."""
    source = str(path)
    table = read_lookup(
        path,
        {
            "lad_code": ("lad_code",),
            "area_code": ("area_code",),
            "area_name": ("area_name",),
        },
        optional={"lad_name": ("lad_name",), "area_type": ("area_type",), "vintage": ("vintage",)},
    )
    problems: list[Problem] = []
    known = known_area_codes(places, vintage)
    for row in table.itertuples(index=False):
        lines = (row.line,)
        if not is_lad(row.lad_code):
            problems.append(
                Problem(source, f"{row.lad_code!r} is not a LAD code", lines, column="lad_code")
            )
        elif row.lad_code not in places:
            now = changes.forward(row.lad_code, vintage)
            hint = f" (on vintage {vintage} it is {now})" if now != row.lad_code else ""
            problems.append(
                Problem(
                    source,
                    f"{row.lad_code} is not a LAD on vintage {vintage}{hint}",
                    lines,
                    column="lad_code",
                )
            )
        if row.area_code and (message := area_code_problem(row.area_code, known, vintage)):
            problems.append(Problem(source, message, lines, column="area_code"))
        if row.area_code and not row.area_name:
            problems.append(
                Problem(source, f"no name for area {row.area_code}", lines, column="area_name")
            )
        if row.vintage and row.vintage != str(vintage):
            problems.append(
                Problem(
                    source,
                    f"file is on vintage {row.vintage!r}, the review on {vintage}",
                    lines,
                    column="vintage",
                )
            )
    if problems:
        raise InputError(problems)
    listed = set(table["lad_code"])
    extra = pd.DataFrame(
        [(c, "", "", "", "", "") for c in sorted(set(places) - listed)],
        columns=list(GEOGRAPHY_COLUMNS),
    )
    out = pd.concat([table.drop(columns="line"), extra], ignore_index=True)
    pairs = zip(out["lad_code"], out["lad_name"], strict=True)
    out["lad_name"] = [n or names.get(c, "") for c, n in pairs]
    out["vintage"] = vintage
    return out[list(GEOGRAPHY_COLUMNS)].sort_values(["lad_code", "area_code"], ignore_index=True)


AREA_PREFIXES = {"E37": "LEP", "E47": "combined authority", "E12": "region"}
"""GSS area kinds whose codes are checked; other codes are the user's own areas."""


def known_area_codes(places: dict[str, LadPlace], vintage: int) -> dict[str, dict[str, str]]:
    """Codes in use on ``vintage`` by GSS prefix: LEPs (2021 set), regions, combined
    authorities; with the terminated LEP codes under ``"E37-"``."""
    known: dict[str, dict[str, str]] = {p: {} for p in AREA_PREFIXES}
    for place in places.values():
        for area in (place.region, place.authority):
            if area:
                known[area[0][:3]][area[0]] = area[1]
    leps = read_lookup(data.LAD_LEP21_LOOKUP, {"c1": ("lep21cd1",), "n1": ("lep21nm1",)})
    known["E37"].update(zip(leps["c1"], leps["n1"], strict=True))
    history = read_lookup(
        data.LEP_CODES_HISTORY,
        {
            "code": ("local_enterprise_partnership_code",),
            "name": ("local_enterprise_partnership_name",),
            "status": ("status",),
        },
    )
    ended = history[(history["status"] == "terminated") & ~history["code"].isin(known["E37"])]
    known["E37-"] = dict(zip(ended["code"], ended["name"], strict=True))
    return known


def area_code_problem(code: str, known: dict[str, dict[str, str]], vintage: int) -> str | None:
    """Why ``code`` is not an area on ``vintage`` (None when it is, or is the user's own)."""
    kind = AREA_PREFIXES.get(code[:3])
    if kind is None or not GSS_CODE.match(code) or code in known[code[:3]]:
        return None
    if code in known.get("E37-", {}):
        name = known["E37-"][code]
        now = [c for c, n in known["E37"].items() if n.lower() == name.lower()]
        hint = f"; its LEP 2021 code is {now[0]}" if now else ""
        return f"{code} ({name}) is a terminated LEP code{hint}"
    sets = {"E37": "lep2021", "E47": "combined_authority", "E12": "region"}
    return (
        f"{code} is not a {kind} on vintage {vintage} (`scaleup import geography --areas "
        f"{sets[code[:3]]} --vintage {vintage}` lists the {len(known[code[:3]])} there are)"
    )
