"""Sentences, figures and content files: the words a page is made of."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scaleup.errors import InputError
from scaleup.meta import ImpactMeta
from scaleup.publish.figures import kpi_text, resolve
from scaleup.publish.sentences import density_sentences, rating_sentence, trend_sentences
from scaleup.store.repo import LadView
from scaleup.workspace import AreaContent, Figure, Section, parse_content, render_content


def _lads(flags: dict[str, list[object]], kind: str = "density") -> list[LadView]:
    """LADs whose published ``kind`` flags per measure are ``flags[measure][i]``."""
    n = len(next(iter(flags.values())))
    return [
        LadView(f"E0700{i:04d}", f"LAD {i}", {
            m: {f"{kind}_above_median": values[i]} for m, values in flags.items()}, (), f"lad-{i}")
        for i in range(n)
    ]  # fmt: skip


RATED = ("employment", "turnover")


def test_seed_sentences() -> None:
    """D2N2 (methodology section 7): 10 / 5 of 17 above on density, 9 / 7 on trend."""
    density = _lads({"employment": [True] * 10 + [False] * 7,
                     "turnover": [True] * 5 + [False] * 12})  # fmt: skip
    said = density_sentences(density, RATED)
    assert said[0] == (
        "10 of the 17 local authorities have a density of scaleups measured by employment "
        "growth above the UK median; 7 are at or below it."
    )
    assert said[1].startswith("5 of the 17 local authorities have a density")
    trend = _lads({"employment": [True] * 9 + [False] * 8,
                   "turnover": [True] * 7 + [False] * 10}, "trend")  # fmt: skip
    said = trend_sentences(trend, RATED)
    assert said[0].startswith("9 of the 17 local authorities are above the UK median trend")
    assert said[1].startswith("7 of the 17 local authorities are above")
    summary = {"density_rating": "Needs Improvement", "density_share": 15 / 34}
    assert rating_sentence(summary, density, RATED, "density") == (
        "The density rating rests on employment growth and turnover growth for the area's 17 "
        "local authorities: 15 of the 34 published comparisons are above the UK median (44%)."
    )


def test_withheld_lads_are_said_to_be_withheld() -> None:
    """The issue's page: 1 above and 5 withheld is not "5 below"."""
    lads = _lads({"employment": [True] + ["[c]"] * 5, "turnover": [None] * 6})
    said = density_sentences(lads, RATED, "England median")
    assert said[0] == (
        "1 of the 6 local authorities has a density of scaleups measured by employment growth "
        "above the England median; 5 are withheld to protect confidential data."
    )
    assert said[1] == (
        "None of the 6 local authorities has a published comparison of the density of "
        "scaleups measured by turnover growth: 6 are not available (the data do not give it)."
    )
    summary = {"density_rating": "Strong", "density_share": 1.0}
    assert rating_sentence(summary, lads, RATED, "density") == (
        "The density rating rests on employment growth and turnover growth for the area's 6 "
        "local authorities: 1 of the 1 published comparison is above the UK median (100%); "
        "5 are withheld to protect confidential data; 6 are not available."
    )


def test_one_local_authority_and_one_measure() -> None:
    one = _lads({"employment": ["[c]"]})
    assert density_sentences(one, ("employment",))[0] == (
        "The comparison of the density of scaleups measured by employment growth of the "
        "area's 1 local authority is withheld to protect confidential data."
    )
    assert density_sentences(one, ("employment",))[1] == (
        "The density comparison measured by turnover growth is not available: the data "
        "measure employment growth only."
    )
    below = _lads({"employment": [False]}, "trend")
    assert trend_sentences(below, ("employment",))[0] == (
        "The area's 1 local authority is at or below the UK median trend in the density of "
        "scaleups measured by employment growth."
    )
    assert rating_sentence({}, one, ("employment",), "density").startswith(
        "No density rating: none of the density comparisons of the area's 1 local authority"
    )


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

    assert comparison_label(["E06000015", "W06000001", "S12000033", "N09000001"]).startswith(
        "UK median"
    )
    assert comparison_label(["E06000015", "E07000032"]).startswith("England")
    assert comparison_label(["E06000015", "S12000033"]) == COMPARISON


def test_grammar_for_one_and_for_custom_area_types() -> None:
    from scaleup.publish import make_templates
    from scaleup.publish.format import lads_phrase, plural_noun
    from scaleup.publish.starter import StarterArea, stub_content

    assert lads_phrase(1) == "1 local authority" and lads_phrase(6) == "6 local authorities"
    assert [plural_noun(k) for k in ("region", "combined authority", "growth zone", "city",
                                     "business park", "box", "valley")] == [
        "regions", "combined authorities", "growth zones", "cities", "business parks",
        "boxes", "valleys",
    ]  # fmt: skip
    template = make_templates().from_string(
        "{{ n }} {{ n | plural('local authority', 'local authorities') }}"
    )
    assert template.render(n=1) == "1 local authority"
    assert template.render(n=3) == "3 local authorities"
    areas = {
        "X1": StarterArea("Northzone", "growth_zone", [("E06000001", "Hartlepool")]),
        "X2": StarterArea("Southzone", "growth_zone", [("E06000002", "Middlesbrough"),
                                                        ("E06000003", "Redcar")]),
        "X3": StarterArea("Tees Valley", "combined_authority", [("E06000001", "Hartlepool")]),
    }  # fmt: skip
    assert "Northzone is one of the 2 growth zones of this review. It brings together 1 local " \
        "authority district, Hartlepool." in stub_content("X1", areas)  # fmt: skip
    assert "It brings together 2 local authority districts: Middlesbrough and Redcar." in (
        stub_content("X2", areas)
    )
    assert "Tees Valley is the one combined authority of this review." in stub_content("X3", areas)
