"""Public data -> the three contract files (counts, population, geography) on one vintage.

This is the whole public-data path of ``scaleup import``: ONS high-growth figures (each
year on its own LAD geography) are mapped forward to the vintage and summed, the
population is put on the same vintage, the chosen area set is written for every LAD of
the vintage, and a "what changed" report says what happened on the way.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from scaleup import data
from scaleup.atomic import staged_dir, staged_file
from scaleup.errors import InputError, Problem
from scaleup.geo.areas import (
    is_shipped,
    lads_on_vintage,
    shipped_geography,
    shipped_sets,
    user_geography,
)
from scaleup.geo.changes import ChangeReport
from scaleup.geo.codes import CodeChanges, check_vintage, read_code_changes
from scaleup.geo.population import SHIPPED as SHIPPED_POPULATION
from scaleup.geo.population import PopulationSource, population_for, read_population
from scaleup.ingest.ons import HighGrowthTable, combine_editions, read_high_growth
from scaleup.meta import Dataset
from scaleup.tables import COUNTS, SUPPRESSED, names

COUNTS_COLUMNS = names(COUNTS, without=("turnover", "both"))
"""turnover and both are absent: the ONS tables measure employment growth only."""


@dataclass(frozen=True)
class Years:
    first: int | None = None
    last: int | None = None

    @classmethod
    def parse(cls, text: str | None) -> Years:
        """``2017-2019``, ``2019`` or ``-2019`` / ``2017-``; empty: every year."""
        if not text:
            return cls()
        first, sep, last = text.partition("-")
        try:
            lo = int(first) if first.strip() else None
            hi = (int(last) if last.strip() else None) if sep else lo
        except ValueError:
            raise InputError(
                Problem(
                    None, f"--years: expected YEAR or FIRST-LAST such as 2017-2019, got {text!r}"
                )
            ) from None
        if lo is not None and hi is not None and lo > hi:
            raise InputError(Problem(None, f"--years: {lo} is after {hi}"))
        return cls(lo, hi)

    def pick(self, available: list[int], source: str) -> list[int]:
        """The years to use; a year asked for but not in the data is an error."""
        lo = self.first if self.first is not None else min(available)
        hi = self.last if self.last is not None else max(available)
        wanted = list(range(lo, hi + 1))
        missing = [y for y in wanted if y not in available]
        if missing:
            raise InputError(
                Problem(
                    source,
                    f"no high-growth figures for {', '.join(map(str, missing))} "
                    f"(years in the files: {', '.join(map(str, sorted(available)))})",
                )
            )
        return wanted


def display_name(path: Path) -> str:
    """A file as reports name it, with no machine's paths: a shipped file as
    ``scaleup/data/...``, a user's file as given when relative, relative to the working
    folder when under it, else by its name alone."""
    path = Path(path)
    try:
        return "scaleup/data/" + path.resolve().relative_to(data.DATA_DIR).as_posix()
    except ValueError:
        pass
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.name


def read_business(files: list[Path], edition: int | None) -> HighGrowthTable:
    files = files or [data.HIGH_GROWTH_EXTRACT]
    reads = []
    problems: list[Problem] = []
    for path in files:
        try:
            read = read_high_growth(path, edition)
        except InputError as exc:
            problems += exc.problems()
            continue
        reads.append(read.renamed(display_name(path)))
    if problems:
        raise InputError(problems)
    return combine_editions(reads)


def counts_on_vintage(
    table: HighGrowthTable,
    years: list[int],
    changes: CodeChanges | None,
    vintage: int | None,
    lads: set[str] | None,
    report: ChangeReport,
) -> pd.DataFrame:
    """Aggregate-counts rows; with a vintage, codes mapped forward and merged LADs summed."""
    figures = table.figures[table.figures["year"].isin(years)].copy()
    _year_to_year(figures, report)
    if vintage is None or changes is None:
        figures["target"] = figures["lad_code"]
    else:
        figures["target"] = [changes.forward(c, vintage) for c in figures["lad_code"]]
        _check_mapping(figures, changes, vintage, lads or set())
        _record_mapping(figures, changes, vintage, report)
    summed = figures.groupby(["target", "year"], as_index=False)["value"].agg(_sum_counts)
    counts = summed.rename(columns={"target": "lad_code", "value": "employment"})
    counts["controlled"] = "true"
    if lads is not None:
        _check_complete(counts, lads, years, table)
    return counts.sort_values(["lad_code", "year"], ignore_index=True)[list(COUNTS_COLUMNS)]


def _sum_counts(values: pd.Series) -> int | str:
    if any(v == SUPPRESSED for v in values):
        return SUPPRESSED
    return int(sum(values))


def _check_mapping(
    figures: pd.DataFrame, changes: CodeChanges, vintage: int, lads: set[str]
) -> None:
    problems = []
    for row in figures[~figures["target"].isin(lads)].itertuples(index=False):
        later = changes.introduced_after(row.lad_code, vintage)
        why = (
            f"it was created in {later.year} ({later.kind or 'change'} of {later.old_code}), "
            f"after vintage {vintage}: choose vintage {later.year} or later, or leave "
            f"{row.year} out with --years"
            if later
            else f"it is not a LAD on vintage {vintage}"
        )
        problems.append(Problem(row.where, f"{row.lad_code} ({row.lad_name}) in {row.year}: {why}"))
    for (year, target), group in figures.groupby(["year", "target"]):
        if target in set(group["lad_code"]) and len(group) > 1:
            others = ", ".join(sorted(set(group["lad_code"]) - {target}))
            problems.append(
                Problem(
                    None,
                    f"{year}: figures for both {target} and its predecessors {others}; "
                    "they would be counted twice",
                )
            )
    if problems:
        raise InputError(problems)


def _check_complete(
    counts: pd.DataFrame, lads: set[str], years: list[int], table: HighGrowthTable
) -> None:
    have = set(zip(counts["lad_code"], counts["year"], strict=True))
    missing = [(c, y) for y in years for c in sorted(lads) if (c, y) not in have]
    if missing:
        sources = ", ".join(r.source for r in table.reads)
        raise InputError(
            [Problem(sources, f"no high-growth figure for {c} in {y}") for c, y in missing]
        )


def _year_to_year(figures: pd.DataFrame, report: ChangeReport) -> None:
    by_year = {int(y): g for y, g in figures.groupby("year")}
    report.years = sorted(by_year)
    report.lads_by_year = {y: int(g["lad_code"].nunique()) for y, g in by_year.items()}
    names = dict(zip(figures["lad_code"], figures["lad_name"], strict=True))
    years = report.years
    for before, after in zip(years, years[1:], strict=False):
        old, new = set(by_year[before]["lad_code"]), set(by_year[after]["lad_code"])
        report.new_lads += [
            {"year": after, "lad_code": c, "lad_name": names[c]} for c in sorted(new - old)
        ]
        report.retired_lads += [
            {"year": before, "lad_code": c, "lad_name": names[c]} for c in sorted(old - new)
        ]


def _record_mapping(
    figures: pd.DataFrame, changes: CodeChanges, vintage: int, report: ChangeReport
) -> None:
    moved = figures[figures["lad_code"] != figures["target"]]
    when = {c.old_code: c.year for c in changes.until(vintage)}
    new_names = changes.names()
    for (old, target), group in moved.groupby(["lad_code", "target"]):
        report.codes_mapped.append(
            {
                "old_code": old,
                "old_name": group["lad_name"].iloc[0],
                "new_code": target,
                "new_name": new_names.get(target, ""),
                "change_year": when.get(old),
                "years": sorted(int(y) for y in group["year"]),
            }
        )


@dataclass(frozen=True)
class PreparedInputs:
    counts: pd.DataFrame
    population: pd.DataFrame
    geography: pd.DataFrame
    report: ChangeReport
    datasets: tuple[Dataset, ...] = field(default=())

    def write(self, out: Path) -> list[Path]:
        """counts.csv, population.csv, geography.csv, changes.md, changes.json and
        sources.toml (the datasets used, for ``[inputs] sources``) in ``out``, all or nothing."""
        names = (
            "counts.csv", "population.csv", "geography.csv", "changes.md", "changes.json",
            "sources.toml",
        )  # fmt: skip
        self.report.outputs = list(names)
        with staged_dir(out) as stage:
            write_csv(self.counts, stage / names[0])
            write_csv(self.population, stage / names[1])
            write_csv(self.geography, stage / names[2])
            (stage / names[3]).write_text(self.report.to_markdown(), encoding="utf-8")
            (stage / names[4]).write_text(self.report.to_json(), encoding="utf-8")
            (stage / names[5]).write_text(sources_toml(self.datasets), encoding="utf-8")
        return [Path(out) / n for n in names]


def _shipped_metadata() -> dict:
    with open(data.SOURCES, "rb") as fh:
        return tomllib.load(fh)


def _dataset(role: str, record: dict, defaults: dict, **more: str | None) -> Dataset:
    return Dataset.model_validate({**defaults, **record, "role": role, **more})


def _span(years: list[int]) -> str:
    return f"{years[0]}" if len(years) == 1 else f"{years[0]}\u2013{years[-1]}"


def shipped_datasets(
    report: ChangeReport, areas: str, vintage: int, population: PopulationSource | None
) -> tuple[Dataset, ...]:
    """The shipped datasets an import used (package metadata, data/sources.toml): each
    Business demography edition with the years it gives, the population series and the
    geography; none for a user's file, whose publisher the user names."""
    meta = _shipped_metadata()
    defaults = meta["defaults"]
    out = []
    by_edition: dict[int, list[int]] = {}
    for year, edition in sorted(report.edition_of_year.items()):
        by_edition.setdefault(edition, []).append(year)
    for edition, years in sorted(by_edition.items()):
        record = meta["business_demography"].get(str(edition))
        if record is not None:
            out.append(_dataset("counts", record, defaults, years=_span(years)))
    shipped = population is None or population in SHIPPED_POPULATION
    source = population or PopulationSource.shipped(vintage)
    record = meta["population"].get(str(source.vintage))
    if shipped and record is not None and report.years:
        out.append(_dataset("population", record, defaults, years=_span(report.years)))
    out.append(_dataset("geography", meta["geography"]["lad"], defaults, years=None))
    if is_shipped(areas):
        for area_set in shipped_sets(areas):
            out.append(_dataset("geography", meta["geography"][area_set.name], defaults))
    return tuple(out)


