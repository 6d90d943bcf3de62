"""The review as a person uses it, in Chromium: front page, an area, previous/next, a download,
figures against the API, screenshots at desktop and phone widths, accessibility (axe-core)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import axe_playwright_python
import pytest

from scaleup.publish.format import count, density

pytestmark = pytest.mark.browser
AXE = Path(axe_playwright_python.__file__).with_name("axe.min.js")
D2N2 = "E37000045"
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def page(browser, demo_site):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=demo_site.url, accept_downloads=True)
    yield context.new_page()
    context.close()


def _api(page, path: str) -> dict:  # type: ignore[no-untyped-def]
    response = page.request.get(path)
    assert response.status == 200
    return response.json()


def test_front_page_to_area_and_around(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    assert page.locator("h1").inner_text() == "Explore the ScaleUp Annual Review 2021"
    sections = page.locator("details.area")
    assert sections.count() == 38
    d2n2 = page.locator(f"#area-{D2N2}")
    link = d2n2.get_by_role(
        "link", name="Explore Derby, Derbyshire, Nottingham and Nottinghamshire"
    )
    assert not link.is_visible()
    d2n2.locator("summary").click()
    assert link.is_visible()
    link.click()
    page.wait_for_url("**/areas/d2n2/")
    assert page.locator("h1").inner_text() == "Derby, Derbyshire, Nottingham and Nottinghamshire"

    page.get_by_role("link", name="Previous: Cornwall and Isles of Scilly").click()
    page.wait_for_url("**/areas/cornwall-and-isles-of-scilly/")
    page.get_by_role("link", name="Next: Derby, Derbyshire, Nottingham and Nottinghamshire").click()
    page.wait_for_url("**/areas/d2n2/")
    page.get_by_role("link", name="Next: Greater Birmingham and Solihull").click()
    page.wait_for_url("**/areas/greater-birmingham-and-solihull/")
    assert "Some local authorities belong to two areas" in page.locator("#shared-lads").inner_text()


def test_figures_shown_match_the_api(page) -> None:  # type: ignore[no-untyped-def]
    api = _api(page, f"/api/v1/areas/{D2N2}")
    latest = api["years"][-1]
    page.goto("/areas/d2n2/")
    shown = page.locator("#headline-figures [data-figure='employment']").inner_text()
    assert shown == count(latest["employment"]) == "365"  # the seed page's figure
    measure = "any" if "any" in api["measures"] else api["measures"][0]
    dens = page.locator(f"#headline-figures [data-figure='density_{measure}']").inner_text()
    assert dens == density(latest[f"density_{measure}"])
    programme = page.locator("#programme-figures li").first.inner_text()
    assert api["programmes"][0]["value"] in programme and "synthetic" in programme
    listed = _api(page, "/api/v1/areas")
    assert len(listed["areas"]) == 38 and listed["review"]["year"] == 2021


def test_download_the_csv(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto("/areas/d2n2/")
    with page.expect_download() as info:
        page.get_by_role("link", name="The area by year (CSV)").click()
    path = tmp_path / "area_year.csv"
    info.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    api = _api(page, f"/api/v1/areas/{D2N2}")
    assert [r["year"] for r in rows] == [str(y["year"]) for y in api["years"]]
    assert [r["employment"] for r in rows] == [str(y["employment"]) for y in api["years"]]


def test_works_without_javascript(browser, demo_site) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=demo_site.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.locator(f"#area-{D2N2} summary").click()
    assert page.locator(f"#area-{D2N2} a").first.is_visible()
    page.goto("/areas/d2n2/")
    assert page.locator("figure.chart svg[role='img']").count() >= 2
    context.close()


@pytest.mark.parametrize("where", ["/", "/areas/d2n2/", "/lads/derby/"])
def test_screenshots_and_accessibility(browser, demo_site, test_output: Path, where: str) -> None:  # type: ignore[no-untyped-def]
    name = {"/": "front", "/areas/d2n2/": "area-d2n2"}.get(where, "lad-derby")
    for label, width in WIDTHS.items():
        context = browser.new_context(
            base_url=demo_site.url, viewport={"width": width, "height": 900}, bypass_csp=True
        )  # axe is injected as a script; test_csp_browser.py checks the policy itself
        page = context.new_page()
        page.goto(where)
        if where == "/":
            page.locator(f"#area-{D2N2} summary").click()
        page.screenshot(path=str(test_output / f"review-{name}-{label}.png"), full_page=True)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => JSON.stringify(await axe.run(document))")
        bad = [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in json.loads(result)["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert bad == [], f"{where} at {label} width: {bad}"
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width + 1, f"{where} scrolls sideways at {label} width ({wide}px)"
        context.close()


def test_the_static_site_works_from_files(browser, demo_site) -> None:  # type: ignore[no-untyped-def]
    site = demo_site.workspace / "site"
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((site / "index.html").as_uri())
    served = page.context.request  # the same figures as the served front page
    page.locator(f"#area-{D2N2} summary").click()
    shown = page.locator(f"#area-{D2N2} [data-figure='employment']").inner_text()
    page.get_by_role(
        "link", name="Explore Derby, Derbyshire, Nottingham and Nottinghamshire"
    ).click()
    assert page.url.endswith("/areas/d2n2/index.html")
    assert page.locator("#headline-figures [data-figure='employment']").inner_text() == shown
    page.get_by_role("link", name="Next: Greater Birmingham and Solihull").click()
    assert page.url.endswith("/areas/greater-birmingham-and-solihull/index.html")
    assert page.locator("link[rel=stylesheet]").count() == 1
    assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px"  # CSS loaded
    api = served.get(f"{demo_site.url}/api/v1/areas/{D2N2}").json()
    assert shown == count(api["years"][-1]["employment"])
    context.close()
