"""Programme figures as data: each KPI's number, unit, base and interval beside its text."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from scaleup.impact import compute_kpis
from scaleup.impact.synthetic import MIN_HOURS, PROGRAMME, write_synthetic_cohort
from support.review import CONTENT, make_tables, make_workspace, members

CONTENT_WITH_KPIS = {
    **CONTENT,
    "E37000902": f"""---
code: E37000902
order: 2
programmes: [{PROGRAMME}]
---
Southmere has the synthetic cohort.
""",
}


def _app(root: Path):  # type: ignore[no-untyped-def]
    from scaleup.config import load_settings
    from scaleup.publish.build import build_site
    from scaleup.store import db
    from scaleup.web.app import create_app
    from scaleup.workspace import load_workspace

    make_workspace(root, content=CONTENT_WITH_KPIS)
    write_synthetic_cohort(root / "data" / "impact")
    with open(root / "scaleup.toml", "a", encoding="utf-8") as fh:
        fh.write(
            '\n[impact]\nparticipants = "data/impact/participants.csv"\n'
            'followups = "data/impact/followups.csv"\nsurvey = "data/impact/survey.csv"\n'
            f'sectors = "data/impact/sectors.csv"\nmin_hours = {MIN_HOURS}\n'
        )
    settings = load_settings(environ={}, overrides={"environment": "development"})
    engine = db.make_engine(db.default_url(root))
    build_site(load_workspace(root), settings, engine, root / "site",
               tables=make_tables(), members=members())  # fmt: skip
    return create_app(settings, workspace=root, engine=engine)


def test_kpis_are_numbers_with_unit_base_and_interval(tmp_path: Path) -> None:
    client = TestClient(_app(tmp_path / "ws"))
    figures = {f["kpi"]: f for f in client.get("/api/v1/areas/E37000902").json()["programmes"]}
    folder = tmp_path / "ws" / "data" / "impact"
    result = compute_kpis(
        folder / "participants.csv", folder / "followups.csv", folder / "survey.csv",
        folder / "sectors.csv", min_hours=MIN_HOURS,
    )  # fmt: skip
    rows = {r.kpi: r for r in result.kpis if r.programme == PROGRAMME}
    assert set(figures) <= set(rows) and "turnover_increase_share" in figures
    for kpi, figure in figures.items():
        row = rows[kpi]
        assert figure["number"] == row.value
        assert figure["synthetic"] is True
        assert figure["unit"]
        assert figure["n"] == (row.eligible if row.denominator is None else row.denominator)
        assert (figure["ci_low"], figure["ci_high"]) == (row.ci_low, row.ci_high)
    share = figures["turnover_increase_share"]
    assert share["value"] == f"{share['number']:.0%}" and share["unit"].startswith("fraction")
    assert share["ci_low"] < share["number"] < share["ci_high"]
    assert share["base"] == (
        f"n = {share['n']:,}; 95% interval {share['ci_low']:.0%} to {share['ci_high']:.0%}"
    )
    assert figures["companies_supported"]["unit"] == "enterprises"


def test_a_figure_given_as_text_has_no_number(tmp_path: Path) -> None:
    client = TestClient(_app(tmp_path / "ws"))
    (figure,) = client.get("/api/v1/areas/E37000901").json()["programmes"]
    assert figure["value"] == "120" and figure["kpi"] is None
    assert figure["number"] is None and figure["unit"] is None and figure["n"] is None
