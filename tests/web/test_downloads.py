"""All-areas downloads: every published table as CSV and in one accessible workbook, with
the figures of the pages and the API; listed in the API and linked from the front page."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from scaleup.tables import LAD_YEAR, TABLES
from support.review import AREAS, LAD_NAMES, SUPPRESSED_LAD, built_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(built_app(tmp_path_factory.mktemp("downloads") / "ws"))


def _csv(client: TestClient, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def _text(value: Any) -> str:
    """A JSON value as the CSV writes it."""
    return "" if value is None else ("true" if value is True else "false" if value is False
                                     else str(value))  # fmt: skip


def test_the_api_lists_every_table_and_the_front_page_links_them(client: TestClient) -> None:
    listing = client.get("/api/v1/downloads").json()
    urls = [f["url"] for f in listing["files"]]
    tables = ("area_summary", "area_year", "lad_year", "lad_compare", "benchmark")
    assert urls == [f"/2021/downloads/{t}.csv" for t in tables] + ["/2021/downloads/tables.xlsx"]
    front = client.get("/").text
    for url in urls:
        assert f'href="{url}"' in front
        assert client.get(url).status_code == 200
    by_url = {f["url"]: f for f in listing["files"]}
    assert by_url["/2021/downloads/lad_year.csv"]["columns"] == list(LAD_YEAR)
    bench = _csv(client, "/2021/downloads/benchmark.csv")  # the medians pages compare with
    assert bench and all(r["density_median_employment"] for r in bench)


def test_all_areas_csv_has_every_area_and_lad_with_the_api_figures(client: TestClient) -> None:
    summary = _csv(client, "/downloads/area_summary.csv")
    assert [r["area_code"] for r in summary] == list(AREAS)
    area_year = _csv(client, "/downloads/area_year.csv")
    for code in AREAS:
        api = client.get(f"/api/v1/areas/{code}").json()
        assert {k: _text(v) for k, v in api["summary"].items()} == next(
            r for r in summary if r["area_code"] == code
        )
        rows = [r for r in area_year if r["area_code"] == code]
        assert [{k: r[k] for k in api["years"][0]} for r in rows] == [
            {k: _text(v) for k, v in y.items()} for y in api["years"]
        ]
    lad_year = _csv(client, "/downloads/lad_year.csv")
    lad_compare = _csv(client, "/downloads/lad_compare.csv")
    assert sorted({r["lad_code"] for r in lad_year}) == sorted(LAD_NAMES)
    for code in LAD_NAMES:
        lad = client.get(f"/api/v1/lads/{code}").json()
        assert [r for r in lad_year if r["lad_code"] == code] == [
            {k: _text(v) for k, v in y.items()} for y in lad["years"]
        ]
        assert [r for r in lad_compare if r["lad_code"] == code] == [
            {k: _text(v) for k, v in row.items()} for row in lad["compare"].values()
        ]
    withheld = next(r for r in lad_year if r["lad_code"] == SUPPRESSED_LAD and r["year"] == "2019")
    assert withheld["turnover"] == "[c]"


def test_all_areas_workbook_is_the_csv(client: TestClient) -> None:
    book = load_workbook(io.BytesIO(client.get("/downloads/tables.xlsx").content))
    for name in ("area_summary", "area_year", "lad_year", "lad_compare"):
        rows = _csv(client, f"/downloads/{name}.csv")
        sheet = book[name]
        (table,) = sheet.tables.values()
        cells = [[c.value for c in row] for row in sheet[table.ref]]
        assert cells[0] == list(TABLES[name])
        assert len(cells) - 1 == len(rows)
        for got, row in zip(cells[1:], rows, strict=True):
            for value, column in zip(got, cells[0], strict=True):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    # openpyxl writes 16 significant digits; 1.0 reads back as 1
                    assert value == pytest.approx(float(row[column]), rel=1e-15, abs=0)
                else:
                    assert (_text(value) if value != "[x]" else "") == row[column]


@pytest.mark.parametrize(
    ("path", "status"), [("/downloads/nothing.csv", 404), ("/downloads/tables.csv", 404)]
)
def test_bad_download_requests(client: TestClient, path: str, status: int) -> None:
    assert client.get(path).status_code == status


def test_nothing_built_is_404(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from scaleup.config import load_settings
    from scaleup.store import db
    from scaleup.web.app import create_app

    settings = load_settings(environ={}, overrides={"environment": "development"})
    app = create_app(settings, engine=db.make_engine(db.default_url(tmp_path)))
    client = TestClient(app)
    for path in ("/downloads/lad_year.csv", "/downloads/tables.xlsx", "/api/v1/downloads"):
        assert client.get(path).status_code == 404