def sources_toml(datasets: tuple[Dataset, ...]) -> str:
    """The ``[[dataset]]`` records as TOML (strings as JSON writes them, dates bare)."""
    lines = [
        "# The datasets this review rests on, cited on its pages ([inputs] sources).",
        "# Written by scaleup import public-data from the package's metadata.",
    ]
    for d in datasets:
        lines += ["", "[[dataset]]"]
        for key, value in d.model_dump(exclude_none=True).items():
            shown = (
                value.isoformat()
                if isinstance(value, date)
                else json.dumps(value, ensure_ascii=False)
            )
            lines.append(f"{key} = {shown}")
    return "\n".join(lines) + "\n"


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def write_with_report(frame: pd.DataFrame, out: Path, report: ChangeReport) -> list[Path]:
    """One contract file plus ``<stem>.changes.md`` / ``.json`` beside it, all or nothing."""
    out = Path(out)
    md, js = out.with_suffix(".changes.md"), out.with_suffix(".changes.json")
    report.outputs = [out.name, md.name, js.name]
    with staged_file(out) as t_out, staged_file(md) as t_md, staged_file(js) as t_js:
        write_csv(frame, t_out)
        t_md.write_text(report.to_markdown(), encoding="utf-8")
        t_js.write_text(report.to_json(), encoding="utf-8")
    return [out, md, js]


