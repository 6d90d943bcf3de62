"""An area's programme headline figures: the content's figures, with values from the KPIs.

A figure in an area's content either gives its value, or names a programme and a KPI of
``scaleup impact`` (kpis.csv); then the value, its base (n) and whether the cohort is
synthetic come from the computed KPIs. The page and the API both call
:func:`programme_figures`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from scaleup.impact.kpis import KPI_UNITS
from scaleup.meta import ImpactMeta, KpiFigure, ProgrammeImpact, SectorCount
from scaleup.workspace import AreaContent, Figure

if TYPE_CHECKING:
    from scaleup.impact import ImpactResult


@dataclass(frozen=True)
class ShownFigure:
    """One figure as a page and the API show it."""

    programme: str | None
    kpi: str | None
    label: str
    value: str | None
    """None when missing."""
    base: str | None
    """What the figure is computed over (its n), if known."""
    note: str | None
    """How the KPI was computed (from scaleup impact)."""
    synthetic: bool
    number: float | int | None = None
    """The KPI's value as a number (a share is a fraction: 0.49), when it is a KPI's."""
    unit: str | None = None
    """What :attr:`number` counts or measures (``impact.KPI_UNITS``)."""
    n: int | None = None
    """The base: how many the KPI is computed over."""
    ci_low: float | None = None
    """The 95% Wilson interval of a share: lower bound (a fraction)."""
    ci_high: float | None = None


def impact_meta(result: ImpactResult | None) -> ImpactMeta:
    """An :class:`scaleup.impact.ImpactResult` as the edition's record of the programmes."""
    if result is None:
        return ImpactMeta()
    kpis: dict[str, dict[str, KpiFigure]] = {}
    synthetic: dict[str, bool] = {}
    for row in result.kpis:
        kpis.setdefault(row.programme, {})[row.kpi] = KpiFigure(
            value=row.value, numerator=row.numerator, denominator=row.denominator,
            ci_low=row.ci_low, ci_high=row.ci_high, note=row.note, eligible=row.eligible,
        )  # fmt: skip
        synthetic[row.programme] = synthetic.get(row.programme, False) or bool(row.synthetic)
    sectors: dict[str, list[SectorCount]] = {}
    for sector in result.sectors:
        if sector.programme in kpis:
            sectors.setdefault(sector.programme, []).append(
                SectorCount(sector=sector.sector, enterprises=sector.enterprises)
            )
    return ImpactMeta(
        min_hours=result.min_hours,
        programmes={
            name: ProgrammeImpact(
                kpis=found, sectors=tuple(sectors.get(name, ())), synthetic=synthetic[name]
            )
            for name, found in kpis.items()
        },
    )


def kpi_text(kpi: str, value: Any) -> str | None:
    if value is None:
        return None
    if kpi.endswith("_share"):
        return f"{value:.0%}"
    if kpi == "confidence_mean_change":
        return f"{value:+.0%}".replace("-", "\u2212")
    if kpi == "turnover_at_entry":  # GBP thousands
        return f"\u00a3{value / 1000:,.0f} million" if value >= 1000 else f"\u00a3{value:,.0f}k"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _n(row: KpiFigure) -> int | None:
    return row.eligible if row.denominator is None else row.denominator


def _base(kpi: str, row: KpiFigure) -> str:
    """The base in a few words: n (and the 95% interval of a share)."""
    n = _n(row)
    parts = [] if n is None else [f"n = {n:,}"]
    if kpi.endswith("_share") and row.ci_low is not None and row.ci_high is not None:
        parts.append(f"95% interval {row.ci_low:.0%} to {row.ci_high:.0%}")
    return "; ".join(parts)


def resolve(figure: Figure, impact: ImpactMeta) -> ShownFigure:
    """One figure as shown: value (None when missing), label, base, synthetic."""
    out = ShownFigure(
        programme=figure.programme, kpi=figure.kpi, label=figure.label, value=figure.value,
        base=figure.base, note=None, synthetic=figure.synthetic,
    )  # fmt: skip
    if figure.kpi and figure.programme:
        programme = impact.programmes.get(figure.programme)
        row = programme.kpis.get(figure.kpi) if programme else None
        if programme is not None and row is not None:
            out = replace(
                out,
                value=kpi_text(figure.kpi, row.value) if out.value is None else out.value,
                base=out.base or _base(figure.kpi, row),
                note=row.note,
                synthetic=out.synthetic or programme.synthetic,
                number=row.value,
                unit=KPI_UNITS.get(figure.kpi),
                n=_n(row),
                ci_low=row.ci_low,
                ci_high=row.ci_high,
            )
    return out


DEFAULT_FIGURES = (
    ("companies_supported", "companies supported by {p}"),
    ("turnover_increase_share", "of {p} participants reported higher turnover"),
    ("confidence_mean_change", "change in the mean leadership confidence of {p} participants"),
    ("jobs_created_fte", "new jobs created through {p} (full-time equivalent)"),
    ("graduate_placements", "graduate placements enabled by {p}"),
)
"""The figures shown for a programme named in ``programmes`` when the content lists none."""


def programme_figures(content: AreaContent | None, impact: ImpactMeta) -> list[ShownFigure]:
    """The content's figures; without any, the headline KPIs of each programme it names."""
    if content is None:
        return []
    figures = list(content.figures)
    if not figures:
        known = impact.programmes
        figures = [
            Figure(programme=name, kpi=kpi, label=label.format(p=name))
            for name in content.programmes if name in known
            for kpi, label in DEFAULT_FIGURES if kpi in known[name].kpis
        ]  # fmt: skip
    return [resolve(f, impact) for f in figures]


def programme_sectors(content: AreaContent | None, impact: ImpactMeta) -> list[str]:
    """The content's sectors, else those of its programmes' cohorts."""
    if content is None:
        return []
    if content.sectors:
        return list(content.sectors)
    found: list[str] = []
    for name in content.programmes:
        programme = impact.programmes.get(name)
        for row in programme.sectors if programme else ():
            if row.sector not in found and row.sector not in ("Other", "Not known"):
                found.append(row.sector)
    return found
