"""A deliberately simple reference implementation of the review, for tests only.

Dicts, loops and Fraction arithmetic, written straight from methodology sections 1-5,
sharing no code with src/scaleup. The engine's tables must equal what this returns.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from fractions import Fraction

C = "[c]"
COUNTS = ("employment", "turnover", "both", "any")
MEASURES = ("employment", "turnover", "any")
RATED = ("employment", "turnover")


@dataclass
class World:
    """Inputs: panel rows (id, year, lad, employees, turnover), population, membership."""

    panel: list[tuple[str, int, str, int, int]]
    population: dict[tuple[str, int], int]
    areas: dict[str, list[str]]  # area code -> member LAD codes
    lad_names: dict[str, str] = field(default_factory=dict)
    area_names: dict[str, str] = field(default_factory=dict)

    @property
    def lads(self) -> list[str]:
        return sorted({lad for members in self.areas.values() for lad in members})


@dataclass
class Rules:
    growth_rate: Fraction = Fraction(1, 5)
    window: int = 3
    min_employees: int = 10
    trend: str = "endpoints"
    trend_years: int = 4
    threshold: int = 10
    rounding: int = 5


def is_scaleup(start: int, end: int, rules: Rules) -> bool:
    return Fraction(end) > start * (1 + rules.growth_rate) ** rules.window


def end_years(world: World, rules: Rules) -> list[int]:
    years = [y for _, y, _, _, _ in world.panel]
    return list(range(min(years) + rules.window, max(years) + 1))


def raw_counts(world: World, rules: Rules) -> dict[tuple[str, int], dict[str, int]]:
    rows = {(e, y): (lad, emp, turn) for e, y, lad, emp, turn in world.panel}
    counts = {
        (lad, t): dict.fromkeys(COUNTS, 0) for lad in world.lads for t in end_years(world, rules)
    }
    for (e, t), (lad, emp1, turn1) in rows.items():
        start = rows.get((e, t - rules.window))
        if start is None or (lad, t) not in counts:
            continue
        _, emp0, turn0 = start
        if emp0 < rules.min_employees:
            continue
        emp_up = is_scaleup(emp0, emp1, rules)
        turn_up = turn0 > 0 and is_scaleup(turn0, turn1, rules)
        c = counts[(lad, t)]
        c["employment"] += emp_up
        c["turnover"] += turn_up
        c["both"] += emp_up and turn_up
        c["any"] += emp_up or turn_up
    return counts


def area_sums(world: World, lad_counts, years) -> dict[tuple[str, int], dict[str, int]]:
    return {
        (a, t): {m: sum(lad_counts[(lad, t)][m] for lad in members) for m in COUNTS}
        for a, members in world.areas.items()
        for t in years
    }


def relations(world: World, years: list[int]) -> list[tuple[tuple, list[tuple]]]:
    """(total, parts) for every published relation; cells are (kind, code, year, measure)."""
    rels = []
    for kind, units in (("lad", world.lads), ("area", sorted(world.areas))):
        for u in units:
            for t in years:
                rels.append(
                    (
                        (kind, u, t, "any"),
                        [(kind, u, t, m) for m in ("employment", "turnover", "both")],
                    )
                )
    for a in sorted(world.areas):
        for t in years:
            for m in COUNTS:
                rels.append((("area", a, t, m), [("lad", lad, t, m) for lad in world.areas[a]]))
    return rels


def control(world: World, rules: Rules, lad_counts, area_counts, years):
    """Published cells: cell -> int or C."""
    value = {}
    for (lad, t), c in lad_counts.items():
        for m in COUNTS:
            value[("lad", lad, t, m)] = c[m]
    for (a, t), c in area_counts.items():
        for m in COUNTS:
            value[("area", a, t, m)] = c[m]
    hidden = {cell for cell, v in value.items() if v < rules.threshold}
    rels = relations(world, years)
    while True:
        added = False
        for total, parts in rels:
            cells = [*parts, total]
            if sum(c in hidden for c in cells) == 1:
                candidates = [c for c in cells if c not in hidden]
                pick = min(
                    candidates,
                    key=lambda c: (value[c], c == total, COUNTS.index(c[3]), c[1]),
                )
                hidden.add(pick)
                added = True
        if not added:
            break
    out = {}
    for cell, v in value.items():
        out[cell] = C if cell in hidden else round_to(v, rules.rounding)
    for cell in value:
        kind, u, t, m = cell
        if m == "any" and out[cell] != C:
            parts = [out[(kind, u, t, p)] for p in ("employment", "turnover", "both")]
            if C not in parts:
                out[cell] = parts[0] + parts[1] - parts[2]
    return out


def round_to(v: int, base: int) -> int:
    q, r = divmod(v, base)
    return (q + (2 * r >= base)) * base


def density(count, population: int):
    """Exact, as a Fraction: flags compare exact values (floats flip at ties)."""
    if count == C or count is None:
        return count
    return Fraction(count * 100000, population)


def shown(value):
    """How an exact value appears in a table: a float."""
    return float(value) if isinstance(value, Fraction) else value


def trend(series: dict[int, object], last: int, rules: Rules):
    first = last - rules.trend_years + 1
    years = list(range(first, last + 1))
    if rules.trend == "endpoints":
        a, b = series.get(first), series.get(last)
        if not isinstance(a, Fraction) or not isinstance(b, Fraction):
            return None
        return (b - a) / (last - first)
    values = [series.get(y) for y in years]
    if not all(isinstance(v, Fraction) for v in values):
        return None
    mx = Fraction(sum(years), len(years))
    my = sum(values) / len(values)
    sxy = sum((x - mx) * (y - my) for x, y in zip(years, values, strict=True))
    return sxy / sum((x - mx) ** 2 for x in years)


def withheld_trend(series: dict[int, object], last: int, rules: Rules) -> bool:
    """A LAD's trend is withheld ([c]) when a year it needs is suppressed and none is
    missing."""
    first = last - rules.trend_years + 1
    years = [first, last] if rules.trend == "endpoints" else list(range(first, last + 1))
    values = [series.get(y) for y in years]
    return C in values and all(isinstance(v, Fraction) or v == C for v in values)


def median(values: list[float]):
    return statistics.median(values) if values else None


def above(value, med):
    if not isinstance(value, Fraction) or med is None:
        return None
    return value > med


def band(share):
    if share is None:
        return None
    for cut, name in ((0.75, "Strong"), (0.60, "Good"), (0.45, "Moderate")):
        if share >= cut:
            return name
    return "Needs Improvement"


def review(world: World, rules: Rules, raw: bool) -> dict:
    years = end_years(world, rules)
    last = years[-1]
    lad_counts = raw_counts(world, rules)
    area_counts = area_sums(world, lad_counts, years)
    if raw:
        cell = {("lad", lad, t, m): c[m] for (lad, t), c in lad_counts.items() for m in COUNTS}
        cell |= {("area", a, t, m): c[m] for (a, t), c in area_counts.items() for m in COUNTS}
    else:
        cell = control(world, rules, lad_counts, area_counts, years)
    pop = dict(world.population)
    for a, members in world.areas.items():
        for t in years:
            pop[(a, t)] = sum(world.population[(lad, t)] for lad in members)

    tables: dict[str, list[dict]] = {}
    dens = {}
    for kind, units, names in (
        ("lad", world.lads, world.lad_names),
        ("area", sorted(world.areas), world.area_names),
    ):
        rows = []
        for u in units:
            for t in years:
                row = {f"{kind}_code": u, f"{kind}_name": names.get(u, u), "year": t}
                for m in COUNTS:
                    row[m] = cell[(kind, u, t, m)]
                row["population"] = pop[(u, t)]
                for m in MEASURES:
                    d = density(cell[(kind, u, t, m)], pop[(u, t)])
                    row[f"density_{m}"] = shown(d)
                    dens[(kind, u, t, m)] = d
                rows.append(row)
        tables[f"{kind}_year"] = rows

    def trend_of(kind, u, m):
        return trend({t: dens[(kind, u, t, m)] for t in years}, last, rules)

    values = {}
    for m in MEASURES:
        for lad in world.lads:
            values[(lad, m)] = (dens[("lad", lad, last, m)], trend_of("lad", lad, m))
    medians = {}
    for m in MEASURES:
        ds = [d for (lad, mm), (d, _) in values.items() if mm == m and isinstance(d, Fraction)]
        ts = [tr for (lad, mm), (_, tr) in values.items() if mm == m and tr is not None]
        medians[m] = (median(ds), median(ts))
    compare = []
    flags = {}
    for lad in world.lads:
        for m in MEASURES:
            d, tr = values[(lad, m)]
            dm, tm = medians[m]
            series = {t: dens[("lad", lad, t, m)] for t in years}
            if tr is None and withheld_trend(series, last, rules):
                tr = C
            da = C if d == C else above(d, dm)
            ta = C if tr == C else above(tr, tm)
            flags[(lad, m)] = (da, ta)
            quadrant = None
            if da is not None and ta is not None:
                quadrant = (
                    C
                    if C in (da, ta)
                    else (("above" if da else "below") + "/" + ("above" if ta else "below"))
                )
            compare.append(
                {
                    "lad_code": lad,
                    "lad_name": world.lad_names.get(lad, lad),
                    "measure": m,
                    "density": shown(d),
                    "trend": shown(tr),
                    "density_median": shown(dm),
                    "trend_median": shown(tm),
                    "density_above_median": da,
                    "trend_above_median": ta,
                    "quadrant": quadrant,
                }
            )
    tables["lad_compare"] = compare
    summary = []
    for a in sorted(world.areas):
        members = world.areas[a]
        row = {"area_code": a, "area_name": world.area_names.get(a, a), "n_lads": len(members)}
        for i, kind in enumerate(("density", "trend")):
            for m in RATED:
                seen = [flags[(lad, m)][i] for lad in members]
                # Not available (never 0) when no member LAD's flag is known.
                known_m = any(isinstance(f, bool) for f in seen)
                row[f"{kind}_above_{m}"] = sum(f is True for f in seen) if known_m else None
        for i, kind in enumerate(("density", "trend")):
            # Shares count published flags only (numerator and denominator).
            known = sum(isinstance(flags[(lad, m)][i], bool) for lad in members for m in RATED)
            above_n = sum(row[f"{kind}_above_{m}"] or 0 for m in RATED)
            share = above_n / known if known else None
            row[f"{kind}_share"] = share
            row[f"{kind}_rating"] = band(share)
        row["trend_any"] = shown(trend_of("area", a, "any"))
        summary.append(row)
    tables["area_summary"] = summary
    # Each area's trend per measure (meta.json's area_trends; the site shows them).
    tables["area_trends"] = {
        a: {m: shown(trend_of("area", a, m)) for m in MEASURES} for a in sorted(world.areas)
    }
    return tables