def prepare_counts(
    files: list[Path],
    *,
    edition: int | None = None,
    vintage: int | None = None,
    years: Years = Years(),
    code_changes: Path | None = None,
) -> tuple[pd.DataFrame, ChangeReport]:
    """The aggregate-counts file from ONS high-growth figures (import ons-business-demography)."""
    if vintage is not None:
        check_vintage(vintage)
    table = read_business(files, edition)
    report = ChangeReport(vintage=vintage, sources=[r.summary() for r in table.reads])
    picked = years.pick(sorted(table.edition_of_year), ", ".join(r.source for r in table.reads))
    report.edition_of_year = {y: table.edition_of_year[y] for y in picked}
    report.revisions = _revisions(table, picked)
    changes = lads = None
    if vintage is not None:
        changes = read_code_changes(code_changes)
        lads = set(lads_on_vintage(changes, vintage))
    counts = counts_on_vintage(table, picked, changes, vintage, lads, report)
    return counts, report


def _revisions(table: HighGrowthTable, years: list[int]) -> list[dict]:
    rows = table.revisions[table.revisions["year"].isin(years)]
    return [
        {k: (v if isinstance(v, str) else int(v)) for k, v in r.items()}
        for r in rows.to_dict("records")
    ]


def prepare_geography(
    areas: str, vintage: int, code_changes: Path | None = None
) -> tuple[pd.DataFrame, ChangeReport]:
    """The geography file of a shipped area set (or the user's file) on ``vintage``."""
    check_vintage(vintage)
    changes = read_code_changes(code_changes)
    places = lads_on_vintage(changes, vintage)
    names = _lad_names(changes, vintage)
    if is_shipped(areas):
        geography = shipped_geography(shipped_sets(areas), places, names, vintage)
    else:
        geography = user_geography(Path(areas), places, names, vintage, changes)
    report = ChangeReport(
        vintage=vintage, areas=areas if is_shipped(areas) else display_name(Path(areas))
    )
    in_area = geography[geography["area_code"] != ""]
    for code, group in in_area.groupby("lad_code"):
        if len(group) > 1:
            report.overlaps.append(
                {
                    "lad_code": code,
                    "lad_name": group["lad_name"].iloc[0],
                    "areas": [
                        f"{c} {n}"
                        for c, n in zip(group["area_code"], group["area_name"], strict=True)
                    ],
                }  # fmt: skip
            )
    report.lads_in_no_area = int(geography.groupby("lad_code")["area_code"].max().eq("").sum())
    return geography, report


