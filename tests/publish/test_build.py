"""The site build: gather, check, store, write; --strict aborts before writing anything."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from scaleup.errors import InputError
from scaleup.pipeline import read_tables, write_tables
from scaleup.store import db, repo
from scaleup.store.review import ReviewArea
from support.review import AREAS, CONTENT, SHARED_LAD, make_tables, make_workspace


def test_build_writes_every_page_and_download(build, store_url: str) -> None:
    result, engine = build(url=store_url, strict=True)
    site = result.out
    # the site's front page; the edition's front page, areas and LADs
    assert result.pages == 1 + 1 + 3 + 8 and result.warnings == []
    front = (site / "index.html").read_text()
    assert "Explore the Test Review 2021" in front
    assert front.count('<details class="area"') == 3
    for slug in ("northvale", "southmere", "eastwick"):
        folder = site / "2021" / "areas" / slug
        assert (folder / "index.html").is_file()
        for name in ("area_summary", "area_year", "lad_year", "lad_compare", "benchmark"):
            assert (folder / f"{name}.csv").is_file()
        book = load_workbook(folder / "tables.xlsx")
        assert {n for ws in book.worksheets for n in ws.tables} == {
            "contents", "notes", "t_area_summary", "t_area_year", "t_lad_year", "t_lad_compare",
            "t_benchmark",
        }  # fmt: skip
        # The benchmark series: the medians every page compares with, one row per year.
        bench = list(csv.DictReader(io.StringIO((folder / "benchmark.csv").read_text())))
        assert [r["year"] for r in bench] == ["2016", "2017", "2018", "2019"]
        compare = list(csv.DictReader(io.StringIO((folder / "lad_compare.csv").read_text())))
        latest = {r["measure"]: r["density_median"] for r in compare}
        assert bench[-1]["density_median_employment"] == latest["employment"]
    with db.sessions(engine)() as session:
        assert session.scalar(select(func.count()).select_from(ReviewArea)) == 3


def test_page_order_previous_next_and_shared_lads(build) -> None:
    result, engine = build()
    page = (result.out / "2021" / "areas" / "southmere" / "index.html").read_text()
    assert re.search(
        r'rel="prev" href="../../areas/northvale/index.html">Previous: Northvale', page
    )
    assert re.search(r'rel="next" href="../../areas/eastwick/index.html">Next: Eastwick', page)
    first = (result.out / "2021" / "areas" / "northvale" / "index.html").read_text()
    assert 'rel="prev"' not in first
    assert 'id="shared-lads"' in page and "Chesterfield (also in" in page
    with db.sessions(engine)() as session:
        area = repo.get_area(session, "E37000902")
    assert area is not None and area.shared_lads[SHARED_LAD][0].code == "E37000901"


def test_downloaded_csv_is_what_the_repo_gives(build) -> None:
    result, engine = build()
    text = (result.out / "2021" / "areas" / "eastwick" / "lad_year.csv").read_text()
    rows = list(csv.DictReader(io.StringIO(text)))
    with db.sessions(engine)() as session:
        tables = repo.area_tables(session, "E37000903")
    assert len(rows) == len(tables["lad_year"]) == 2 * 4
    by_key = {(r["lad_code"], r["year"]): r for r in rows}
    for expected in tables["lad_year"]:
        got = by_key[(expected["lad_code"], str(expected["year"]))]
        for column, value in expected.items():
            want = "" if value is None else str(value)
            assert got[column] == want, (column, got[column], want)
    assert any(r["turnover"] == "[c]" for r in rows)  # suppressed stays suppressed


def test_strict_aborts_before_writing_anything(build, tmp_path: Path) -> None:
    content = {k: v for k, v in CONTENT.items() if k != "E37000903"}
    broken = content["E37000901"].replace("/areas/southmere/", "/areas/nowhere/")
    content["E37000901"] = broken.replace('value: "120", ', "kpi: missing_kpi, ")
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    with pytest.raises(InputError) as caught:
        build(url=url, content=content, strict=True)
    lines = "\n".join(caught.value.render())
    assert "area E37000903 (Eastwick & Fen) has no content file" in lines
    assert "broken link '/areas/nowhere/'" in lines
    assert "figure 'companies supported by Growbig' is missing" in lines
    assert not (tmp_path / "ws" / "site").exists()
    assert not (tmp_path / "store.sqlite").exists()


def test_without_strict_problems_are_warnings(build) -> None:
    content = {k: v for k, v in CONTENT.items() if k != "E37000903"}
    result, _ = build(content=content)
    assert [p.message for p in result.warnings] == [
        "area E37000903 (Eastwick & Fen) has no content file"
    ]
    assert (result.out / "2021" / "areas" / "eastwick-and-fen" / "index.html").is_file()


def test_bad_content_file_is_an_input_error(build, tmp_path: Path) -> None:
    content = dict(CONTENT)
    content["E37000902"] = "---\ncode: [unclosed\n---\ntext\n"
    with pytest.raises(InputError) as caught:
        build(content=content)
    assert "content/E37000902.md:2: front matter is not valid YAML" in caught.value.render()[0]


def test_a_failed_build_leaves_the_previous_site(build, tmp_path: Path) -> None:
    result, _ = build()
    before = (result.out / "index.html").read_text()
    content = dict(CONTENT)
    content["E37000902"] = CONTENT["E37000902"].replace("order: 2", "order: two")
    with pytest.raises(InputError):
        build(content=content)
    assert (result.out / "index.html").read_text() == before


def test_employment_only_review_says_not_available(build) -> None:
    result, _ = build(employment_only=True)
    page = (result.out / "2021" / "areas" / "northvale" / "index.html").read_text()
    assert 'id="not-available"' in page
    assert (
        "scaleups by turnover growth"
        not in page.split('id="headline-figures"')[1].split("</ul>")[0]
    )
    assert "measured by turnover growth is not available" in page
    assert "4 of the 4 local authorities" in page or "of the 4 local authorities" in page


def test_workspace_areas_match_fixture() -> None:
    assert set(AREAS) == set(CONTENT)


def test_init_workspace_from_geography(tmp_path: Path) -> None:
    from scaleup.publish.starter import init_workspace

    geo = tmp_path / "geo.csv"
    geo.write_text(
        "lad_code,lad_name,area_code,area_name,area_type\n"
        "E06000015,Derby,E37000045,D2N2,lep\nE07000034,Chesterfield,E37000045,D2N2,lep\n"
        "E07000034,Chesterfield,E37000054,Sheffield City Region,lep\n"
    )
    made = init_workspace(tmp_path / "new", geography=geo, title="T", year=2024)
    assert made == 2
    text = (tmp_path / "new" / "content" / "E37000045.md").read_text()
    assert "2 local authority districts: Chesterfield and Derby" in text
    assert "Chesterfield (also in Sheffield City Region)" in text
    with pytest.raises(InputError):
        init_workspace(tmp_path / "new", geography=geo, title="T", year=2024)
    # area_type kept by the shared reader
    assert "one of the 2 Local Enterprise Partnerships of this review" in text


def test_init_checks_the_geography_as_compute_does(tmp_path: Path) -> None:
    from scaleup.publish.starter import init_workspace

    geo = tmp_path / "geo.csv"
    geo.write_text(
        "lad_code,lad_name,area_code,area_name\n"
        "E06000015,Derby,my area,Mine\nE0700003,Nowhere,SYN1,Syn\n"
    )
    with pytest.raises(InputError) as caught:
        init_workspace(tmp_path / "new", geography=geo, title="T", year=2024)
    lines = caught.value.render()
    assert any(line.startswith("error: geo.csv:2: area_code: 'my area'") for line in lines)
    assert any(line.startswith("error: geo.csv:3: lad_code: 'E0700003'") for line in lines)
    assert not (tmp_path / "new").exists()


def test_make_workspace_is_loadable(tmp_path: Path) -> None:
    from scaleup.workspace import load_workspace

    ws = load_workspace(make_workspace(tmp_path / "w"))
    assert ws.year == 2021 and set(ws.read_contents()) == set(AREAS)


def test_charts_are_static_svg_with_text_alternatives_and_tables(build) -> None:
    result, _ = build()
    page = (result.out / "2021" / "areas" / "northvale" / "index.html").read_text()
    assert "<script" not in page  # works with JavaScript off
    matrix = page.split('id="matrix_employment"')[1].split("</figure>")[0]
    assert '<svg role="img" aria-label="Scatter chart of the 4 local authorities' in matrix
    for name in ("Derby", "Amber Valley", "Bolsover", "Chesterfield"):
        assert f"<title>{name}: density" in matrix  # named on hover
        assert f'<th scope="row">{name}</th>' in matrix  # and in the data table
    for label in ("Density above, trend above", "Density and trend at or below"):
        assert label in matrix  # quadrants labelled
    assert 'id="density"' in page and 'id="map"' in page
    assert "<title>Chesterfield: density " in page and "(also in Southmere)</title>" in page
    where = page.split('id="map"')[1].split("</figure>")[0]
    assert "Density above the England median" in where  # shaded by the published flags
    assert "Not available" not in where.split("<details>")[0]  # legend: only what is drawn


def test_without_trends_the_matrix_is_a_density_chart() -> None:
    from scaleup.publish.charts import matrix_chart

    lads = [
        {"lad_code": f"E0600000{i}", "lad_name": f"LAD {i}", "measures": {"employment": {
            "lad_name": f"LAD {i}", "density": 10.0 + i, "trend": None, "density_median": 11.5,
            "trend_median": None, "density_above_median": 10.0 + i > 11.5}}}
        for i in range(4)
    ]  # fmt: skip
    chart = matrix_chart("Somewhere", lads, "employment")
    assert chart is not None and "trend is not available" in chart.alt
    assert chart.rows[3] == ["LAD 3", "13.0", "yes"]
    assert "<title>LAD 0: density 10.0</title>" in chart.svg


def test_a_second_build_replaces_the_first(build, store_url: str) -> None:
    _, engine = build(url=store_url)
    result, _ = build(url=store_url, employment_only=True)
    with db.sessions(engine)() as session:
        assert session.scalar(select(func.count()).select_from(ReviewArea)) == 3
        area = repo.get_area(session, "E37000901")
        assert area is not None and area.measures == ("employment",)


def test_employment_only_headline_trend_is_the_employment_trend(build) -> None:
    result, engine = build(employment_only=True)
    with db.sessions(engine)() as session:
        area = repo.get_area(session, "E37000901")
    assert area is not None
    years = {y["year"]: y["density_employment"] for y in area.years}
    expected = (years[2019] - years[2016]) / 3
    assert area.trends["employment"] == pytest.approx(expected)
    assert area.trends["any"] is None and area.summary["trend_any"] is None
    page = (result.out / "2021" / "areas" / "northvale" / "index.html").read_text()
    shown = f"{expected:+.2f}".replace("-", "\u2212")
    assert f'data-figure="trend_employment">{shown}<' in page
    # Sources and methods say what the figures rest on, and name no internal file.
    sources = page.split('id="source-list"')[1].split("</ul>")[0]
    assert "The figures rest on employment growth only" in sources
    assert "rounded and suppressed by their supplier" in sources
    assert "counts.csv" not in page and "population.csv" not in page
    assert "average annual growth in employment over the window" in page


def test_area_trends_come_from_the_computed_tables(build) -> None:
    # The build shows the trends the pipeline computed (meta.json's area_trends), once:
    # it does not recompute them, and they are not kept a second time in the review's meta.
    tables = make_tables()
    tables.area_trends["E37000901"]["employment"] = 1.25
    tables.area_trends["E37000901"]["turnover"] = None
    result, engine = build(tables=tables)
    with db.sessions(engine)() as session:
        area = repo.get_area(session, "E37000901")
        edition = repo.get_review(session)
    assert edition is not None and "area_trends" not in edition.meta.to_json()
    assert area is not None
    assert area.trends["employment"] == 1.25 and area.trends["turnover"] is None
    assert area.trends["any"] == area.summary["trend_any"]


def test_tables_without_area_trends_are_refused_before_writing(tmp_path: Path) -> None:
    # Tables written by an older version (meta.json without area_trends) are refused when
    # read, so no build can start from them.
    folder = tmp_path / "tables"
    write_tables(make_tables(), folder)
    meta = json.loads((folder / "meta.json").read_text())
    del meta["area_trends"]
    (folder / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(InputError) as caught:
        read_tables(folder)
    assert caught.value.render() == [
        f"error: {folder / 'meta.json'}: has no 'area_trends' (each area's trend per measure): "
        "the tables were written by an older version of scaleup; re-run scaleup compute"
    ]
