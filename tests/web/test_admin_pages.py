"""The admin: programmes created, edited and retired by form; area narrative and figures with a
preview; every change in the history with who, when, before and after."""

from __future__ import annotations

from fastapi.testclient import TestClient

from finder.world import csrf_of
from scaleup.store import history, repo

FORM = {
    "name": "Scale Sprint",
    "provider": "Growth Hub",
    "summary": "Six weeks of coaching for scaling firms.",
    "url": "https://example.org/sprint",
    "support_types": ["mentoring", "training"],
    "sectors": "Digital; Creative",
    "areas": "E37000045; UK",
    "min_employees": "10",
    "max_employees": "",
}


def token(client: TestClient, path: str = "/admin/") -> str:
    return csrf_of(client.get(path).text)


def test_create_edit_and_retire_a_programme(editor_client: TestClient) -> None:
    csrf = token(editor_client, "/admin/programmes/new")
    bad = editor_client.post(
        "/admin/programmes/new",
        data=FORM | {"csrf_token": csrf, "url": "not a url", "support_types": []},
    )
    assert bad.status_code == 422
    assert "There is a problem" in bad.text and "http://" in bad.text
    assert 'value="Scale Sprint"' in bad.text  # what was typed is kept
    assert editor_client.get("/api/v1/programmes/scale-sprint").status_code == 404

    created = editor_client.post("/admin/programmes/new", data=FORM | {"csrf_token": csrf})
    assert created.status_code == 200 and "Saved." in created.text
    record = editor_client.get("/api/v1/programmes/scale-sprint").json()
    assert record["sectors"] == ["Digital", "Creative"] and record["areas"] == ["E37000045", "UK"]
    assert record["min_employees"] == 10 and record["max_employees"] is None

    edited = editor_client.post(
        "/admin/programmes/scale-sprint",
        data=FORM | {"csrf_token": csrf, "name": "Scale Sprint Plus"},
    )
    assert edited.status_code == 200
    assert "Scale Sprint Plus" in editor_client.get("/finder/?q=sprint").text

    retired = editor_client.post(
        "/admin/programmes/scale-sprint/retire", data={"csrf_token": csrf, "retired": "true"}
    )
    assert "This programme is retired" in retired.text
    assert "Scale Sprint" not in editor_client.get("/finder/?q=sprint").text
    assert editor_client.get("/finder/scale-sprint/").status_code == 404
    assert "Retired" in editor_client.get("/admin/programmes/").text

    history = editor_client.get("/admin/history?kind=programme&key=scale-sprint").text
    assert history.count("<td>editor@example.org</td>") == 3  # create, update, retire
    assert "<del>Scale Sprint</del>" in history and "<ins>Scale Sprint Plus</ins>" in history


def test_area_narrative_and_figures_preview_then_save(
    finder_app, editor_client: TestClient
) -> None:  # type: ignore[no-untyped-def]
    form = editor_client.get("/admin/areas/E37000045")
    assert form.status_code == 200 and "D2N2" in form.text
    csrf = csrf_of(form.text)
    data = {
        "csrf_token": csrf,
        "narrative": "Firms here grow **fast**.\n\n## Programmes\n\nUpScaler <em>helps</em>.",
        "figure_value_0": "230",
        "figure_label_0": "companies supported",
        "figure_programme_0": "UpScaler",
    }
    preview = editor_client.post("/admin/areas/E37000045", data=data | {"action": "preview"})
    assert preview.status_code == 200 and "not saved yet" in preview.text
    assert "<strong>fast</strong>" in preview.text and "<em>helps</em>" not in preview.text
    with finder_app.state.scaleup.sessions() as session:
        assert repo.get_area_content(session, "E37000045") is None  # nothing saved yet

    saved = editor_client.post("/admin/areas/E37000045", data=data | {"action": "save"})
    assert saved.status_code == 200 and "Saved" in saved.text
    public = editor_client.get("/areas/d2n2/").text
    assert "Firms here grow" in public and "companies supported" in public
    with finder_app.state.scaleup.sessions() as session:
        content = repo.get_area_content(session, "E37000045")
        changes = history.history(session, kind="area", key="E37000045")
    assert content is not None and content.sections[0].heading == "Programmes"
    assert content.figures[0].value == "230"
    assert len(changes) == 1 and changes[0].actor == "editor@example.org"
    assert changes[0].before["figures"] == [] and changes[0].after["figures"][0]["value"] == "230"

    missing_label = editor_client.post(
        "/admin/areas/E37000045", data=data | {"figure_label_0": "", "action": "save"}
    )
    assert missing_label.status_code == 422 and "a label is needed" in missing_label.text
    assert editor_client.get("/admin/areas/E99999999").status_code == 404


def test_dashboard_lists_recent_changes(editor_client: TestClient) -> None:
    csrf = token(editor_client, "/admin/programmes/new")
    editor_client.post("/admin/programmes/new", data=FORM | {"csrf_token": csrf})
    page = editor_client.get("/admin/")
    assert "create programme" in page.text and "scale-sprint" in page.text


def test_the_admin_edits_the_latest_edition_and_says_so(
    finder_app, editor_client: TestClient
) -> None:  # type: ignore[no-untyped-def]
    from finder.world import EDITION_META
    from scaleup.store import db

    with db.transaction(finder_app.state.scaleup.sessions) as session:
        repo.replace_review(
            session, edition="2026", title="Test review", year=2026, meta=EDITION_META,
            areas=[{"code": "E47000013", "name": "East Midlands", "slug": "east-midlands",
                    "position": 0, "summary": {}, "charts": {}}],
            area_years=[],
            lads=[{"code": "E06000018", "name": "Nottingham", "years": [], "compare": {}}],
            memberships=[("E47000013", "E06000018")],
        )  # fmt: skip
    listing = editor_client.get("/admin/areas/").text
    assert "You are editing the <strong>2026 edition</strong>" in listing
    assert "Earlier editions (2021) are kept as they were published" in listing
    assert "/admin/areas/E47000013" in listing and "/admin/areas/E37000045" not in listing
    old = editor_client.get("/admin/areas/E37000045")  # an area of the 2021 edition only
    assert old.status_code == 404
    form = editor_client.get("/admin/areas/E47000013")
    assert "Editing the 2026 edition" in form.text
    assert 'href="/2026/areas/east-midlands/"' in form.text
    saved = editor_client.post(
        "/admin/areas/E47000013",
        data={"csrf_token": csrf_of(form.text), "narrative": "Now a combined county authority.",
              "action": "save"},
    )  # fmt: skip
    assert saved.status_code == 200 and "Saved in the 2026 edition" in saved.text
    with finder_app.state.scaleup.sessions() as session:
        latest = repo.get_area_content(session, "E47000013", "2026")
        assert latest is not None and latest.introduction.startswith("Now a combined")
        assert repo.get_area_content(session, "E47000013", "2021") is None
