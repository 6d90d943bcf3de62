"""The finder's pages: search with filters and pages without JavaScript; everything escaped."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from finder.world import csrf_of, record, save

MARKUP = '<script>alert("x")</script><b>Bold</b> & "Co"'


def test_search_page_filters_pages_and_details(finder_app, finder_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    save(
        finder_app.state.scaleup.sessions,
        *[record(id=f"p{n:02d}", name=f"Programme {n:02d}", areas=["UK"]) for n in range(23)],
        record(id="blaby-only", name="Blaby Only", areas=["E07000129"], support_types=["grant"]),
    )
    page = finder_client.get("/finder/")
    assert page.status_code == 200
    assert "24 programmes" in page.text and "Page 1 of 3" in page.text
    assert '<option value="E07000170">Ashfield</option>' in page.text  # a LAD to pick
    assert "<script" not in page.text.split("<main", 1)[1]  # no JavaScript needed
    third = finder_client.get("/finder/?page=3")
    assert "Page 3 of 3" in third.text and 'rel="prev"' in third.text
    grants = finder_client.get("/finder/?support=grant&area=E37000021")
    assert "1 programme<" in grants.text and "Blaby Only" in grants.text
    nothing = finder_client.get("/finder/?support=grant&area=E07000170")
    assert "0 programmes" in nothing.text
    details = finder_client.get("/finder/blaby-only/")
    assert details.status_code == 200 and "Blaby" in details.text
    assert finder_client.get("/finder/no-such-thing/").status_code == 404


def test_form_values_survive_odd_input(finder_client: TestClient) -> None:
    response = finder_client.get("/finder/?page=abc&employees=lots&size=huge")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "text", ['"><script>alert(1)</script>', "'; DROP TABLE programme; --", "<img src=x onerror=1>"]
)
def test_search_text_is_shown_escaped(finder_client: TestClient, text: str) -> None:
    response = finder_client.get("/finder/", params={"q": text})
    assert response.status_code == 200
    assert text not in response.text
    assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert "&lt;" in response.text or "&#39;" in response.text
    assert finder_client.get("/api/v1/programmes").status_code == 200  # still there


def test_a_name_with_markup_is_escaped_on_every_page(finder_app, editor_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    save(
        finder_app.state.scaleup.sessions,
        record(id="marked", name=MARKUP, provider=MARKUP, summary=MARKUP, sectors=["<i>x</i>"]),
    )
    token = csrf_of(editor_client.get("/admin/").text)
    editor_client.post(
        "/admin/programmes/marked/retire", data={"csrf_token": token, "retired": "false"}
    )
    pages = [
        "/finder/",
        "/finder/?q=bold",
        "/finder/marked/",
        "/admin/",
        "/admin/programmes/",
        "/admin/programmes/marked",
        "/admin/history",
        "/admin/history?kind=programme&key=marked",
    ]
    for path in pages:
        html = editor_client.get(path).text
        assert "<script>alert" not in html, path
        assert "<b>Bold</b>" not in html, path
        assert "&lt;b&gt;Bold&lt;/b&gt;" in html or "&lt;b&gt;Bold" in html, path
    assert re.search(r"&lt;i&gt;x&lt;/i&gt;", editor_client.get("/finder/").text)
