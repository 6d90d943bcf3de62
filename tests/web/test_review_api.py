"""The review's JSON API: the shapes of contracts.md on SQLite and PostgreSQL; bad requests."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from scaleup.tables import AREA_SUMMARY, AREA_YEAR, LAD_COMPARE
from support.review import AREAS, SUPPRESSED_LAD, built_app


@pytest.fixture
def client(tmp_path: Path, store_url: str) -> TestClient:
    return TestClient(built_app(tmp_path / "ws", store_url))


@pytest.fixture(scope="module")
def sqlite_client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(built_app(tmp_path_factory.mktemp("api") / "ws"))


def test_area_list_shape(client: TestClient) -> None:
    body = client.get("/api/v1/areas").json()
    assert set(body) == {"review", "areas"}
    assert body["review"] == {"title": "Test Review", "year": 2021, "edition": "2021"}
    assert [a["code"] for a in body["areas"]] == list(AREAS)
    first = body["areas"][0]
    assert set(first) == {"code", "name", "slug", "n_lads", "url"}
    assert first == {"code": "E37000901", "name": "Northvale", "slug": "northvale",
                     "n_lads": 4, "url": "/2021/areas/northvale/"}  # fmt: skip


def test_area_shape_and_values(client: TestClient) -> None:
    body = client.get("/api/v1/areas/E37000903").json()
    for key in ("code", "name", "slug", "review", "measures", "summary", "years", "lads",
                "previous", "next"):  # fmt: skip
        assert key in body
    assert set(body["summary"]) == set(AREA_SUMMARY)
    assert set(body["years"][0]) == set(AREA_YEAR) - {"area_code", "area_name"}
    assert body["previous"] == {"code": "E37000902", "name": "Southmere", "slug": "southmere"}
    assert body["next"] is None
    lad = next(x for x in body["lads"] if x["lad_code"] == SUPPRESSED_LAD)
    assert set(lad["measures"]["turnover"]) == set(LAD_COMPARE)
    assert lad["measures"]["turnover"]["density"] == "[c]"
    assert body["years"][-1]["turnover"] == "[c]"
    assert client.get("/api/v1/areas/E37000901").json()["previous"] is None


def test_not_available_is_null(tmp_path: Path) -> None:
    client = TestClient(built_app(tmp_path / "ws", employment_only=True))
    body = client.get("/api/v1/areas/E37000901").json()
    assert body["measures"] == ["employment"]
    assert body["years"][-1]["turnover"] is None and body["years"][-1]["any"] is None
    assert body["summary"]["density_above_turnover"] is None


def test_programme_figures_in_the_api(client: TestClient) -> None:
    body = client.get("/api/v1/areas/E37000901").json()
    assert body["programmes"][0]["value"] == "120"
    assert body["sectors"] == ["Engineering", "Life sciences"]


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/v1/areas/E37000999", 404), ("/api/v1/areas/nope", 422),
     ("/api/v1/areas/E3700090%27", 422), ("/api/v1/nothing", 404),
     ("/api/v1/areas/SYN999", 404),  # a review's own code, well formed but unknown here
     ("/api/v1/areas/E999", 422)],  # a shortened GSS code
)  # fmt: skip
def test_bad_api_requests_are_json(sqlite_client: TestClient, path: str, status: int) -> None:
    response = sqlite_client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    assert "detail" in response.json()


def test_openapi_documents_the_review_routes(sqlite_client: TestClient) -> None:
    paths = sqlite_client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/areas", "/api/v1/areas/{code}"} <= set(paths)
    assert "404" in paths["/api/v1/areas/{code}"]["get"]["responses"]


def test_empty_store_says_so(tmp_path: Path) -> None:
    from scaleup.config import load_settings
    from scaleup.web.app import create_app

    settings = load_settings(environ={}, overrides={"environment": "development"})
    client = TestClient(create_app(settings, workspace=tmp_path))
    assert client.get("/api/v1/areas").status_code == 404
    page = client.get("/")
    assert page.status_code == 200 and "No review has been built yet" in page.text
