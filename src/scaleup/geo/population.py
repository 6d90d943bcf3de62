"""Mid-year population estimates on the review's LAD vintage.

Two series are shipped, each one vintage of estimates for every year it covers:

- mid-2001 to mid-2020 on April 2021 LAD codes, as published in 2021 (before Census 2021);
- mid-2001 to mid-2024 on April 2023 LAD codes, the revised series (Census 2021-based)
  as ONS served it in autumn 2025; its figures differ from those first published.

A review on vintage 2023 or later uses the revised series; an earlier vintage the 2021
one (the 2023 mergers cannot be split back). For a later vintage than a series', LADs that
merged are summed (a merger is an exact union, so the sum is exact); an earlier vintage
needs a population file on that geography (``--population FILE --population-vintage YEAR``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scaleup import data
from scaleup.errors import InputError, Problem
from scaleup.geo.codes import CodeChanges, is_lad
from scaleup.geo.csvfile import read_lookup
from scaleup.tables import POPULATION
from scaleup.tables import names as column_names


@dataclass(frozen=True)
class PopulationSource:
    path: Path
    vintage: int
    label: str = ""
    """Which estimates these are (release, base, years, codes): said in the import's
    report and on the review's pages."""
    last_year: int | None = None
    """The last year of a shipped series (None for a user's file)."""

    @classmethod
    def shipped(cls, vintage: int = data.POPULATION_LAD21_VINTAGE) -> PopulationSource:
        """The shipped series for a review on ``vintage``: the latest one whose own
        vintage is not after it."""
        usable = [s for s in SHIPPED if s.vintage <= vintage]
        return usable[-1] if usable else SHIPPED[0]

    def describe(self, display: str) -> str:
        """One line for reports: the file as ``display`` and what it holds."""
        return f"{display}: {self.label}" if self.label else display


SHIPPED = (
    PopulationSource(
        data.POPULATION_LAD21,
        data.POPULATION_LAD21_VINTAGE,
        "ONS mid-year population estimates as published in June 2021 (mid-2020 release, "
        "before Census 2021), mid-2001 to mid-2020 on April 2021 LAD codes",
        2020,
    ),
    PopulationSource(
        data.POPULATION_LAD23,
        data.POPULATION_LAD23_VINTAGE,
        "ONS mid-year population estimates, the revised series of September 2025 "
        "(Census 2021-based; Scotland rebased on its 2022 census), mid-2001 to mid-2024 on "
        "April 2023 LAD codes; one vintage for every year, so figures differ from those "
        "first published for each year",
        2024,
    ),
)
"""The shipped series, oldest vintage first."""


def read_population(source: PopulationSource, changes: CodeChanges, vintage: int) -> pd.DataFrame:
    """``lad_code, lad_name, year, population`` for every LAD of the source on ``vintage``."""
    name = str(source.path)
    if vintage < source.vintage:
        raise InputError(
            Problem(
                name,
                f"population is on {source.vintage} LAD geography and cannot be taken back to "
                f"vintage {vintage}; give a population file on that geography "
                "(--population FILE --population-vintage YEAR)",
            )
        )
    table = read_lookup(
        source.path,
        {
            "lad_code": ("lad_code", "area_code"),
            "year": ("year",),
            "population": ("population",),
        },
        optional={"lad_name": ("lad_name", "area_name")},
    )
    table = table[table["lad_code"].map(is_lad)]
    problems = []
    for column in ("year", "population"):
        bad = table[~table[column].str.fullmatch(r"\d+")]
        problems += [
            Problem(name, f"{value!r} is not a whole number", lines=(line,), column=column)
            for value, line in zip(bad[column], bad["line"], strict=True)
        ]
    if problems:
        raise InputError(problems)
    table = table.assign(
        year=table["year"].astype(int),
        population=table["population"].astype(int),
        lad_code=[changes.forward(code, vintage) for code in table["lad_code"]],
    )
    names = table.drop_duplicates("lad_code", keep="first").set_index("lad_code")["lad_name"]
    summed = table.groupby(["lad_code", "year"], as_index=False)["population"].sum()
    summed["lad_name"] = summed["lad_code"].map(names)
    return summed[["lad_code", "lad_name", "year", "population"]]


def population_for(
    population: pd.DataFrame,
    lads: Iterable[str],
    years: Iterable[int],
    *,
    vintage: int,
    source: str,
    lad_names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The population contract rows for ``lads`` x ``years``; every gap is a problem."""
    lads, years = sorted(set(lads)), sorted(set(years))
    wanted = pd.MultiIndex.from_product([lads, years], names=["lad_code", "year"])
    have = population.set_index(["lad_code", "year"])["population"]
    rows = have.reindex(wanted)
    missing = rows[rows.isna()]
    if not missing.empty:
        names = lad_names or {}
        raise InputError(
            [
                Problem(
                    source,
                    f"no population for {code}{_named(names.get(code))} in {year} "
                    f"on vintage {vintage} (needed for density)",
                )
                for code, year in missing.index
            ]
        )
    out = rows.reset_index()
    out["population"] = out["population"].astype(int)
    return out.sort_values(["lad_code", "year"], ignore_index=True)[list(column_names(POPULATION))]


def _named(name: str | None) -> str:
    return f" ({name})" if name else ""