def _lad_names(changes: CodeChanges, vintage: int) -> dict[str, str]:
    """LAD names on the vintage: the shipped population's (2021 names), else the changes'."""
    names = changes.names()
    shipped = PopulationSource.shipped(vintage)
    if vintage >= shipped.vintage:
        population = read_population(shipped, changes, vintage)
        for code, name in zip(population["lad_code"], population["lad_name"], strict=True):
            names.setdefault(code, name)
    return names


def prepare_population(
    vintage: int,
    years: list[int],
    lads: set[str],
    *,
    source: PopulationSource | None = None,
    code_changes: Path | None = None,
) -> pd.DataFrame:
    """The population file for ``lads`` x ``years`` on ``vintage``."""
    check_vintage(vintage)
    source = source or PopulationSource.shipped(vintage)
    _check_years_shipped(source, vintage, years)
    changes = read_code_changes(code_changes)
    table = read_population(source, changes, vintage)
    names = dict(zip(table["lad_code"], table["lad_name"], strict=False))
    return population_for(
        table, lads, years, vintage=vintage, source=display_name(source.path), lad_names=names
    )


def _check_years_shipped(source: PopulationSource, vintage: int, years: list[int]) -> None:
    """A shipped series asked for years after its last: one clear line, not one per LAD."""
    if source.last_year is None or not years or max(years) <= source.last_year:
        return
    later = [s for s in SHIPPED_POPULATION if s.vintage > vintage and s.last_year]
    hint = (
        f"; the shipped estimates to {later[-1].last_year} are on April {later[-1].vintage} "
        f"LAD codes: use --vintage {later[-1].vintage} or later"
        if later and later[-1].last_year and later[-1].last_year >= max(years)
        else ""
    )
    raise InputError(
        Problem(
            display_name(source.path),
            f"population on vintage {vintage} ends in {source.last_year}, the years asked for "
            f"run to {max(years)}{hint} (or give --population FILE --population-vintage YEAR)",
        )
    )


def population_label(source: PopulationSource | None, vintage: int) -> str:
    """What the population of an import is, for its report (and the review's pages)."""
    source = source or PopulationSource.shipped(vintage)
    return source.describe(display_name(source.path))


def prepare_public_data(
    files: list[Path],
    *,
    areas: str = "lep2021",
    vintage: int = 2021,
    years: Years = Years(),
    edition: int | None = None,
    population: PopulationSource | None = None,
    code_changes: Path | None = None,
) -> PreparedInputs:
    """All three contract files on ``vintage`` and the report (``import public-data``)."""
    check_vintage(vintage)
    if is_shipped(areas):
        shipped_sets(areas)
    counts, report = prepare_counts(
        files, edition=edition, vintage=vintage, years=years, code_changes=code_changes
    )
    geography, geo_report = prepare_geography(areas, vintage, code_changes)
    report.areas, report.overlaps = geo_report.areas, geo_report.overlaps
    report.lads_in_no_area = geo_report.lads_in_no_area
    lads = set(geography["lad_code"])
    pop = prepare_population(
        vintage, report.years, lads, source=population, code_changes=code_changes
    )
    report.population = population_label(population, vintage)
    datasets = shipped_datasets(report, areas, vintage, population)
    return PreparedInputs(counts, pop, geography, report, datasets)
