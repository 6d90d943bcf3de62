"""A review of several editions: stored side by side, served at /EDITION/..., and listed by
the API; the store of one edition made before editions keeps its figures and content."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from scaleup.config import load_settings
from scaleup.publish.build import prepare_edition, store_editions, write_site
from scaleup.store import db, repo
from scaleup.web.app import create_app
from scaleup.workspace import load_review, load_workspace
from support.review import make_tables, make_workspace, members

GONE = "E37000903"  # an area of the 2021 edition only


def _edition(root: Path, year: int) -> Path:
    make_workspace(root)
    toml = root / "scaleup.toml"
    toml.write_text(toml.read_text().replace("year = 2021", f"year = {year}"))
    if year != 2021:
        (root / "content" / f"{GONE}.md").unlink()
    return root


def _tables(year: int):  # type: ignore[no-untyped-def]
    tables = make_tables(seed=year)
    if year == 2021:
        return tables
    keep = {
        name: getattr(tables, name)[getattr(tables, name)["area_code"] != GONE]
        for name in ("area_year", "area_summary")
    }
    return dataclasses.replace(tables, **keep)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, TestClient]:
    root = tmp_path_factory.mktemp("editions")
    prepared = []
    for year in (2021, 2022):
        ws = load_workspace(_edition(root / "editions" / str(year), year))
        kept = [(a, lad) for a, lad in members() if year == 2021 or a != GONE]
        prepared.append(
            prepare_edition(ws, load_settings(environ={}), tables=_tables(year), members=kept)
        )
    engine = db.make_engine(db.default_url(root))
    store_editions(engine, prepared)
    write_site(engine, root / "site")
    settings = load_settings(environ={}, overrides={"environment": "development"})
    return root, TestClient(create_app(settings, workspace=root, engine=engine))


def test_the_api_lists_the_editions_newest_first(built: tuple[Path, TestClient]) -> None:
    _, client = built
    body = client.get("/api/v1/editions").json()
    assert [e["edition"] for e in body["editions"]] == ["2022", "2021"]
    first = body["editions"][0]
    assert set(first) == {"edition", "end_year", "title", "area_types", "url", "api"}
    assert first["end_year"] == 2019 and first["url"] == "/2022/"
    listed = client.get(first["api"]).json()
    assert listed["review"] == {"title": "Test Review", "year": 2022, "edition": "2022"}
    assert GONE not in [a["code"] for a in listed["areas"]]
    older = client.get("/api/v1/editions/2021/areas").json()
    assert GONE in [a["code"] for a in older["areas"]]
    assert older["areas"][0]["url"] == "/2021/areas/northvale/"


def test_each_edition_answers_with_its_own_figures(built: tuple[Path, TestClient]) -> None:
    _, client = built
    old = client.get("/api/v1/editions/2021/areas/E37000901").json()
    new = client.get("/api/v1/editions/2022/areas/E37000901").json()
    assert old["review"]["edition"] == "2021" and new["review"]["edition"] == "2022"
    expected = make_tables(seed=2021).area_year
    first = expected[expected["area_code"] == "E37000901"].iloc[0]
    assert old["years"][0]["employment"] == first["employment"]
    assert old["years"] != new["years"]
    # /api/v1/areas/{code}: the latest edition that has the area
    assert client.get("/api/v1/areas/E37000901").json()["review"]["edition"] == "2022"
    assert client.get(f"/api/v1/areas/{GONE}").json()["review"]["edition"] == "2021"
    assert client.get("/api/v1/areas").json()["review"]["edition"] == "2022"


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/v1/editions/2020/areas", 404), ("/api/v1/editions/20x1/areas", 422),
     ("/api/v1/editions/2022/areas/" + GONE, 404), ("/api/v1/editions/2021/areas/nope", 422),
     ("/api/v1/areas/E37000999", 404)],
)  # fmt: skip
def test_bad_edition_requests(built: tuple[Path, TestClient], path: str, status: int) -> None:
    response = built[1].get(path)
    assert response.status_code == status
    assert "detail" in response.json()


def test_pages_say_their_edition_and_link_the_others(built: tuple[Path, TestClient]) -> None:
    _, client = built
    front = client.get("/").text
    assert "2022 edition" in front and 'href="/2021/"' in front
    assert 'href="/2022/areas/northvale/"' in front
    old = client.get("/2021/areas/northvale/").text
    assert "2021 edition" in old and "this is not the latest edition" in old
    assert 'href="/2021/areas/southmere/"' in old  # next, in its own edition
    # its sources say what replaced it; the latest edition says when its next update is due
    assert (
        "Next update: this edition has been superseded by the 2022 edition "
        "(Test Review 2022)." in old
    )
    assert (
        "Next update: not stated by the publisher of this review."
        in client.get("/2022/areas/northvale/").text
    )
    assert client.get("/2021/").status_code == 200
    assert client.get("/2020/").status_code == 404
    assert client.get("/2022/areas/eastwick/").status_code == 404
    assert client.get("/2021/areas/eastwick/area_year.csv").status_code == 200


def test_addresses_before_editions_go_to_the_latest_edition_with_the_area(
    built: tuple[Path, TestClient],
) -> None:
    _, client = built
    moved = client.get("/areas/northvale/", follow_redirects=False)
    assert moved.status_code == 307 and moved.headers["location"] == "/2022/areas/northvale/"
    gone = client.get("/areas/eastwick/tables.xlsx", follow_redirects=False)
    assert gone.headers["location"] == "/2021/areas/eastwick/tables.xlsx"
    assert client.get("/areas/nowhere/").status_code == 404


def test_the_static_site_has_a_folder_per_edition(built: tuple[Path, TestClient]) -> None:
    site = built[0] / "site"
    index = (site / "index.html").read_text()
    assert 'href="./2022/areas/northvale/index.html"' in index
    assert (site / "2021" / "areas" / "eastwick" / "index.html").is_file()
    assert not (site / "2022" / "areas" / "eastwick").exists()
    page = (site / "2021" / "areas" / "northvale" / "index.html").read_text()
    assert 'href="../../../2022/index.html"' in page  # the other edition, from file://


def test_a_review_workspace_lists_its_editions(tmp_path: Path) -> None:
    for year in (2021, 2022):
        _edition(tmp_path / "editions" / str(year), year)
    (tmp_path / "scaleup.toml").write_text(
        '[editions]\nfolders = ["editions/2022", "editions/2021"]\n'
    )
    review = load_review(tmp_path)
    assert [ws.edition for ws in review.editions] == ["2021", "2022"]  # type: ignore[union-attr]
    (tmp_path / "scaleup.toml").write_text(
        '[editions]\nfolders = ["editions/2021", "editions/2021", "nowhere"]\n'
    )
    from scaleup.errors import InputError

    with pytest.raises(InputError) as caught:
        load_review(tmp_path)
    text = "\n".join(caught.value.render())
    assert "no edition workspace in 'nowhere'" in text
    assert "are both the 2021 edition" in text


def test_a_store_of_one_edition_keeps_its_figures_and_content(store_url: str) -> None:
    """review_0001's single edition ("current") becomes the edition of its year."""
    engine = db.make_engine(store_url)
    db.migrate(engine, "review@review_0001")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO review_edition (key, title, year, meta, built_at) "
                "VALUES ('current', 'Old Review', 2021, :meta, :now)"
            ),
            {"meta": '{"x": 1}', "now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO review_area (code, name, slug, position, summary, charts) "
                "VALUES ('E37000045', 'D2N2', 'd2n2', 0, :s, '{}')"
            ),
            {"s": '{"n_lads": 17}'},
        )
        conn.execute(
            sa.text(
                "INSERT INTO review_area_content (area_code, content, updated_at) "
                "VALUES ('E37000045', :c, :now)"
            ),
            {"c": '{"code": "E37000045", "introduction": "Kept."}', "now": now},
        )
    db.migrate(engine)
    with engine.connect() as conn:
        assert repo.latest_edition(conn) == "2021"
        assert repo.latest_edition_with(conn, slug="d2n2") == "2021"
    with db.sessions(engine)() as session:
        content = repo.get_area_content(session, "E37000045", "2021")
        assert content is not None and content.introduction == "Kept."
        assert repo.area_refs(session, "2021")[0].slug == "d2n2"


