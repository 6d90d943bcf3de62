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


def _app(root: Path, content: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    from scaleup.config import load_settings
    from scaleup.publish.build import build_site
    from scaleup.store import db
    from scaleup.web.app import create_app
    from scaleup.workspace import load_workspace

    make_workspace(root, content=content or CONTENT_WITH_KPIS)
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


def test_the_admin_form_shows_computed_figures_read_only_and_previews_them(
    tmp_path: Path,
) -> None:
    # A figure computed from the programme's cohort (a KPI, no typed value) is marked as
    # computed with its value, not an empty box; the preview shows the values the page will.
    from finder.world import add_user, csrf_of, sign_in

    content = {
        **CONTENT_WITH_KPIS,
        "E37000901": f"""---
code: E37000901
order: 1
figures:
  - {{label: companies supported, programme: {PROGRAMME}, kpi: companies_supported}}
  - {{value: "12", label: events held}}
---
Northvale.
""",
    }
    app = _app(tmp_path / "ws", content)
    add_user(app.state.scaleup.sessions, "editor@example.org", "editor")
    client = TestClient(app)
    assert sign_in(client, "editor@example.org").status_code == 303
    shown = {
        f["kpi"]: f["value"] for f in client.get("/api/v1/areas/E37000901").json()["programmes"]
    }
    form = client.get("/admin/areas/E37000901").text
    computed = form.split('<tr class="computed">')[1].split("</tr>")[0]
    assert f">{shown['companies_supported']}</output>" in computed
    assert "Computed from the programme's cohort (companies_supported" in computed
    assert 'name="figure_value_0"' not in form  # no box to type over it
    assert 'name="figure_value_1" type="text" value="12"' in form
    # an area naming a programme but listing no figures: the defaults, with their values
    defaults = client.get("/admin/areas/E37000902").text
    assert 'id="default-figures"' in defaults and "companies supported by" in defaults
    # the label of a computed figure is edited; it stays computed, and the preview shows it
    data = {
        "csrf_token": csrf_of(form), "narrative": "Northvale.", "action": "preview",
        "figure_computed_0": "1", "figure_label_0": "firms helped",
        "figure_programme_0": PROGRAMME, "figure_value_1": "12", "figure_label_1": "events held",
    }  # fmt: skip
    preview = client.post("/admin/areas/E37000901", data=data).text
    figures = preview.split('id="preview-figures"')[1].split("</ul>")[0]
    assert f'<span class="value">{shown["companies_supported"]}</span> firms helped' in figures
    assert f"computed from the {PROGRAMME} cohort" in figures
    assert '<span class="value">12</span> events held' in figures
    saved = client.post("/admin/areas/E37000901", data=data | {"action": "save"})
    assert saved.status_code == 200
    after = {f["label"]: f for f in client.get("/api/v1/areas/E37000901").json()["programmes"]}
    assert after["firms helped"]["kpi"] == "companies_supported"
    assert after["firms helped"]["value"] == shown["companies_supported"]
