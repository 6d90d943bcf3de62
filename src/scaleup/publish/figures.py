"""An area's programme headline figures: the content's figures, with values from the KPIs.

A figure in an area's content either gives its value, or names a programme and a KPI of
``scaleup impact`` (kpis.csv); then the value, its base (n) and whether the cohort is
synthetic come from the computed KPIs. The page and the API both call
:func:`programme_figures`.
"""

from __future__ import annotations

from typing import Any

from scaleup.workspace import AreaContent, Figure


def impact_meta(result: Any) -> dict[str, Any]:
    """An :class:`scaleup.impact.ImpactResult` as JSON for the edition's meta."""
    if result is None:
        return {}
    programmes: dict[str, Any] = {}
    for row in result.kpis:
        programmes.setdefault(row.programme, {"kpis": {}, "sectors": [], "synthetic": False})
        entry = programmes[row.programme]
        entry["kpis"][row.kpi] = {
            "value": row.value, "numerator": row.numerator, "denominator": row.denominator,
            "ci_low": row.ci_low, "ci_high": row.ci_high, "note": row.note,
            "eligible": row.eligible,
        }  # fmt: skip
        entry["synthetic"] = entry["synthetic"] or bool(row.synthetic)
    for row in result.sectors:
        if row.programme in programmes:
            programmes[row.programme]["sectors"].append(
                {"sector": row.sector, "enterprises": row.enterprises}
            )
    return {"min_hours": result.min_hours, "programmes": programmes}


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


def _base(kpi: str, row: dict[str, Any]) -> str:
    """The base in a few words: n (and the 95% interval of a share)."""
    n = row.get("denominator")
    if n is None:
        n = row.get("eligible")
    parts = [] if n is None else [f"n = {n:,}"]
    if kpi.endswith("_share") and row.get("ci_low") is not None:
        parts.append(f"95% interval {row['ci_low']:.0%} to {row['ci_high']:.0%}")
    return "; ".join(parts)


def resolve(figure: Figure, impact: dict[str, Any]) -> dict[str, Any]:
    """One figure as shown: value (None when missing), label, base, synthetic."""
    out = {
        "programme": figure.programme, "kpi": figure.kpi, "label": figure.label,
        "value": figure.value, "base": figure.base, "note": None, "synthetic": figure.synthetic,
    }  # fmt: skip
    if figure.kpi and figure.programme:
        programme = impact.get("programmes", {}).get(figure.programme)
        row = (programme or {}).get("kpis", {}).get(figure.kpi)
        if row is not None:
            if out["value"] is None:
                out["value"] = kpi_text(figure.kpi, row["value"])
            out["base"] = out["base"] or _base(figure.kpi, row)
            out["note"] = row.get("note")
            out["synthetic"] = out["synthetic"] or programme["synthetic"]
    return out


DEFAULT_FIGURES = (
    ("companies_supported", "companies supported by {p}"),
    ("turnover_increase_share", "of {p} participants reported higher turnover"),
    ("confidence_mean_change", "change in the mean leadership confidence of {p} participants"),
    ("jobs_created_fte", "new jobs created through {p} (full-time equivalent)"),
    ("graduate_placements", "graduate placements enabled by {p}"),
)
"""The figures shown for a programme named in ``programmes`` when the content lists none."""


def programme_figures(content: AreaContent | None, impact: dict[str, Any]) -> list[dict[str, Any]]:
    """The content's figures; without any, the headline KPIs of each programme it names."""
    if content is None:
        return []
    figures = list(content.figures)
    if not figures:
        known = impact.get("programmes", {})
        figures = [
            Figure(programme=name, kpi=kpi, label=label.format(p=name))
            for name in content.programmes if name in known
            for kpi, label in DEFAULT_FIGURES if kpi in known[name]["kpis"]
        ]  # fmt: skip
    return [resolve(f, impact) for f in figures]


def programme_sectors(content: AreaContent | None, impact: dict[str, Any]) -> list[str]:
    """The content's sectors, else those of its programmes' cohorts."""
    if content is None:
        return []
    if content.sectors:
        return list(content.sectors)
    found: list[str] = []
    for name in content.programmes:
        for row in impact.get("programmes", {}).get(name, {}).get("sectors", []):
            if row["sector"] not in found and row["sector"] not in ("Other", "Not known"):
                found.append(row["sector"])
    return found