def test_an_area_links_its_other_editions_by_shared_lads(built: tuple[Path, TestClient]) -> None:
    _, client = built
    new = client.get("/api/v1/editions/2022/areas/E37000901").json()
    (earlier,) = [o for o in new["other_editions"] if o["code"] == "E37000901"]
    assert earlier["relation"] == "earlier" and earlier["edition"] == "2021"
    assert earlier["same_lads"] and earlier["shared_lads"] == earlier["lads"] > 0
    assert earlier["url"] == "/2021/areas/northvale/"
    assert client.get(earlier["api"]).json()["review"]["edition"] == "2021"
    old = client.get("/api/v1/editions/2021/areas/E37000901").json()
    assert [o["relation"] for o in old["other_editions"]] == ["later"] * len(old["other_editions"])
    # an area of the older edition only is linked to the newer areas holding its LADs
    gone = client.get(f"/api/v1/editions/2021/areas/{GONE}").json()
    lads = {lad["lad_code"] for lad in gone["lads"]}
    for other in gone["other_editions"]:
        theirs = {lad["lad_code"] for lad in client.get(other["api"]).json()["lads"]}
        assert other["covered_lads"] == len(lads & theirs) > 0


def test_an_area_page_shows_its_editions_and_what_changed(
    built: tuple[Path, TestClient],
) -> None:
    _, client = built
    page = client.get("/2022/areas/northvale/").text
    assert 'id="figures-by-edition-table"' in page
    assert 'href="/2021/areas/northvale/"' in page
    table = page.split('id="figures-by-edition-table"')[1].split("</table>")[0]
    assert table.count("<tr") == 3  # heading, 2022, 2021
    changed = page.split('id="changes-since"')[1].split("</ul>")[0]
    assert "the 2021 edition" in changed
    assert "Density rating" in changed and "Trend rating" in changed
    assert "Local authorities: the same" in changed
    assert "Data revisions" in changed  # the two editions' tables differ year by year
    old = client.get("/2021/areas/northvale/").text
    assert 'id="changes-since"' not in old  # nothing earlier to compare with
    assert 'href="/2022/areas/northvale/"' in old


