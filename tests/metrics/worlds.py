"""Test inputs built by code: small worlds (panel, population, geography) and their files."""

from __future__ import annotations

import csv
import math
import random
from fractions import Fraction
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import strategies as st

from scaleup.config import Settings, load_settings
from scaleup.pipeline import InputFiles

from .oracle import Rules, World

TOLERANCE = 1e-9


def lad(i: int) -> str:
    return f"E0700{i:04d}"


def area(i: int) -> str:
    return f"E3700{i:04d}"


def settings_of(rules: Rules, backend: str = "duckdb") -> Settings:
    return load_settings(
        overrides={
            "metrics": {
                "growth_rate": str(rules.growth_rate),
                "window": rules.window,
                "min_employees": rules.min_employees,
                "trend": rules.trend,
                "trend_years": rules.trend_years,
            },
            "publication": {"threshold": rules.threshold, "rounding": rules.rounding},
            "engine": {"backend": backend},
        },
        environ={},
        cwd=Path("/nonexistent"),
    )


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def write_world(world: World, folder: Path, *, parquet: bool = False) -> InputFiles:
    folder.mkdir(parents=True, exist_ok=True)
    header = ["enterprise_id", "year", "lad_code", "employees", "turnover"]
    if parquet:
        cols = list(zip(*world.panel, strict=True)) if world.panel else [[]] * 5
        table = pa.table(
            {
                "enterprise_id": pa.array(cols[0], pa.string()),
                "year": pa.array(cols[1], pa.int64()),
                "lad_code": pa.array(cols[2], pa.string()),
                "employees": pa.array(cols[3], pa.int64()),
                "turnover": pa.array(cols[4], pa.int64()),
            }
        )
        panel = folder / "panel.parquet"
        pq.write_table(table, panel)
    else:
        panel = write_csv(folder / "panel.csv", header, [list(r) for r in world.panel])
    population = write_csv(
        folder / "population.csv",
        ["lad_code", "year", "population"],
        [[lad_code, y, p] for (lad_code, y), p in sorted(world.population.items())],
    )
    geography = write_csv(
        folder / "geography.csv",
        ["lad_code", "lad_name", "area_code", "area_name", "area_type", "vintage"],
        [
            [
                lad_code,
                world.lad_names.get(lad_code, lad_code),
                a,
                world.area_names.get(a, a),
                "lep",
                "2021",
            ]
            for a, members in sorted(world.areas.items())
            for lad_code in members
        ],
    )
    return InputFiles(population=population, geography=geography, panel=panel)


def population_for(lads: list[str], years: range, rng: random.Random) -> dict:
    return {(lad_code, y): rng.randint(1_000, 400_000) for lad_code in lads for y in years}


# --- hypothesis strategies ------------------------------------------------------------

RATES = [Fraction(1, 5), Fraction("0.1"), Fraction(3, 7), Fraction("0.25"), Fraction(1, 3)]
EMPLOYEES = [0, 1, 5, 9, 10, 11, 12, 13, 17, 18, 20, 21, 35, 125, 216, 217, 1000, 1728]
TURNOVERS = [0, 1, 100, 172, 173, 1000, 1728, 9_999_999_999, 17_279_999_999, 17_280_000_001]


@st.composite
def rules_st(draw) -> Rules:
    window = draw(st.integers(1, 3))
    return Rules(
        growth_rate=draw(st.sampled_from(RATES)),
        window=window,
        min_employees=draw(st.sampled_from([0, 1, 10, 12])),
        trend=draw(st.sampled_from(["endpoints", "ols"])),
        trend_years=draw(st.integers(2, 4)),
        threshold=draw(st.sampled_from([1, 2, 3, 10])),
        rounding=draw(st.sampled_from([1, 2, 5])),
    )


