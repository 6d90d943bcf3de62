"""The demo workspace's content: one file per area of its geography, D2N2's programme."""

from __future__ import annotations

from scaleup.demo import WORKSPACE
from scaleup.publish.starter import read_areas
from scaleup.workspace import load_workspace


def test_every_demo_area_has_content_and_nothing_else() -> None:
    ws = load_workspace(WORKSPACE)
    contents = ws.read_contents()
    areas = read_areas(ws.inputs["geography"])
    assert len(areas) == 38 and set(contents) == set(areas)
    orders = [c.order for c in contents.values()]
    assert sorted(orders) == list(range(1, 39))  # one review order, no gaps


def test_d2n2_reads_like_the_seed_page() -> None:
    d2n2 = load_workspace(WORKSPACE).read_contents()["E37000045"]
    assert d2n2.slug == "d2n2" and d2n2.programmes == ["UpScaler"]
    assert {f.kpi for f in d2n2.figures} >= {"companies_supported", "turnover_increase_share"}
    headings = [s.heading for s in d2n2.sections]
    assert "Support for scaling businesses" in headings and "Lessons learned" in headings
    text = d2n2.introduction + " ".join(s.body for s in d2n2.sections)
    for fact in ("230", "£480 million", "3,750", "July 2021", "49 new jobs", "39 graduate"):
        assert fact in text
