"""HSDS 3.0 for real: the export validates against the HSDS schemas (a copy kept in
tests/finder/hsds-3.0), imports back to the same directory, a directory from elsewhere
imports, and the server offers the HSDS read API under /hsds/."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from finder.hsds_schema import FORMATS, errors, page_errors
from finder.world import migrated, record, save
from scaleup.cli.main import app
from scaleup.errors import InputError
from scaleup.finder.directory import STARTER, read_directory, write_directory
from scaleup.finder.hsds import organization_id, service_id, to_hsds
from scaleup.finder.records import ProgrammePublic
from scaleup.store import db, programmes

runner = CliRunner()


def public(**fields: Any) -> ProgrammePublic:
    return ProgrammePublic.model_validate(
        record(**fields).model_dump() | {"updated": "2024-05-01", "retired": False}
    )


def starter_records() -> list[ProgrammePublic]:
    return [
        ProgrammePublic.model_validate(
            r.programme.model_dump() | {"updated": r.programme.updated or "2026-01-01"}
        )
        for r in read_directory(STARTER)
    ]


VARIED = [
    public(),  # no cost, no eligibility, no contact: nothing written as null
    public(
        id="grow", name="Grow", provider="Growth Hub", cost="Free", contact="team@example.org",
        eligibility="Firms in the area.", min_employees=10, max_employees=249, min_turnover=500,
        sectors=["Creative industries"], stages=["grow and sustain"], starts="2024-01-01",
        ends="2025-12-31", areas=["E37000045", "UK"], support_types=["mentoring", "grant"],
    ),
    public(id="call", name="Call us", provider="Growth Hub", contact="0115 000 0000"),
]  # fmt: skip


def test_every_exported_service_validates_against_the_hsds_schemas() -> None:
    for records in (VARIED, starter_records()):
        document = to_hsds(records, {"E37000045": "D2N2"})
        assert page_errors(document, "service.json") == []
        assert document["total_items"] == len(records) == document["size"]
        for service in document["contents"]:
            assert errors("service.json", service) == [], service["name"]
            assert None not in service.values()


def test_the_schema_check_checks_the_formats_the_hsds_schemas_use() -> None:
    """jsonschema checks a format only when the library for it is installed (the test
    extra's rfc3986-validator and rfc3339-validator); without one, bad values would pass."""

    def checked(fmt: str, value: str) -> bool:
        return Draft202012Validator({"format": fmt}, format_checker=FORMATS).is_valid(value)

    bad = {"uri": "not a uri", "date-time": "2024-13-45T99:00:00Z", "uuid": "x", "email": "x"}
    assert [f for f, value in bad.items() if checked(f, value)] == []
    good = {"uri": "https://example.org/a", "date-time": "2024-05-01T09:30:00Z"}
    assert [f for f, value in good.items() if not checked(f, value)] == []


def test_organisations_say_what_the_directory_knows_of_them() -> None:
    services = to_hsds(VARIED, {})["contents"]
    hub = [s["organization"] for s in services if s["organization"]["name"] == "Growth Hub"]
    assert hub[0]["description"] == (
        "Growth Hub runs 2 business support programmes in this directory: Call us and Grow."
    )
    school = services[0]["organization"]
    assert school["description"] == (
        "Nottingham Business School runs UpScaler, a business support programme in this directory."
    )
    assert school["id"] == organization_id("Nottingham Business School")


def test_export_then_import_gives_the_same_directory(tmp_path: Path) -> None:
    out = tmp_path / "services.json"
    write_directory(VARIED, out, "hsds", {"E37000045": "D2N2"})
    back = {r.programme.id: r.programme for r in read_directory(out)}
    for before in VARIED:
        after = back[before.id]
        assert after.model_dump() == {
            **before.model_dump(exclude={"updated", "retired"}),
            "id": before.id, "updated": before.updated, "retired": False,
        }  # fmt: skip


def test_exported_file_is_readable_by_the_group(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        out = tmp_path / "services.json"
        write_directory(VARIED, out, "hsds", {})
        mode = stat.S_IMODE(out.stat().st_mode)
    finally:
        os.umask(old)
    assert mode == 0o644


def foreign_service(**fields: Any) -> dict[str, Any]:
    """A service as another directory (Open Referral UK) would write it."""
    service: dict[str, Any] = {
        "id": "ac148810-d857-441c-9679-408f346de14b",
        "name": "Export Support Service",
        "description": "Help for firms selling abroad for the first time.",
        "url": "https://example.org/export",
        "status": "active",
        "organization": {
            "id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
            "name": "Chamber of Commerce",
            "description": "A membership body for local businesses.",
        },
        "service_areas": [
            {"id": "0a1b2c3d-0000-4000-8000-000000000001",
             "uri": "http://statistics.data.gov.uk/id/statistical-geography/E37000045"}
        ],
        "attributes": [
            {"id": "0a1b2c3d-0000-4000-8000-000000000002",
             "taxonomy_term": {"id": "0a1b2c3d-0000-4000-8000-000000000003",
                               "name": "Advice", "description": "Advice"}}
        ],
        "phones": [{"id": "0a1b2c3d-0000-4000-8000-000000000004", "number": "0115 111 1111"}],
    }  # fmt: skip
    service.update(fields)
    return service


def test_a_directory_from_elsewhere_imports(tmp_path: Path) -> None:
    two = [foreign_service(), foreign_service(id="bc148810-d857-441c-9679-408f346de14b")]
    assert all(errors("service.json", s) == [] for s in two)
    path = tmp_path / "orUK.json"
    path.write_text(json.dumps({"total_items": 2, "contents": two}), encoding="utf-8")
    found = [r.programme for r in read_directory(path)]
    assert [p.id for p in found] == ["export-support-service", "export-support-service-2"]
    first = found[0]
    assert first.provider == "Chamber of Commerce"
    assert first.support_types == ["advice"] and first.areas == ["E37000045"]
    assert first.contact == "0115 111 1111"


def test_an_hsds_service_the_finder_cannot_use_is_reported_and_nothing_changes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bad.json"
    bad = foreign_service(attributes=[], service_areas=[], url="")
    path.write_text(json.dumps([foreign_service(), bad, "nonsense"]), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_directory(path)
    lines = [p.render() for p in caught.value.problems()]
    assert "error: bad.json: row 2: support_types: no support type" in lines[0]
    assert "error: bad.json: row 2: areas: no service area with a GSS code" in lines[1]
    assert any(line.startswith("error: bad.json: row 2: url:") for line in lines)
    assert any("row 3: expected an HSDS service object" in line for line in lines)
    assert len(lines) == 4


def test_cli_exports_hsds_and_imports_it_back(tmp_path: Path) -> None:
    ws = str(tmp_path)
    assert runner.invoke(app, ["finder", "import", "--starter", "-w", ws]).exit_code == 0
    out = tmp_path / "services.json"
    result = runner.invoke(
        app, ["finder", "export", "--format", "hsds", "--out", str(out), "-w", ws]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert page_errors(document, "service.json") == []
    result = runner.invoke(app, ["finder", "import", str(out), "--replace", "-w", ws])
    assert result.exit_code == 0 and "6 unchanged" in result.output, result.output


# --- the read API -----------------------------------------------------------------------


@pytest.fixture
def hsds_client(finder_sqlite_url: str, finder_client: TestClient) -> TestClient:
    sessions = migrated(finder_sqlite_url)
    save(sessions, *(record(**{k: v for k, v in p.model_dump().items()
                               if k not in ("updated",)}) for p in VARIED))  # fmt: skip
    save(sessions, record(id="old", name="Old", retired=True))
    return finder_client


def test_services_are_paged_as_the_hsds_api(hsds_client: TestClient) -> None:
    body = hsds_client.get("/hsds/services", params={"per_page": 2}).json()
    assert page_errors(body, "compiled/service_list.json") == []
    assert (body["total_items"], body["total_pages"], body["size"]) == (3, 2, 2)
    assert body["first_page"] and not body["last_page"] and not body["empty"]
    assert "service_areas" not in body["contents"][0]  # the list's one-to-one fields
    second = hsds_client.get("/hsds/services", params={"per_page": 2, "page": 2}).json()
    assert (second["size"], second["last_page"]) == (1, True)
    names = {s["name"] for s in body["contents"] + second["contents"]}
    assert names == {"UpScaler", "Grow", "Call us"}  # the retired one is left out
    beyond = hsds_client.get("/hsds/services", params={"page": 9}).json()
    assert beyond["empty"] and beyond["contents"] == []
    full = hsds_client.get("/hsds/services", params={"full": "true"}).json()
    assert page_errors(full, "service.json") == []
    assert all("service_areas" in s for s in full["contents"])


def test_one_service_fully_nested_and_404_for_an_unknown_id(hsds_client: TestClient) -> None:
    body = hsds_client.get(f"/hsds/services/{service_id('grow')}").json()
    assert errors("service.json", body) == []
    assert body["name"] == "Grow" and body["fees_description"] == "Free"
    missing = hsds_client.get(f"/hsds/services/{service_id('nothing')}")
    assert missing.status_code == 404 and "detail" in missing.json()


def test_services_filter_by_search_organisation_and_taxonomy(hsds_client: TestClient) -> None:
    def names(**params: Any) -> set[str]:
        body = hsds_client.get("/hsds/services", params=params).json()
        return {s["name"] for s in body["contents"]}

    assert names(search="growth HUB") == {"Grow", "Call us"}
    assert names(search="creative grant") == {"Grow"}
    assert names(organization_id=organization_id("Growth Hub")) == {"Grow", "Call us"}
    terms = hsds_client.get("/hsds/taxonomy_terms", params={"search": "mentoring"}).json()
    assert page_errors(terms, "taxonomy_term.json") == []
    (term,) = [t for t in terms["contents"] if t["name"] == "mentoring"]
    assert names(taxonomy_term_id=term["id"]) == {"Grow"}
    assert len(names(taxonomy_id=term["taxonomy_id"])) == 3  # all have a support type
    sectors = hsds_client.get("/hsds/taxonomy_terms", params={"search": "creative"}).json()
    assert names(taxonomy_id=sectors["contents"][0]["taxonomy_id"]) == {"Grow"}
    assert names(modified_after="2100-01-01") == set()
    minimal = hsds_client.get("/hsds/services", params={"minimal": "true"}).json()
    assert all(set(s) == {"id", "last_modified"} for s in minimal["contents"])


def test_organizations_and_taxonomies(hsds_client: TestClient) -> None:
    body = hsds_client.get("/hsds/organizations").json()
    assert page_errors(body, "compiled/organization_list.json") == []
    assert [o["name"] for o in body["contents"]] == ["Growth Hub", "Nottingham Business School"]
    hub = hsds_client.get(f"/hsds/organizations/{organization_id('Growth Hub')}").json()
    assert errors("organization.json", hub) == []
    assert {s["name"] for s in hub["services"]} == {"Grow", "Call us"}
    taxonomies = hsds_client.get("/hsds/taxonomies").json()
    assert page_errors(taxonomies, "taxonomy.json") == []
    keys = {t["name"] for t in taxonomies["contents"]}
    assert "ScaleUp support types" in keys
    one = taxonomies["contents"][0]
    assert hsds_client.get(f"/hsds/taxonomies/{one['id']}").json() == one
    assert hsds_client.get("/hsds/taxonomies/nope").status_code == 404
    full = hsds_client.get(
        f"/hsds/organizations/{organization_id('Growth Hub')}", params={"full_service": "true"}
    ).json()
    assert errors("organization.json", full) == []
    assert all("service_areas" in s for s in full["services"])  # the services fully nested
    listed = hsds_client.get("/hsds/organizations", params={"full_service": "true"}).json()
    assert all("service_areas" in s for o in listed["contents"] for s in o["services"])
    terms = hsds_client.get("/hsds/taxonomy_terms").json()["total_items"]
    top = hsds_client.get("/hsds/taxonomy_terms", params={"top_only": "true"}).json()
    assert top["total_items"] == terms  # the directory's terms have no children
    one_term = hsds_client.get("/hsds/taxonomy_terms").json()["contents"][0]["id"]
    children = hsds_client.get("/hsds/taxonomy_terms", params={"parent_id": one_term}).json()
    assert children["empty"] and children["contents"] == []
    about = hsds_client.get("/hsds/").json()
    assert about["version"] == "3.0" and about["openapi_url"].endswith("/openapi.json")


def test_bad_parameters_get_a_422_in_the_documented_shape(hsds_client: TestClient) -> None:
    for params in ({"page": "0"}, {"per_page": "x"}, {"modified_after": "yesterday"}):
        response = hsds_client.get("/hsds/services", params=params)
        assert response.status_code == 422, params
        detail = response.json()["detail"]
        assert isinstance(detail, list) and {"loc", "msg", "type"} <= set(detail[0])


def test_read_api_follows_edits(hsds_client: TestClient, finder_sqlite_url: str) -> None:
    before = hsds_client.get("/hsds/services").json()["total_items"]
    with db.transaction(migrated(finder_sqlite_url)) as session:
        programmes.remove(session, "call", actor="test")
    assert hsds_client.get("/hsds/services").json()["total_items"] == before - 1
