"""Sentences, figures and content files: the words a page is made of."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scaleup.errors import InputError
from scaleup.meta import ImpactMeta
from scaleup.publish.figures import kpi_text, resolve
from scaleup.publish.sentences import density_sentences, trend_sentences
from scaleup.store.repo import LadView
from scaleup.workspace import AreaContent, Figure, Section, parse_content, render_content

D2N2 = {"n_lads": 17, "density_above_employment": 10, "density_above_turnover": 5,
        "trend_above_employment": 9, "trend_above_turnover": 7}  # fmt: skip
LADS = [LadView("E06000015", "Derby", {m: {"density_above_median": True,
                                           "trend_above_median": False}
                                       for m in ("employment", "turnover")},
                (), "derby")]  # fmt: skip


def test_seed_sentences() -> None:
    density = density_sentences(D2N2, LADS)
    assert density[0] == (
        "10 of the 17 local authorities have an above median density of scaleups "
        "measured by employment growth."
    )
    assert density[1].startswith("12 of the 17 local authorities have a below median density")
    trend = trend_sentences(D2N2, LADS)
    assert trend[0].startswith("9 of the 17 local authorities are above the UK median trend")
    assert trend[1].startswith("10 of the 17 local authorities are below")


def test_not_available_and_suppressed_are_said() -> None:
    summary = {**D2N2, "density_above_turnover": None, "trend_above_employment": "[c]"}
    assert "not available" in density_sentences(summary, LADS)[1]
    assert "withheld" in trend_sentences(summary, LADS)[0]
    no_flags = [
        LadView("E06000015", "Derby", {"employment": {"trend_above_median": None}}, (), "derby")
    ]
    assert "not available" in trend_sentences(D2N2, no_flags)[0]


def test_kpi_figures() -> None:
    assert kpi_text("turnover_increase_share", 0.49) == "49%"
    assert kpi_text("turnover_at_entry", 480_000) == "\u00a3480 million"
    assert kpi_text("confidence_mean_change", 0.63) == "+63%"
    assert kpi_text("companies_supported", 230) == "230"
    assert kpi_text("turnover_increase_share", None) is None
    impact = ImpactMeta.from_json({"programmes": {"UpScaler": {"synthetic": True, "kpis": {
        "turnover_increase_share": {"value": 0.49, "denominator": 200, "ci_low": 0.42,
                                    "ci_high": 0.56, "note": "synthetic cohort"}}}}})  # fmt: skip
    got = resolve(Figure(label="x", programme="UpScaler", kpi="turnover_increase_share"), impact)
    assert got.value == "49%" and got.synthetic is True
    assert got.base == "n = 200; 95% interval 42% to 56%"
    missing = resolve(Figure(label="x", programme="Other", kpi="companies_supported"), impact)
    assert missing.value is None


text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30).map(str.strip)


@given(
    intro=text.filter(lambda t: not t.startswith(("#", "-", "---"))),
    heading=text.filter(lambda t: t and "#" not in t),
    body=text.filter(lambda t: not t.startswith("#")),
)
def test_content_round_trips(intro: str, heading: str, body: str) -> None:
    content = AreaContent(
        code="E37000045", introduction=intro, sections=[Section(heading=heading, body=body)]
    )
    assert parse_content(render_content(content), "x.md") == content


def test_content_problems_all_reported() -> None:
    with pytest.raises(InputError) as caught:
        parse_content("---\ncode: x 1\nslug: Bad Slug\nfigures: [{value: 3}]\n---\n", "a.md")
    lines = caught.value.render()
    assert any("code" in line and "an area code" in line for line in lines)
    assert any("slug" in line for line in lines)
    assert any("figures.0.label" in line for line in lines)
    with pytest.raises(InputError):
        parse_content("no front matter", "b.md")


def test_named_programme_without_figures_shows_its_headline_kpis() -> None:
    from scaleup.publish.figures import programme_figures

    row = {"denominator": None, "eligible": 41, "note": ""}
    kpis = {"companies_supported": {**row, "value": 41}, "jobs_created_fte": {**row, "value": 12.5}}
    impact = ImpactMeta.from_json({"programmes": {"Growbig": {"kpis": kpis}}})
    content = AreaContent(code="E37000045", programmes=["Growbig", "Unknown"])
    shown = programme_figures(content, impact)
    assert [(f.value, f.label) for f in shown] == [
        ("41", "companies supported by Growbig"),
        ("12.5", "new jobs created through Growbig (full-time equivalent)"),
    ]
    assert shown[0].base == "n = 41"


def test_extra_template_folders_extend_the_base(tmp_path) -> None:
    from scaleup.publish import make_templates

    (tmp_path / "finder.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>Finder</h1>{% endblock %}'
    )
    html = make_templates([tmp_path]).get_template("finder.html").render(section="finder")
    assert "<h1>Finder</h1>" in html and 'href="/finder/" aria-current="page"' in html
    assert "Open Government Licence" in html


def test_the_comparison_is_named_by_what_it_covers() -> None:
    from scaleup.publish.site import COMPARISON, comparison_label

    assert comparison_label(["E06000015", "W06000001", "S12000033", "N09000001"]).startswith("UK")
    assert comparison_label(["E06000015", "E07000032"]).startswith("England")
    assert comparison_label(["E06000015", "S12000033"]) == COMPARISON
