"""Golden outputs: the generated review's pages, a LAD's page and API answers, compared with
the committed expected files in tests/publish/golden/. A chart keeps its words: each SVG is
reduced to its accessible name, its text (axis labels, benchmark labels, legends, off-scale
labels) and its hover titles, one a line; only the drawing (paths and positions, which a new
renderer may move by a pixel) is left out.

Regenerate after an intended change, then review the diff:

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/publish/test_golden.py
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from support.review import AREAS, SUPPRESSED_LAD, built_app

GOLDEN = Path(__file__).with_name("golden")
SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
_WORDS = re.compile(
    r'<svg\b[^>]*?aria-label="([^"]*)"|<(text|title)\b[^>]*>(.*?)</(?:text|title)>', re.DOTALL
)
_TAG = re.compile(r"<[^>]+>")


def chart_words(svg: re.Match[str]) -> str:
    """An SVG as its words: its name, then each text and title in drawing order (a text of
    several lines, tspans, as its lines joined by " / ")."""
    lines = []
    for m in _WORDS.finditer(svg[0]):
        words = " / ".join(w for w in _TAG.split(m[3] or "") if w.strip())
        lines.append(f"name: {m[1]}" if m[1] is not None else f"{m[2]}: {words}")
    return "<svg>\n" + "\n".join(lines) + "\n</svg>"


BUILT = re.compile(r"Published: \d{1,2} [A-Z][a-z]+ \d{4},")  # the build's date


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(built_app(tmp_path_factory.mktemp("golden") / "ws"))


def outputs(client: TestClient) -> dict[str, str]:
    found = {"front.html": client.get("/").text}
    for code in AREAS:
        body = client.get(f"/api/v1/areas/{code}").json()
        found[f"api-{code}.json"] = json.dumps(body, indent=1, sort_keys=True) + "\n"
        page = SVG.sub(chart_words, client.get(body["url"]).text)
        found[f"area-{body['slug']}.html"] = BUILT.sub("Published: DATE,", page)
        found[f"area_year-{body['slug']}.csv"] = client.get(f"{body['url']}area_year.csv").text
    found["api-areas.json"] = json.dumps(client.get("/api/v1/areas").json(), indent=1) + "\n"
    lad = client.get(f"/api/v1/lads/{SUPPRESSED_LAD}").json()
    found[f"api-lad-{SUPPRESSED_LAD}.json"] = json.dumps(lad, indent=1, sort_keys=True) + "\n"
    found[f"lad-{lad['slug']}.html"] = client.get(lad["url"]).text
    return found


def test_outputs_match_the_golden_files(client: TestClient) -> None:
    found = outputs(client)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        for old in GOLDEN.iterdir():
            old.unlink()
        for name, text in found.items():
            (GOLDEN / name).write_text(text, encoding="utf-8")
    expected = {p.name: p.read_text(encoding="utf-8") for p in GOLDEN.iterdir()}
    assert sorted(found) == sorted(expected), "regenerate: UPDATE_GOLDEN=1 pytest " + __file__
    for name, text in found.items():
        assert text == expected[name], f"{name} differs from tests/publish/golden/{name}"
