"""The current edition's data: public data 2017-2024 on every shipped area set, checked
against the ONS tables read and summed here, independently of the package's code.

The ONS high-growth figures are read straight from the shipped extract (latest edition
of each year, as published); combined-authority membership is written out by hand below;
the population totals of combined authorities and regions are ONS's own
(``geo/data/ons_population_areas_2017_2024.csv``: the E47 and E12 rows of the same
revised series, from ONS Explore Local Statistics), so the package's sums of LADs are
checked against figures it never read.
"""

from __future__ import annotations

import csv
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scaleup import data
from scaleup.cli.main import app
from scaleup.pipeline import ReviewTables, read_tables

runner = CliRunner()
YEARS = range(2017, 2025)
AREA_TOTALS = Path(__file__).parent / "geo" / "data" / "ons_population_areas_2017_2024.csv"

NORTH_YORKSHIRE_DISTRICTS = [f"E07000{n}" for n in range(163, 170)]
"""Craven ... Selby: North Yorkshire (E06000065) from April 2023."""

AUTHORITIES_2025 = {
    "E47000001": [f"E080000{n:02d}" for n in range(1, 11)],  # Greater Manchester
    "E47000002": ["E08000016", "E08000017", "E08000018", "E08000019"],  # South Yorkshire
    "E47000003": ["E08000032", "E08000033", "E08000034", "E08000035", "E08000036"],
    "E47000012": ["E06000014", *NORTH_YORKSHIRE_DISTRICTS, "E06000065"],  # York and N Yorks
    "E47000013": [  # East Midlands: D2N2's 17 LADs
        "E07000032", "E07000170", "E07000171", "E07000033", "E07000172", "E07000034",
        "E06000015", "E07000035", "E07000036", "E07000173", "E07000037", "E07000174",
        "E07000175", "E07000038", "E06000018", "E07000176", "E07000039",
    ],
    "E47000014": [  # North East (the 2024 merger of North East and North of Tyne)
        "E06000047", "E08000037", "E08000021", "E08000022", "E06000057", "E08000023",
        "E08000024",
    ],
}  # fmt: skip
"""Members by the codes ONS published their figures under (any year); Barnsley and
Sheffield are re-coded E08000038/39 in 2025 and the package must map them forward."""


def ons_high_growth() -> dict[tuple[str, int], str]:
    """(area code, year) -> the latest edition's published value, read as ONS wrote it."""
    best: dict[tuple[str, int], tuple[int, str]] = {}
    with open(data.HIGH_GROWTH_EXTRACT, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            key = (row["area_code"], int(row["year"]))
            edition = int(row["edition"])
            if key not in best or best[key][0] < edition:
                best[key] = (edition, row["value"])
    return {key: value for key, (_, value) in best.items()}


def ons_area_population() -> dict[tuple[str, int], int]:
    with open(AREA_TOTALS, encoding="utf-8", newline="") as fh:
        return {(r["area_code"], int(r["year"])): int(r["population"]) for r in csv.DictReader(fh)}


def build(tmp: Path, areas: str, vintage: int = 2025) -> ReviewTables:
    inputs, out = tmp / f"{areas}-{vintage}", tmp / f"{areas}-{vintage}-tables"
    made = runner.invoke(
        app, ["import", "public-data", "--areas", areas, "--vintage", str(vintage),
              "--years", "2017-2024", "--out", str(inputs), "-q"],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    result = runner.invoke(
        app, ["compute", "--out", str(out), "--quiet"]
        + [f"--{k}={inputs / k}.csv" for k in ("counts", "population", "geography")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return read_tables(out)


@pytest.fixture(scope="module")
def authorities(tmp_path_factory) -> ReviewTables:
    return build(tmp_path_factory.mktemp("ca"), "combined_authority")


def test_combined_authorities_2017_2024_match_the_ons_tables(authorities) -> None:
    ons, population = ons_high_growth(), ons_area_population()
    years = authorities.area_year.set_index(["area_code", "year"])
    assert authorities.meta.end_years == tuple(YEARS)
    for code, members in AUTHORITIES_2025.items():
        for year in YEARS:
            values = [ons[(lad, year)] for lad in members if (lad, year) in ons]
            expected = sum(int(v) for v in values)
            row = years.loc[(code, year)]
            assert row["employment"] == expected, (code, year)
            assert row["population"] == population[(code, year)], (code, year)
            density = Fraction(expected * 100_000, population[(code, year)])
            assert row["density_employment"] == pytest.approx(float(density), rel=1e-12)
    # D2N2's published 365 employment scaleups of 2019 are today's East Midlands CCA's
    assert years.loc[("E47000013", 2019), "employment"] == 365


def test_trend_ratings_and_the_full_matrix_appear_on_2021_2024(authorities) -> None:
    summary = authorities.area_summary.set_index("area_code")
    assert len(summary) == 15
    assert summary["trend_rating"].notna().all() and summary["density_rating"].notna().all()
    compare = authorities.lad_compare
    employment = compare[compare["measure"] == "employment"]
    assert employment["trend"].notna().all()
    assert employment["quadrant"].dropna().nunique() == 4  # all four cells of the matrix
    # South Yorkshire's figures are under Barnsley's and Sheffield's 2025 codes
    lads = set(authorities.lad_year["lad_code"])
    assert {"E08000038", "E08000039"} <= lads and not {"E08000016", "E08000019"} & lads


@pytest.mark.parametrize(("areas", "n_areas"), [("region", 9), ("lep2021", 38)])
def test_every_shipped_area_set_runs_2017_2024(tmp_path: Path, areas: str, n_areas: int) -> None:
    tables = build(tmp_path, areas)
    assert tables.meta.end_years == tuple(YEARS)
    assert len(tables.area_summary) == n_areas
    assert tables.area_summary["trend_rating"].notna().all()
    if areas == "region":
        ons, population = ons_high_growth(), ons_area_population()
        years = tables.area_year.set_index(["area_code", "year"])
        geography = tables.area_summary.set_index("area_code")["n_lads"]
        for code in geography.index:
            for year in YEARS:
                row = years.loc[(code, year)]
                assert row["population"] == population[(code, year)], (code, year)
                # each LAD's figure is rounded to 5 by ONS, the region's on its own
                gap = abs(row["employment"] - int(ons[(code, year)]))
                assert gap <= 2.5 * geography[code], (code, year, gap)