def test_each_edition_has_a_what_changed_page(built: tuple[Path, TestClient]) -> None:
    root, client = built
    front = client.get("/2022/").text
    assert 'href="/2022/changes/"' in front
    page = client.get("/2022/changes/").text
    assert "What changed in the 2022 edition" in page
    table = page.split('id="areas-since"')[1].split("</table>")[0]
    assert 'href="/2022/areas/northvale/"' in table and 'href="/2021/areas/northvale/"' in table
    assert 'id="no-report"' in page  # these inputs were not made by scaleup import
    assert 'id="areas-since"' not in client.get("/2021/changes/").text  # the first edition
    assert client.get("/2020/changes/").status_code == 404
    static = (root / "site" / "2022" / "changes" / "index.html").read_text()
    assert 'href="../../2021/areas/northvale/index.html"' in static


def test_a_bad_change_report_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    from scaleup.publish.build import change_report_of

    ws = load_workspace(_edition(tmp_path / "ws", 2021))
    if "counts" not in ws.inputs:
        pytest.skip("the test workspace reads a panel")
    report = ws.inputs["counts"].parent / "changes.json"
    report.write_text('{"vintage": "soon", "years": 3}', encoding="utf-8")
    found, problems = change_report_of(ws)
    assert found is None and len(problems) == 2
    assert all(str(tmp_path) not in p.render() for p in problems)
    report.write_text("not json", encoding="utf-8")
    found, problems = change_report_of(ws)
    assert found is None and "not a what-changed report" in problems[0].message


def test_areas_over_time_on_both_stores(tmp_path: Path, store_url: str) -> None:
    prepared = []
    for year in (2021, 2022):
        ws = load_workspace(_edition(tmp_path / str(year), year))
        kept = [(a, lad) for a, lad in members() if year == 2021 or a != GONE]
        prepared.append(
            prepare_edition(ws, load_settings(environ={}), tables=_tables(year), members=kept)
        )
    engine = db.make_engine(store_url)
    store_editions(engine, prepared)
    with db.sessions(engine)() as session:
        area = repo.get_area(session, "E37000901", "2022")
        assert area is not None and area.counterpart is not None
        assert (area.counterpart.edition, area.counterpart.code) == ("2021", "E37000901")
        assert area.counterpart.same_lads and not area.later
        old = repo.get_area(session, "E37000901", "2021")
        assert old is not None and {x.edition for x in old.later} == {"2022"}
