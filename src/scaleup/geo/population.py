"""Mid-year population estimates on the review's LAD vintage.

The shipped estimates are on April 2021 geography. For a later vintage, LADs that merged
are summed (a merger is an exact union, so the sum is exact); an earlier vintage needs a
population file on that geography (``--population FILE --population-vintage YEAR``).
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


@dataclass(frozen=True)
class PopulationSource:
    path: Path
    vintage: int

    @classmethod
    def shipped(cls) -> PopulationSource:
        return cls(data.POPULATION_LAD21, data.POPULATION_LAD21_VINTAGE)


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
    return out.sort_values(["lad_code", "year"], ignore_index=True)


def _named(name: str | None) -> str:
    return f" ({name})" if name else ""
