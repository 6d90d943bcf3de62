"""The review's pages served from the store: figures agree with the API; edits show at once."""

from __future__ import annotations

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient

from scaleup.publish.format import count, density
from scaleup.store import repo
from support.review import built_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(built_app(tmp_path_factory.mktemp("pages") / "ws"))


def _figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="([a-z_]+)">([^<]*)<', html))


def test_front_page_has_a_section_per_area(client: TestClient) -> None:
    html = client.get("/").text
    assert "<h1>Explore the Test Review 2021</h1>" in html
    assert len(re.findall(r"<details class=\"area\"", html)) == 3
    assert 'href="/2021/areas/eastwick/"' in html


def test_page_figures_match_the_api(client: TestClient) -> None:
    for code, slug in (("E37000901", "northvale"), ("E37000903", "eastwick")):
        api = client.get(f"/api/v1/areas/{code}").json()
        shown = _figures(client.get(f"/areas/{slug}/").text)
        latest = api["years"][-1]
        for key in ("any", "employment", "turnover", "both"):
            assert shown[key] == count(latest[key])
        assert shown["density_any"] == density(latest["density_any"])


def test_csv_download_matches_the_api(client: TestClient) -> None:
    response = client.get("/areas/northvale/area_year.csv")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    api = client.get("/api/v1/areas/E37000901").json()
    assert [int(r["employment"]) for r in rows] == [y["employment"] for y in api["years"]]


def test_xlsx_download(client: TestClient) -> None:
    from openpyxl import load_workbook

    response = client.get("/areas/northvale/tables.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert "t_lad_compare" in book["lad_compare"].tables


def test_an_edit_of_the_content_shows_at_once(client: TestClient) -> None:
    factory = client.app.state.scaleup.sessions
    with factory() as session, session.begin():
        content = repo.get_area_content(session, "E37000902")
        edited = content.model_copy(update={"introduction": "Freshly *edited* text."})
        repo.save_area_content(session, "E37000902", edited)
    html = client.get("/areas/southmere/").text
    assert "Freshly <em>edited</em> text." in html


def test_markup_in_content_is_not_injected(client: TestClient) -> None:
    factory = client.app.state.scaleup.sessions
    with factory() as session, session.begin():
        content = repo.get_area_content(session, "E37000903")
        edited = content.model_copy(update={"introduction": "<script>alert(1)</script>"})
        repo.save_area_content(session, "E37000903", edited)
    html = client.get("/areas/eastwick/").text
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize(
    ("path", "status"),
    [("/areas/nowhere/", 404), ("/areas/Not_A_Slug!/", 422), ("/areas/northvale/x.csv", 404),
     ("/areas/nowhere/area_year.csv", 404), ("/areas/nowhere/tables.xlsx", 404),
     ("/no/such/page", 404)],
)  # fmt: skip
def test_bad_page_requests_get_an_html_error_page(
    client: TestClient, path: str, status: int
) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert "Go to the review's front page" in response.text


def test_an_edit_made_elsewhere_shows_after_the_version_check(client: TestClient) -> None:
    import time

    from scaleup.store import db
    from scaleup.web.pages import CACHE_KEY

    cache = client.app.state.scaleup.extras[CACHE_KEY]
    assert "Northvale is a made-up area" in client.get("/areas/northvale/").text
    other = db.sessions(db.make_engine(str(client.app.state.scaleup.engine.url)))
    with other() as session, session.begin():  # not the app's sessions: no commit hook
        content = repo.get_area_content(session, "E37000901")
        repo.save_area_content(
            session, "E37000901", content.model_copy(update={"introduction": "From the CLI."})
        )
    cache.ttl = 0.05
    time.sleep(0.1)
    assert "From the CLI." in client.get("/areas/northvale/").text


def test_front_page_shows_programme_figures_and_follows_edits(client: TestClient) -> None:
    html = client.get("/").text
    section = html.split('id="area-E37000901"')[1].split("</details>")[0]
    assert "companies supported by Growbig" in section and "Engineering, Life sciences" in section
    factory = client.app.state.scaleup.sessions
    with factory() as session, session.begin():
        content = repo.get_area_content(session, "E37000901")
        figure = content.figures[0].model_copy(update={"value": "999"})
        repo.save_area_content(
            session, "E37000901", content.model_copy(update={"figures": [figure]})
        )
    section = client.get("/").text.split('id="area-E37000901"')[1].split("</details>")[0]
    assert '<span class="value">999</span>' in section


def test_finder_and_sign_in_headers_carry_the_reviews_title(client: TestClient) -> None:
    for url in ("/finder/", "/admin/login"):
        html = client.get(url).text
        assert '<a class="brand" href="/">Test Review 2021</a>' in html, url


def _source_list(html: str) -> list[str]:
    listed = html.split('id="source-list"')[1].split("</ul>")[0]
    return [re.sub(r"\s+", " ", li) for li in re.findall(r"<li>(.*?)</li>", listed, re.S)]


def test_sources_cite_each_dataset_from_the_editions_metadata(client: TestClient) -> None:
    # [inputs] sources and [review] next_update: each dataset by publisher, title, edition,
    # release date and table, the years taken from it; population vintage; geography
    # vintage; publication, next update, revisions, licence, contact; no input file names.
    html = client.get("/areas/northvale/").text
    lines = _source_list(html)
    assert lines[0] == (
        "Scaleup counts, 2016\u20132019: Test Statistics Office, Made-up high-growth "
        "enterprises by local authority (2021 edition, released 18 November 2021), Table 7.1."
    )
    assert lines[1].startswith("Population, 2016\u20132019: Test Statistics Office, Made-up")
    assert "released 25 June 2021" in lines[1] and "mid-2020 release" in lines[1]
    assert any(x.startswith("Geography: local authority districts") for x in lines)
    starts = [x.split(":")[0] for x in lines]
    for label in ("Published", "Next update", "Revisions", "Licence", "Contact"):
        assert label in starts, label
    assert "Next update: November 2022 (provisional)." in lines
    assert "Contact: not stated by the publisher of this review." in lines
    assert (
        "Licence: Open Government Licence v3.0. Attribution: Source: Test Statistics Office, "
        "Open Government Licence v3.0." in lines
    )
    assert "Statistics: Source: Test Statistics Office" in html  # the footer's credit
    for name in ("counts.csv", "population.csv", "geography.csv", "sources.toml"):
        assert name not in html
