"""Charts on a phone (issue 11): at 390 px every chart fits the screen, no page or chart
scrolls sideways, every word of a chart is drawn at least 12 px high and level (year labels
are never turned); at desktop width the wide pictures show. Measured in Chromium on the
rendered page: a text's size is its computed font size times the scale its SVG is drawn at.

Pages: the demo's D2N2 (17 LADs, the density bars) and London (33 boroughs, the City of
London off scale), and every area of the generated review with withheld [c] cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.phone import DESKTOP, PHONE, check_phone, measure
from support.review import AREAS, built_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def generated_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated review (a LAD's turnover withheld [c]) as static files."""
    root = tmp_path_factory.mktemp("phone") / "ws"
    built_app(root)
    return root / "site"


@pytest.mark.parametrize("where", ["/areas/d2n2/", "/areas/london/"])
def test_demo_charts_fit_a_phone(browser, demo_site, test_output: Path, where: str) -> None:  # type: ignore[no-untyped-def]
    name = where.strip("/").replace("/", "-")
    phone = measure(browser, demo_site.url + where, PHONE, test_output / f"phone-{name}.png")
    check_phone(phone, where)
    assert any("chart-narrow" in c["kind"] for c in phone["charts"])
    desktop = measure(browser, demo_site.url + where, DESKTOP, test_output / f"wide-{name}.png")
    assert desktop["page"] <= DESKTOP
    assert not any("chart-narrow" in c["kind"] for c in desktop["charts"])
    assert len(desktop["charts"]) == desktop["figures"]  # the wide pictures, one per chart
    wider = [c for c in desktop["charts"] if c["right"] - c["left"] > PHONE]
    assert wider, "the desktop shows the wide pictures, not the phone's"


def test_generated_review_with_withheld_cells_fits_a_phone(
    browser, generated_site: Path, test_output: Path
) -> None:  # type: ignore[no-untyped-def]
    areas = next(generated_site.glob("*/areas"))  # the edition's folder
    for slug in sorted(p.name for p in areas.iterdir()):
        url = (areas / slug / "index.html").as_uri()
        found = measure(browser, url, PHONE, test_output / f"phone-generated-{slug}.png")
        check_phone(found, f"generated {slug}")
    assert len(list(areas.iterdir())) == len(AREAS)
