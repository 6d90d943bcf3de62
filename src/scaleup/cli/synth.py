"""`scaleup synth`: a synthetic panel, population and geography for demos and benchmarks."""

from __future__ import annotations

from pathlib import Path

import typer

from scaleup.cli.console import reports_errors, say, steps

HELP = (
    "Write a synthetic firm panel (panel.parquet), population.csv and geography.csv.\n\n"
    "Firm sizes and growth are calibrated so that about 4-5% of enterprises with 10 or more "
    "employees are employment scaleups; enterprises are born, die, move between LADs and "
    "are sometimes missing for a year. The same seed gives byte-identical files. "
    "See docs/performance.md.\n\n"
    "Scaleups are rare: a LAD needs thousands of enterprises for counts that survive "
    "disclosure control (10 or more).\n\n"
    "Examples: scaleup synth --enterprises 300000 --lads 40 --seed 1 --out demo "
    "(a demo with few suppressed cells); "
    "scaleup synth --enterprises 6000000 --seed 1 --out uk (UK scale, about 21 million rows)"
)


@reports_errors
def synth(
    enterprises: int = typer.Option(..., "--enterprises", "-n", help="Enterprises to create."),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed gives the same files."),
    out: Path = typer.Option(..., "--out", help="Folder to write the three files into."),
    start_year: int = typer.Option(2012, "--start-year", help="First year of the panel."),
    years: int = typer.Option(8, "--years", help="Number of years in the panel."),
    lads: int = typer.Option(320, "--lads", help="Number of local authority districts."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing on success."),
) -> None:
    """Write a synthetic firm panel (panel.parquet), population.csv and geography.csv."""
    from scaleup.synth import SynthSpec, generate  # here: the CLI starts fast
    from scaleup.synth.panel import CHUNK

    spec = SynthSpec(enterprises, seed, start_year, years, lads)
    with steps(-(-enterprises // CHUNK) if enterprises > 0 else 1, quiet) as progress:
        result = generate(
            spec,
            out,
            on_chunk=lambda done, total: progress.step(f"enterprises: chunk {done}/{total}"),
        )
    say(
        f"wrote {result.rows:,} rows for {result.enterprises:,} enterprises "
        f"({result.years[0]}-{result.years[1]}, {result.lads} LADs in {result.areas} areas) "
        f"to {result.out}",
        quiet,
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("synth", help=HELP)(synth)
