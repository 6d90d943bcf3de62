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


def test_region_select_works_without_javascript(finder_app, finder_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    save(
        finder_app.state.scaleup.sessions,
        *[record(id=f"uk{n:02d}", name=f"UK {n:02d}", areas=["UK"]) for n in range(9)],
        record(id="d2n2", name="D2N2 Growth", areas=["E37000045"]),
        record(id="em", name="East Midlands Growth", areas=["E12000004"]),
        record(id="blaby", name="Blaby Growth", areas=["E07000129"]),
        record(id="london", name="London Growth", areas=["E12000007"]),
        record(id="wales", name="Welsh Growth", areas=["W92000004"]),
    )
    page = finder_client.get("/finder/").text
    select = page.split('<select id="region" name="region">', 1)[1].split("</select>", 1)[0]
    names = re.findall(r'<option value="[A-Z0-9]+">([^<]+)</option>', select)
    assert len(names) == 12 and names == sorted(names, key=str.lower)
    for name in ("East Midlands", "London", "Wales", "Scotland", "Northern Ireland"):
        assert name in names
    assert "<script" not in page.split("<main", 1)[1]

    def ids(path: str) -> set[str]:
        return set(re.findall(r'<a href="/finder/([a-z0-9-]+)/">', finder_client.get(path).text))

    # The East Midlands: its LEPs', its LADs' and its own programmes, and UK-wide ones.
    first = finder_client.get("/finder/?region=E12000004")
    assert "12 programmes" in first.text and "Page 1 of 2" in first.text
    assert '<option value="E12000004" selected>East Midlands</option>' in first.text
    assert "region=E12000004" in re.search(r'href="([^"]+)" rel="next"', first.text).group(1)
    both = ids("/finder/?region=E12000004") | ids("/finder/?region=E12000004&page=2")
    assert {"d2n2", "em", "blaby"} <= both and not {"london", "wales"} & both
    # A firm in Ashfield sees D2N2's, the East Midlands' and UK-wide programmes.
    ashfield = ids("/finder/?area=E07000170&q=growth")
    assert ashfield == {"d2n2", "em"}
    assert ids("/finder/?region=W92000004&q=growth") == {"wales"}
    assert ids("/finder/?region=E12000007&area=E07000170&q=growth") == set()
    assert "0 programmes" in finder_client.get("/finder/?region=E12000099").text
    details = finder_client.get("/finder/em/").text
    assert "<dt>Where</dt><dd>East Midlands</dd>" in details


@pytest.mark.parametrize("value", ['"><script>alert(1)</script>', "E12000004'; --", "\x00"])
def test_an_odd_region_finds_nothing_and_is_escaped(finder_client: TestClient, value: str) -> None:
    response = finder_client.get("/finder/", params={"region": value})
    assert response.status_code == 200
    assert "0 programmes" in response.text
    assert "<script>alert" not in response.text


def _data_link(html: str) -> str:
    found = re.search(r'id="search-as-data" href="([^"]+)"', html)
    assert found is not None
    return found.group(1).replace("&amp;", "&")


def _page_ids(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/finder/([a-z0-9-]+)/">', html)


@pytest.mark.parametrize(
    "query",
    ["", "?support=grant&area=E37000021", "?q=programme&page=2", "?q=programme&employees=lots",
     "?region=e12000004&size=nonsense", "?support=grant&area=E07000170"],
)  # fmt: skip
def test_the_same_search_as_data_keeps_the_search(  # type: ignore[no-untyped-def]
    finder_app, finder_client: TestClient, query: str
) -> None:
    save(
        finder_app.state.scaleup.sessions,
        *[record(id=f"p{n:02d}", name=f"Programme {n:02d}", areas=["UK"]) for n in range(23)],
        record(id="blaby-only", name="Blaby Only", areas=["E07000129"], support_types=["grant"]),
    )
    page = finder_client.get(f"/finder/{query}").text
    link = _data_link(page)
    assert link.startswith("/api/v1/programmes")
    if query:
        assert "?" in link
    answer = finder_client.get(link)
    assert answer.status_code == 200, (link, answer.text)
    body = answer.json()
    assert f"{body['total']} programme" in page
    assert [p["id"] for p in body["results"]][: len(_page_ids(page))] == _page_ids(page)


def test_an_empty_finder_says_so(finder_client: TestClient) -> None:
    for query in ("", "?q=growth&support=grant"):
        page = finder_client.get(f"/finder/{query}").text
        assert 'id="finder-empty"' in page and "holds no programmes yet" in page
        assert "Try fewer words" not in page


def test_a_search_that_finds_nothing_asks_for_fewer_filters(  # type: ignore[no-untyped-def]
    finder_app, finder_client: TestClient
) -> None:
    save(finder_app.state.scaleup.sessions, record())
    page = finder_client.get("/finder/?q=nothingmatchesthis").text
    assert "Try fewer words" in page and 'id="finder-empty"' not in page
