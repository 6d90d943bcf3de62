"""`scaleup import ...`: public data (ONS tables, population, areas) -> contract files."""

from __future__ import annotations

from pathlib import Path

import typer

from scaleup.cli.console import reports_errors, say
from scaleup.geo.changes import ChangeReport

import_app = typer.Typer(
    rich_markup_mode="markdown",
    help="Turn public data into the input files of `scaleup compute`, on one LAD vintage.",
    no_args_is_help=True,
)

AREAS_HELP = (
    "Area set: lep2021 (LEPs May 2021, 7 LADs in two LEPs), region (English regions), "
    "combined_authority (as on the vintage), several joined by commas "
    "(combined_authority,region), or a geography CSV file of your own."
)
VINTAGE_HELP = "LAD geography year (codes in use from April): older codes are mapped forward."
YEARS_HELP = "Years to keep: FIRST-LAST (e.g. 2017-2019) or one year. Default: all."


def _print(report: ChangeReport, written: list[Path], quiet: bool) -> None:
    for line in report.summary():
        say(line, quiet)
    say("wrote " + ", ".join(str(p) for p in written), quiet)


@import_app.command("ons-business-demography")
@reports_errors
def ons_business_demography(
    files: list[Path] = typer.Argument(
        ..., help="ONS Business Demography workbooks (.xlsx) and/or the tidy extract (.csv)."
    ),
    out: Path = typer.Option(..., "--out", help="The aggregate-counts CSV to write."),
    edition: int | None = typer.Option(
        None, "--edition", help="Edition of a workbook whose cover does not say (or: only it)."
    ),
    vintage: int | None = typer.Option(
        None, "--vintage", help=VINTAGE_HELP + " Default: codes as published."
    ),
    years: str | None = typer.Option(None, "--years", help=YEARS_HELP),
    code_changes: Path | None = typer.Option(
        None, "--code-changes", help="LAD code changes CSV (default: the shipped ONS list)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
) -> None:
    """High-growth enterprises (Table 7.1x) -> the aggregate-counts file (employment only).

    Also writes OUT's what-changed report beside it (<stem>.changes.md and .json).

    Examples:

        scaleup import ons-business-demography businessdemography2024.xlsx --out counts.csv

        scaleup import ons-business-demography tidy.csv --vintage 2021 --out counts.csv
    """
    from scaleup.public_data import Years, prepare_counts, write_with_report

    counts, report = prepare_counts(
        files, edition=edition, vintage=vintage, years=Years.parse(years),
        code_changes=code_changes,
    )  # fmt: skip
    _print(report, write_with_report(counts, out, report), quiet)


@import_app.command("geography")
@reports_errors
def geography(
    out: Path = typer.Option(..., "--out", help="The geography CSV to write."),
    areas: str = typer.Option("lep2021", "--areas", help=AREAS_HELP),
    vintage: int = typer.Option(2021, "--vintage", help=VINTAGE_HELP),
    code_changes: Path | None = typer.Option(None, "--code-changes", help="LAD code changes CSV."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
) -> None:
    """Every UK LAD of the vintage with its area(s): the geography file of `compute`.

    Examples:

        scaleup import geography --areas lep2021 --vintage 2021 --out geography.csv

        scaleup import geography --areas region --vintage 2023 --out regions.csv
    """
    from scaleup.public_data import prepare_geography, write_with_report

    table, report = prepare_geography(areas, vintage, code_changes)
    _print(report, write_with_report(table, out, report), quiet)


@import_app.command("population")
@reports_errors
def population(
    out: Path = typer.Option(..., "--out", help="The population CSV to write."),
    years: str = typer.Option(..., "--years", help="Years needed: FIRST-LAST or one year."),
    vintage: int = typer.Option(2021, "--vintage", help=VINTAGE_HELP),
    source: Path | None = typer.Option(
        None, "--population", help="Population CSV (area_code, year, population); default shipped."
    ),
    source_vintage: int | None = typer.Option(
        None, "--population-vintage", help="LAD vintage of --population (required with it)."
    ),
    code_changes: Path | None = typer.Option(None, "--code-changes", help="LAD code changes CSV."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
) -> None:
    """ONS mid-year population of every UK LAD of the vintage, for the years given.

    Examples:

        scaleup import population --years 2016-2019 --vintage 2021 --out population.csv
    """
    from scaleup.atomic import staged_file
    from scaleup.errors import InputError, Problem
    from scaleup.geo.areas import lads_on_vintage
    from scaleup.geo.codes import check_vintage, read_code_changes
    from scaleup.public_data import Years, prepare_population, write_csv

    check_vintage(vintage)
    span = Years.parse(years)
    if span.first is None or span.last is None:
        raise InputError(Problem(None, f"--years: expected FIRST-LAST or one year, got {years!r}"))
    wanted = list(range(span.first, span.last + 1))
    pop_source = _population_source(source, source_vintage)
    lads = set(lads_on_vintage(read_code_changes(code_changes), vintage))
    table = prepare_population(vintage, wanted, lads, source=pop_source, code_changes=code_changes)
    with staged_file(out) as tmp:
        write_csv(table, tmp)
    say(f"population of {len(lads)} LADs on vintage {vintage}, {years}: wrote {out}", quiet)


@import_app.command("public-data")
@reports_errors
def public_data(
    out: Path = typer.Option(
        ...,
        "--out",
        help="Folder for counts.csv, population.csv, geography.csv, changes.md and changes.json.",
    ),  # fmt: skip
    files: list[Path] = typer.Option(
        [], "--business", help="ONS workbook(s) or tidy extract (default: the shipped extract)."
    ),
    areas: str = typer.Option("lep2021", "--areas", help=AREAS_HELP),
    vintage: int = typer.Option(2021, "--vintage", help=VINTAGE_HELP),
    years: str | None = typer.Option(None, "--years", help=YEARS_HELP),
    edition: int | None = typer.Option(None, "--edition", help="Edition of the workbook(s)."),
    source: Path | None = typer.Option(None, "--population", help="Population CSV."),
    source_vintage: int | None = typer.Option(
        None, "--population-vintage", help="LAD vintage of --population."
    ),
    code_changes: Path | None = typer.Option(None, "--code-changes", help="LAD code changes CSV."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
) -> None:
    """All three input files of `scaleup compute --counts` from public data, on one vintage.

    Examples:

        scaleup import public-data --areas lep2021 --vintage 2021 --years 2017-2019 --out inputs

        cd inputs && scaleup compute --counts counts.csv --population population.csv
        --geography geography.csv --out ../tables
    """
    from scaleup.public_data import Years, prepare_public_data

    prepared = prepare_public_data(
        files, areas=areas, vintage=vintage, years=Years.parse(years), edition=edition,
        population=_population_source(source, source_vintage), code_changes=code_changes,
    )  # fmt: skip
    _print(prepared.report, prepared.write(out), quiet)


def _population_source(path: Path | None, vintage: int | None):
    from scaleup.errors import InputError, Problem
    from scaleup.geo.population import PopulationSource

    if path is None:
        return None
    if vintage is None:
        raise InputError(Problem(str(path), "give its LAD vintage with --population-vintage YEAR"))
    return PopulationSource(path, vintage)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.add_typer(import_app, name="import")
