"""/openapi.json tells the truth: the bearer scheme on every write, every error status a
route answers with its body shape, and 422 bodies of that one shape everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from finder.world import record, save, token_for

WRITES = {"post", "put", "patch", "delete"}


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, item in doc["paths"].items()
            for method, op in item.items()]  # fmt: skip


def test_write_routes_declare_the_bearer_scheme_and_their_statuses(finder_app: FastAPI) -> None:
    doc = TestClient(finder_app).get("/openapi.json").json()
    scheme = doc["components"]["securitySchemes"]["bearer"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer"}
    writes = [(p, m, op) for p, m, op in _operations(doc) if m in WRITES and p.startswith("/api/")]
    assert len(writes) == 4
    for path, method, op in writes:
        assert op["security"] == [{"bearer": []}], (method, path)
        assert {"401", "409"} <= set(op["responses"]), (method, path)
        if method != "delete":
            assert {"413", "422"} <= set(op["responses"]), (method, path)
        if method in ("patch", "delete"):
            assert "404" in op["responses"], (method, path)
    reads = [op for p, m, op in _operations(doc) if m == "get"]
    assert all("security" not in op for op in reads)


def test_every_422_is_documented_in_the_one_shape(finder_app: FastAPI) -> None:
    doc = TestClient(finder_app).get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    for path, method, op in _operations(doc):
        answer = op["responses"].get("422")
        if answer is None:
            continue
        ref = answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        detail = schemas[ref]["properties"]["detail"]
        assert detail["type"] == "array", (method, path)
        item = schemas[detail["items"]["$ref"].rsplit("/", 1)[1]]
        assert {"loc", "msg", "type"} <= set(item["required"]), (method, path)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("get", "/api/v1/programmes?limit=abc", None),
     ("put", "/api/v1/programmes/growth-hub", {"id": "other", "name": "X"}),
     ("put", "/api/v1/programmes/Not_A_Slug", {"name": "X"}),
     ("patch", "/api/v1/programmes/growth-hub", {"max_employees": "many"}),
     ("post", "/api/v1/programmes", {"name": ""}),
     ("get", "/hsds/services?modified_after=yesterday", None)],
)  # fmt: skip
def test_422_bodies_have_the_documented_shape(
    finder_app: FastAPI, method: str, path: str, body: Any
) -> None:
    sessions = finder_app.state.scaleup.sessions
    save(sessions, record(id="growth-hub"))
    token = token_for(sessions, "editor@example.org")
    client = TestClient(finder_app)
    response = client.request(method, path, json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, list) and detail
    for error in detail:
        assert isinstance(error["loc"], list) and isinstance(error["msg"], str) and error["type"]


def test_writes_without_a_token_are_401_with_the_scheme_named(finder_app: FastAPI) -> None:
    response = TestClient(finder_app).post("/api/v1/programmes", json={"name": "X"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert isinstance(response.json()["detail"], str)


def test_the_editions_routes_are_documented(finder_app: FastAPI) -> None:
    doc = TestClient(finder_app).get("/openapi.json").json()
    paths = doc["paths"]
    for path in (
        "/api/v1/editions",
        "/api/v1/editions/{edition}/areas",
        "/api/v1/editions/{edition}/areas/{code}",
        "/api/v1/areas/{code}",
    ):
        assert "get" in paths[path], path
    assert {"404", "422"} <= set(
        paths["/api/v1/editions/{edition}/areas/{code}"]["get"]["responses"]
    )
    schemas = doc["components"]["schemas"]
    assert "other_editions" in schemas["AreaDetail"]["properties"]
    over_time = schemas["AreaOverTime"]["properties"]
    assert {"edition", "relation", "shared_lads", "lads", "covered_lads", "same_lads"} <= set(
        over_time
    )
    assert {"edition", "end_year", "title", "area_types", "url"} <= set(
        schemas["EditionItem"]["properties"]
    )
