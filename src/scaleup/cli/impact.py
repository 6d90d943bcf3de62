"""`scaleup impact`: a support programme's headline figures from its cohort files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from scaleup.cli.console import reports_errors, say

if TYPE_CHECKING:
    from scaleup.impact import KpiRow

HELP = """Compute programme-impact KPIs from cohort files (methodology section 6).

Reads participants, follow-ups, survey and (optionally) sector ranges, as CSV or
Parquet, and writes kpis.csv and sectors.csv into OUT. Only enterprises with at
least --min-hours of support count (ERDF indicator C1 uses 12); every other KPI
is computed over them. Bad input: exit 2, one line per problem, nothing written.

Example:

    scaleup impact --participants p.csv --followups f.csv --survey s.csv --min-hours 12 --out kpis
"""


@reports_errors
def impact(
    participants: Path = typer.Option(..., "--participants", help="Participants file."),
    followups: Path = typer.Option(..., "--followups", help="Follow-ups file."),
    survey: Path = typer.Option(..., "--survey", help="Before/after survey file."),
    sectors: Path | None = typer.Option(
        None, "--sectors", help="SIC 2007 ranges -> sector names (default: SIC sections)."
    ),
    min_hours: float = typer.Option(
        ..., "--min-hours", min=0, help="Support hours an enterprise needs to count as supported."
    ),
    out: Path = typer.Option(..., "--out", help="Folder for kpis.csv and sectors.csv."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing on success."),
) -> None:
    from scaleup.impact import compute_kpis, write_impact  # here: the CLI starts fast

    result = compute_kpis(participants, followups, survey, sectors, min_hours=min_hours)
    written = write_impact(result, out)
    for programme in result.programmes:
        rows = result.kpis_for(programme)
        label = " (synthetic cohort)" if any(r.synthetic for r in rows.values()) else ""
        say(f"{programme}{label}", quiet)
        for row in rows.values():
            say(f"  {row.kpi:<24} {_shown(row)}", quiet)
    say(
        "wrote " + ", ".join(str(p) for p in written) + " (each figure's base is in its note)",
        quiet,
    )


def _shown(row: KpiRow) -> str:
    """A KPI for the terminal: shares as percentages with their base and interval."""
    from scaleup.impact import MIN_BASE
    from scaleup.impact.output import cell

    if row.denominator is None:
        return cell(row.value)
    base = f"{row.numerator} of {row.denominator}"
    if row.numerator is None:
        base = f"over {row.denominator}"
    if row.value is None:
        return f"not shown: base {row.denominator} is under {MIN_BASE}"
    text = f"{row.value:+.1%}" if row.ci_low is None else f"{row.value:.1%}"
    if row.ci_low is not None:
        base += f", 95% CI {row.ci_low:.1%}-{row.ci_high:.1%}"
    return f"{text}  ({base})"


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("impact", help=HELP)(impact)
