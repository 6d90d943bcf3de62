"""Local authority districts: a page and an API object each, the same published figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from scaleup.publish.format import count, density
from scaleup.slugs import unique_slugs
from scaleup.tables import LAD_COMPARE, LAD_YEAR
from support.review import AREAS, LAD_NAMES, SHARED_LAD, SUPPRESSED_LAD, built_app, make_tables


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(built_app(tmp_path_factory.mktemp("lads") / "ws"))


def test_every_lad_has_an_api_object_in_the_contract_shape(client: TestClient) -> None:
    tables = make_tables()
    for code, name in LAD_NAMES.items():
        response = client.get(f"/api/v1/lads/{code}")
        assert response.status_code == 200, code
        body = response.json()
        assert {"code", "name", "areas", "years", "compare"} <= set(body)
        assert (body["code"], body["name"]) == (code, name)
        assert [set(row) for row in body["years"]] == [set(LAD_YEAR)] * len(body["years"])
        expected = tables.lad_year[tables.lad_year.lad_code == code]
        assert [r["employment"] for r in body["years"]] == list(expected.employment)
        assert set(body["compare"]) == {"employment", "turnover", "any"}
        assert all(set(row) == set(LAD_COMPARE) for row in body["compare"].values())
        member_of = [a for a, (_n, lads) in AREAS.items() if code in lads]
        assert [a["code"] for a in body["areas"]] == member_of
        assert all(a["edition"] == "2021" for a in body["areas"])


def test_a_lad_in_two_areas_names_both(client: TestClient) -> None:
    body = client.get(f"/api/v1/lads/{SHARED_LAD}").json()
    assert [(a["code"], a["name"]) for a in body["areas"]] == [
        ("E37000901", "Northvale"), ("E37000902", "Southmere")
    ]  # fmt: skip
    html = client.get(body["url"]).text
    assert (
        'href="/2021/areas/northvale/">Northvale</a> and <a href="/2021/areas/southmere/">' in html
    )


def test_withheld_stays_withheld(client: TestClient) -> None:
    body = client.get(f"/api/v1/lads/{SUPPRESSED_LAD}").json()
    last = body["years"][-1]
    assert last["year"] == 2019 and last["turnover"] == "[c]" and last["density_any"] == "[c]"
    assert body["compare"]["turnover"]["density"] == "[c]"
    html = client.get(body["url"]).text
    row = re.search(r"<th scope=\"row\">2019</th>(.*?)</tr>", html, re.S)
    assert row is not None
    cells = dict(re.findall(r'data-column="([a-z_]+)">([^<]*)<', row.group(1)))
    assert cells["turnover"] == "[c]" and cells["density_any"] == "[c]"
    assert cells["employment"] == count(last["employment"])
    assert cells["density_employment"] == density(last["density_employment"])


def test_not_available_is_null_and_not_shown(tmp_path: Path) -> None:
    client = TestClient(built_app(tmp_path / "ws", employment_only=True))
    body = client.get("/api/v1/lads/E07000032").json()
    assert body["measures"] == ["employment"]
    assert body["years"][0]["turnover"] is None
    html = client.get(body["url"]).text
    assert 'data-column="turnover"' not in html and 'data-column="employment"' in html


def test_area_pages_link_their_lads(client: TestClient) -> None:
    html = client.get("/areas/eastwick/").text
    links = re.findall(r'<a href="(/2021/lads/[a-z0-9-]+/)">([^<]+)</a>', html)
    assert sorted(name for _u, name in links) == ["High Peak", "North East Derbyshire"]
    for url, name in links:
        page = client.get(url)
        assert page.status_code == 200 and f"<h1>{name}</h1>" in page.text
    api = client.get("/api/v1/areas/E37000903").json()
    assert sorted(lad["url"] for lad in api["lads"]) == sorted(u for u, _n in links)


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/v1/lads/E07000099", 404), ("/api/v1/lads/E0700003", 422),
     ("/api/v1/lads/amber-valley", 422), ("/lads/nowhere/", 404), ("/lads/Amber_Valley/", 422)],
)  # fmt: skip
def test_bad_lad_requests(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    if path.startswith("/api/"):
        assert "detail" in response.json()


def test_lad_route_documented(client: TestClient) -> None:
    path = client.get("/openapi.json").json()["paths"]["/api/v1/lads/{code}"]["get"]
    assert {"200", "404", "422"} <= set(path["responses"])


def test_slugs_are_unique_and_stable() -> None:
    slugs = unique_slugs(
        [("W06000022", "Newport"), ("E07000032", "Amber Valley"), ("E06000999", "Newport")],
        fallback="lad",
    )
    assert slugs == {"E07000032": "amber-valley", "W06000022": "newport-w06000022",
                     "E06000999": "newport-e06000999"}  # fmt: skip


def test_built_site_has_a_page_per_lad(tmp_path: Path) -> None:
    built_app(tmp_path / "ws")
    site = tmp_path / "ws" / "site"
    pages = sorted(p.parent.name for p in (site / "2021" / "lads").glob("*/index.html"))
    assert pages == sorted(unique_slugs(LAD_NAMES.items(), fallback="lad").values())
    area = (site / "2021" / "areas" / "eastwick" / "index.html").read_text()
    assert 'href="../../lads/high-peak/index.html"' in area
    lad = (site / "2021" / "lads" / "high-peak" / "index.html").read_text()
    assert 'href="../../areas/eastwick/index.html"' in lad
