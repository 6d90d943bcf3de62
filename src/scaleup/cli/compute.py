"""`scaleup compute`: the review's statistics from a firm panel or aggregate counts."""

from __future__ import annotations

from pathlib import Path

import typer

from scaleup.cli.console import reports_errors, say, steps
from scaleup.config import load_settings
from scaleup.errors import InputError, Problem


@reports_errors
def compute(
    panel: str | None = typer.Option(
        None,
        "--panel",
        help="Firm panel (CSV or Parquet): one row per enterprise per year. With --engine "
        "spark also a folder of part files or a Hadoop path (s3a://, hdfs://, file://).",
    ),
    counts: Path | None = typer.Option(
        None, "--counts", help="Aggregate counts per LAD and year, instead of a panel."
    ),
    population: Path = typer.Option(..., "--population", help="Population per LAD and year."),
    geography: Path = typer.Option(..., "--geography", help="LADs and the areas they make up."),
    out: Path = typer.Option(..., "--out", help="Folder for the four tables and meta.json."),
    raw: bool = typer.Option(
        False, "--raw", help="Exact counts, no disclosure control (secure environments only)."
    ),
    config: Path | None = typer.Option(None, "--config", help="Settings file (scaleup.toml)."),
    engine: str | None = typer.Option(
        None, "--engine", help="duckdb (default) or spark: the same results on each."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing on success."),
) -> None:
    """Count scaleups per LAD and area, with densities, trends, comparisons and ratings.

    Writes lad_year.csv, lad_compare.csv, area_year.csv, area_summary.csv and meta.json into OUT. Published (disclosure-controlled) unless --raw. On bad input nothing is written and every problem is listed (exit 2).

    Examples:

      scaleup compute --panel panel.parquet --population population.csv --geography geography.csv --out tables

      scaleup compute --counts counts.csv --population population.csv --geography lep21.csv --out tables --config scaleup.toml

      scaleup compute --panel panel.csv --population population.csv --geography geography.csv --out raw-tables --raw --engine spark
    """  # noqa: E501
    from scaleup.locations import is_url
    from scaleup.pipeline import STEPS, InputFiles, compute_review, write_tables

    if (panel is None) == (counts is None):
        raise InputError(Problem(None, "give exactly one of --panel FILE or --counts FILE"))
    settings = load_settings(config, {"engine": {"backend": engine}})
    where = None if panel is None else panel if is_url(panel) else Path(panel)
    inputs = InputFiles(population=population, geography=geography, panel=where, counts=counts)
    with steps(len(STEPS) + 1, quiet) as progress:
        tables = compute_review(inputs, settings, raw=raw, on_step=progress.step)
        progress.step("Writing tables")
        write_tables(tables, out)
    kind = "raw (exact counts)" if raw else "published (disclosure-controlled)"
    if tables.meta.supplier_controlled:
        kind = "published (counts as controlled by their supplier)"
    areas, lads = len(tables.area_summary), tables.lad_year["lad_code"].nunique()
    say(f"wrote {kind} tables for {lads} LADs in {areas} areas to {out}", quiet)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("compute")(compute)
