"""Charts on a phone (issue 11): at 390 px every chart fits the screen, no page or chart
scrolls sideways, every word of a chart is drawn at least 12 px high and level (year labels
are never turned); at desktop width the wide pictures show. Measured in Chromium on the
rendered page: a text's size is its computed font size times the scale its SVG is drawn at.

Pages: the demo's D2N2 (17 LADs, the density bars) and London (33 boroughs, the City of
London off scale), and every area of the generated review with withheld [c] cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.review import AREAS, built_app

pytestmark = pytest.mark.browser
PHONE, DESKTOP = 390, 1400

MEASURE = """() => {
  const seen = [];
  for (const frame of document.querySelectorAll('figure.chart .chart-frame')) {
    const svg = frame.querySelector(':scope > svg');
    const box = svg.getBoundingClientRect();
    if (box.width === 0) continue;  // the picture for the other width, hidden
    const texts = [];
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim()) continue;
      const m = t.getScreenCTM();
      texts.push({text: t.textContent, turned: Math.abs(m.b) > 1e-6 || m.a < 0,
                  px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b)});
    }
    seen.push({figure: frame.closest('figure').id, kind: frame.className, left: box.left,
               right: box.right, scroll: frame.scrollWidth, room: frame.clientWidth, texts});
  }
  return {page: document.documentElement.scrollWidth, figures: document.querySelectorAll(
    'figure.chart').length, charts: seen};
}"""


@pytest.fixture(scope="module")
def generated_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated review (a LAD's turnover withheld [c]) as static files."""
    root = tmp_path_factory.mktemp("phone") / "ws"
    built_app(root)
    return root / "site"


def _measure(browser, url: str, width: int, shot: Path | None = None) -> dict:  # type: ignore[no-untyped-def,type-arg]
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(url)
    if shot is not None:
        page.screenshot(path=str(shot), full_page=True)
    found = page.evaluate(MEASURE)
    context.close()
    return found  # type: ignore[no-any-return]


def _check_phone(found: dict, where: str) -> None:  # type: ignore[type-arg]
    assert found["page"] <= PHONE, f"{where} scrolls sideways ({found['page']} px)"
    charts = found["charts"]
    assert len(charts) == found["figures"] >= 2, f"{where}: one picture per chart"
    for c in charts:
        name = f"{where} {c['figure']}"
        assert c["left"] >= 0 and c["right"] <= PHONE, f"{name} runs off the screen: {c}"
        assert c["scroll"] <= c["room"], f"{name} scrolls sideways ({c['scroll']} px)"
        small = [(t["text"], round(t["px"], 1)) for t in c["texts"] if t["px"] < 12 - 0.01]
        assert not small, f"{name}: text under 12 px: {small[:5]}"
        turned = [t["text"] for t in c["texts"] if t["turned"]]
        # only a vertical axis's title may be turned, never a year or a name
        assert all(not t.strip().isdigit() for t in turned), f"{name}: turned {turned}"
        assert len(turned) <= 1, f"{name}: turned {turned}"


@pytest.mark.parametrize("where", ["/areas/d2n2/", "/areas/london/"])
def test_demo_charts_fit_a_phone(browser, demo_site, test_output: Path, where: str) -> None:  # type: ignore[no-untyped-def]
    name = where.strip("/").replace("/", "-")
    phone = _measure(browser, demo_site.url + where, PHONE, test_output / f"phone-{name}.png")
    _check_phone(phone, where)
    assert any("chart-narrow" in c["kind"] for c in phone["charts"])
    desktop = _measure(browser, demo_site.url + where, DESKTOP, test_output / f"wide-{name}.png")
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
        found = _measure(browser, url, PHONE, test_output / f"phone-generated-{slug}.png")
        _check_phone(found, f"generated {slug}")
    assert len(list(areas.iterdir())) == len(AREAS)
