"""Charts measured in a real browser at a phone's width (issue 11): used by the e2e tests.

A text's drawn size is its computed font size times the scale its SVG is drawn at."""

from __future__ import annotations

from pathlib import Path

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


def measure(browser, url: str, width: int, shot: Path | None = None) -> dict:  # type: ignore[no-untyped-def,type-arg]
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(url)
    if shot is not None:
        page.screenshot(path=str(shot), full_page=True)
    found = page.evaluate(MEASURE)
    context.close()
    return found  # type: ignore[no-any-return]


def check_phone(found: dict, where: str) -> None:  # type: ignore[type-arg]
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