@st.composite
def worlds_st(draw, rules: Rules) -> World:
    """2-5 LADs in 1-3 areas (some LADs in two), 0-40 enterprises over w+1..w+4 years."""
    n_lads = draw(st.integers(2, 5))
    lads = [lad(i) for i in range(1, n_lads + 1)]
    n_areas = draw(st.integers(1, 3))
    areas = {area(i): set() for i in range(1, n_areas + 1)}
    for lad_code in lads:
        chosen = draw(st.sets(st.sampled_from(sorted(areas)), min_size=1, max_size=2))
        for a in chosen:
            areas[a].add(lad_code)
    areas = {a: sorted(m) for a, m in areas.items() if m}
    first = 2010
    n_years = rules.window + draw(st.integers(1, 4))
    years = range(first, first + n_years)
    panel = []
    n_ent = draw(st.integers(0, 40))
    for e in range(n_ent):
        home = draw(st.sampled_from(lads))
        for y in years:
            if draw(st.integers(0, 9)) == 0:
                continue  # missing this year
            if draw(st.integers(0, 19)) == 0:
                home = draw(st.sampled_from(lads))  # moves
            panel.append(
                (
                    f"ENT{e:03d}",
                    y,
                    home,
                    draw(st.sampled_from(EMPLOYEES)),
                    draw(st.sampled_from(TURNOVERS)),
                )
            )
    # Years are fixed by the panel: make sure both ends exist.
    if not panel or min(p[1] for p in panel) != first:
        panel.append(("FIRST", first, lads[0], 1, 1))
    if max(p[1] for p in panel) != years[-1]:
        panel.append(("LAST", years[-1], lads[0], 1, 1))
    rng = random.Random(draw(st.integers(0, 2**16)))
    panel.sort(key=lambda _r: rng.random())  # unsorted on purpose
    return World(
        panel=panel,
        population=population_for(lads, years, rng),
        areas=areas,
        lad_names={x: f"District {x[-2:]}" for x in lads},
        area_names={a: f"Area {a[-1]}" for a in areas},
    )


EXACT = frozenset(
    {"trend", "trend_median", "density_median", "trend_any", "density"}
    | {f"density_{m}" for m in ("employment", "turnover", "both", "any")}
)
"""Columns computed exactly and published as the nearest double: they must be equal."""


def same(engine_value, oracle_value, exact: bool = False) -> bool:
    if isinstance(oracle_value, float) and isinstance(engine_value, float):
        if exact:  # equal, and a zero of the same sign (0.0, never -0.0)
            sign = math.copysign(1, engine_value) == math.copysign(1, oracle_value)
            return engine_value == oracle_value and sign
        return math.isclose(engine_value, oracle_value, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    return engine_value == oracle_value and type(engine_value) is type(oracle_value)


def table_differences(frame, expected: list[dict], label: str) -> list[str]:
    got = frame.to_dict("records")
    diffs = []
    if len(got) != len(expected):
        return [f"{label}: {len(got)} rows, expected {len(expected)}"]
    for i, (g, e) in enumerate(zip(got, expected, strict=True)):
        for col, ev in e.items():
            if not same(g[col], ev, exact=col in EXACT):
                diffs.append(f"{label} row {i} {col}: got {g[col]!r}, expected {ev!r} ({g})")
    return diffs


def review_differences(got, expected: dict) -> list[str]:
    """Where the pipeline's review differs from the oracle's: the four tables and each
    area's trend per measure."""
    diffs = []
    for name in ("lad_year", "area_year", "lad_compare", "area_summary"):
        diffs += table_differences(getattr(got, name), expected[name], name)
    found, wanted = got.area_trends, expected["area_trends"]
    if sorted(found) != sorted(wanted):
        return [*diffs, f"area_trends: areas {sorted(found)}, expected {sorted(wanted)}"]
    for a, trends in wanted.items():
        for m, ev in trends.items():
            if not same(found[a].get(m), ev, exact=True):
                diffs.append(f"area_trends {a} {m}: got {found[a].get(m)!r}, expected {ev!r}")
    return diffs
