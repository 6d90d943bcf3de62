"""Page contexts and rendering: the same functions write the static site and serve pages.

Every figure is read through :mod:`scaleup.store.repo`, so the page, the API and the
downloads agree. ``root`` is the URL prefix of site links ("/" when served; relative
when built, so a built site also works from files).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from jinja2 import Environment
from sqlalchemy.orm import Session

from scaleup.publish import over_time
from scaleup.publish.citations import (
    NOT_STATED,
    cite_all,
    contact_line,
    day,
    licence_line,
)
from scaleup.publish.figures import ShownFigure, programme_figures, programme_sectors
from scaleup.publish.format import plural_noun
from scaleup.publish.sentences import (
    GROWTH,
    density_sentences,
    rating_class,
    rating_sentence,
    trend_sentences,
)
from scaleup.publish.site import DOWNLOADS, headline_measure
from scaleup.store import repo
from scaleup.store.repo import AreaListing, AreaRef, Row
from scaleup.tables import RATED_MEASURES, TABLE_TITLES

FRONT_FIGURES = 3
"""Programme figures shown in an area's section of the front page (all are on its page)."""

DOWNLOAD_LABELS = {
    "area_summary": "Summary and ratings (CSV)",
    "area_year": "The area by year (CSV)",
    "lad_year": "Local authorities by year (CSV)",
    "lad_compare": "Local authority comparison with the benchmark medians (CSV)",
    "benchmark": "The benchmark by year: the median of every local authority's density (CSV)",
}


def _links(
    root: str, index: str, edition: str | None = None, home: str | None = None
) -> dict[str, Any]:
    """Site links: ``root`` (the site), ``home`` (the edition's pages: ``ROOT2026/`` unless
    given, as a static build gives the shorter relative one)."""
    links = {"root": root, "static": root + "static/", "index": index}
    return links | ({"home": home or f"{root}{edition}/"} if edition else {})


@dataclass(frozen=True)
class FrontArea(AreaListing):
    """An area's section of the front page."""

    density_class: str
    trend_class: str
    figures: list[ShownFigure]
    sectors: list[str]


@dataclass(frozen=True)
class SharedLad:
    """A LAD of the area that belongs to other areas too."""

    lad: str
    others: tuple[AreaRef, ...]


def front_context(session: Session, edition_key: str | None = None) -> dict[str, Any] | None:
    edition = repo.get_review(session, edition_key)
    if edition is None:
        return None
    measures = edition.meta.measures
    impact = edition.meta.impact
    contents = repo.all_area_contents(session, edition.key)
    areas = [
        FrontArea(
            **vars(area),
            density_class=rating_class(area.summary.get("density_rating")),
            trend_class=rating_class(area.summary.get("trend_rating")),
            figures=programme_figures(contents.get(area.code), impact)[:FRONT_FIGURES],
            sectors=programme_sectors(contents.get(area.code), impact),
        )
        for area in repo.list_areas(session, edition.key)
    ]
    return {
        "review": edition,
        "editions": repo.editions(session),
        "areas": areas,
        "groups": area_groups(areas, edition.meta.area_types),
        "measures": measures,
        "headline": headline_measure(measures),
        "downloads": [(f"downloads/{t}.csv", f"{TABLE_TITLES[t]} (CSV)") for t in DOWNLOADS],
        "site_title": edition.name,
        "section": "review",
    }


def area_groups(
    areas: list[FrontArea], area_types: dict[str, str]
) -> list[tuple[str | None, list[FrontArea]]]:
    """The front page's sections: one per area type in order of first appearance, headed
    ("Combined authorities (12)"), when the edition has areas of more than one type;
    else one unheaded section."""
    groups: dict[str | None, list[FrontArea]] = {}
    for area in areas:
        groups.setdefault(area_types.get(area.code), []).append(area)
    if len(groups) < 2:
        return [(None, areas)]
    headed: list[tuple[str | None, list[FrontArea]]] = []
    for kind, members in groups.items():
        noun = over_time.type_label(kind) or "other area"
        if len(members) > 1:
            noun = plural_noun(noun)
        headed.append((f"{noun[:1].upper()}{noun[1:]} ({len(members)})", members))
    return headed


def area_context(
    session: Session,
    code: str,
    edition_key: str | None = None,
    area: repo.AreaView | None = None,
) -> dict[str, Any] | None:
    """The context of an area's page; ``area`` is its view when the caller has read it
    (a build reads each area once for its page and its downloads)."""
    area = area or repo.get_area(session, code, edition_key)
    if area is None:
        return None
    edition = area.edition
    meta = edition.meta
    measures = area.measures
    headline = headline_measure(measures)
    impact = meta.impact
    content = area.content
    summary = area.summary
    charts = area.charts
    rated = [m for m in RATED_MEASURES if m in meta.rated_measures]
    matrices = [charts[k] for k in sorted(charts) if k.startswith("matrix_")]
    benchmark = meta.comparison.benchmark
    shared = [
        SharedLad(lad.lad_name, area.shared_lads[lad.lad_code])
        for lad in area.lads if lad.lad_code in area.shared_lads
    ]  # fmt: skip
    earlier, later = over_time.linked(area)
    return {
        "review": edition,
        "editions": repo.editions(session),
        "area": area,
        "meta": meta,
        "settings": meta.settings,
        "measures": measures,
        "rated_measures": rated,
        "headline": headline,
        "latest": area.latest,
        "headline_trend": summary.get("trend_any")
        if headline == "any"
        else area.trends.get(headline),
        "counts": _counts(area.latest, measures),
        "summary": summary,
        "content": content,
        "figures": programme_figures(content, impact),
        "sectors": programme_sectors(content, impact),
        "benchmark": benchmark,
        "density": {
            "rating": summary.get("density_rating"),
            "class": rating_class(summary.get("density_rating")),
            "sentences": density_sentences(area.lads, rated, benchmark),
            "basis": rating_sentence(summary, area.lads, rated, "density", benchmark),
        },
        "trend": {
            "rating": summary.get("trend_rating"),
            "class": rating_class(summary.get("trend_rating")),
            "sentences": trend_sentences(area.lads, rated, benchmark),
            "basis": rating_sentence(summary, area.lads, rated, "trend", benchmark),
        },
        "charts": matrices,
        "has_matrix": any(c.get("kind") == "matrix" for c in matrices),
        "medians": _medians(area.lads, rated),
        "sources": sources(edition, later_edition(session, edition)),
        "growth_measures": " or ".join(m for m in ("employment", "turnover") if m in meta.measures)
        or "employment or turnover",
        "headline_median": (_medians(area.lads, [headline]) or [Median(headline, "", None, None)])[
            0
        ],
        "density_chart": charts.get("density"),
        "map_chart": charts.get("map"),
        "shared": shared,
        "over_time": {
            "earlier": earlier,
            "later": later,
            "figures": over_time.figure_rows(area, headline) if area.over_time else [],
            "changed": over_time.changes_since(area, headline),
            "counterpart": area.counterpart,
        },
        "area_type_label": over_time.type_label,
        "downloads": [(f"{t}.csv", DOWNLOAD_LABELS[t]) for t in DOWNLOADS],
        "growth_percent": _percent(meta.settings.metrics.growth_rate),
        "site_title": edition.name,
        "section": "review",
    }


def later_edition(session: Session, edition: repo.Edition) -> repo.Edition | None:
    """The latest edition, when it is later than ``edition`` (which it then supersedes)."""
    newest = next(iter(repo.editions(session)), None)
    return newest if newest is not None and newest.year > edition.year else None


def sources(edition: repo.Edition, later: repo.Edition | None = None) -> list[str]:
    """Sources and publication facts, from the edition's metadata (never file names):
    each dataset by publisher, title, edition, release date and table; population and
    geography vintages; what the figures rest on; publication date, next update (or the
    later edition that supersedes this one), revisions, licence and attribution, contact."""
    meta = edition.meta
    cited = meta.sources
    years = meta.end_years
    span = f"{years[0]}\u2013{years[-1]}" if years else "the years of the review"
    counts = cited.of_role("counts")
    if "panel" in meta.inputs:
        counts_lines = [
            "Scaleup counts: computed for this review from a firm-level panel (enterprise "
            "employment and turnover by year), then disclosure-controlled as described above."
        ] + cite_all(counts, "The panel")
    elif counts:
        counts_lines = cite_all(counts, "Scaleup counts")
    elif meta.supplier_controlled:
        counts_lines = [
            "Scaleup counts: aggregate counts of high-growth enterprises by local authority, "
            "rounded and suppressed by their supplier and published as received (dataset "
            f"{NOT_STATED})."
        ]
    else:
        counts_lines = [
            f"Scaleup counts: aggregate counts of scaleups by local authority, {span} "
            f"(dataset {NOT_STATED})."
        ]
    population = cited.of_role("population")
    population_lines = cite_all(population, "Population") or [
        f"Population: mid-year population estimates, {span} (dataset and vintage {NOT_STATED})."
    ]
    vintage = (
        f"on their {'April ' if meta.vintage.isdigit() else ''}{meta.vintage} boundaries and "
        "codes (older codes mapped forward)"
        if meta.vintage
        else "as given in the inputs"
    )
    geography_lines = [f"Geography: local authority districts {vintage}."] + cite_all(
        cited.of_role("geography"), "Geography"
    )
    others = cite_all(cited.of_role("other"), "Also used")
    only = [m for m in ("employment", "turnover") if m in meta.measures]
    rests = (
        f"The figures rest on {GROWTH[only[0]]} only: the data do not measure "
        f"{GROWTH['turnover' if only[0] == 'employment' else 'employment']}."
        if len(only) == 1
        else "The figures rest on employment growth and turnover growth."
    )
    if later is not None:
        next_line = (
            f"Next update: this edition has been superseded by the {later.label} ({later.name})."
        )
    else:
        next_line = f"Next update: {cited.next_update or NOT_STATED}."
    revisions = (
        "Revisions: this edition is kept unchanged at its own address; its figures are "
        "revised only by a later edition." + (f" {cited.revisions}" if cited.revisions else "")
    )
    return [
        *counts_lines,
        *population_lines,
        *geography_lines,
        *others,
        rests,
        f"Published: {day(edition.built_at.date())}, {edition.name} ({edition.label}).",
        next_line,
        revisions,
        licence_line(meta),
        contact_line(meta),
    ]


@dataclass(frozen=True)
class Median:
    """The benchmark on one measure, as published in lad_compare."""

    measure: str
    growth: str
    density: Any
    trend: Any


def _medians(lads: Sequence[repo.LadView], rated: Sequence[str]) -> list[Median]:
    out = []
    for m in rated:
        rows = [lad.measures[m] for lad in lads if m in lad.measures]
        if rows:
            row = rows[0]
            out.append(
                Median(m, GROWTH.get(m, m), row.get("density_median"), row.get("trend_median"))
            )
    return out


COUNT_LABELS = {
    "any": "scaleups (employment or turnover growth)",
    "employment": "scaleups by employment growth",
    "turnover": "scaleups by turnover growth",
    "both": "scaleups by both employment and turnover growth",
}


def _counts(year: dict[str, Any], measures: Sequence[str]) -> dict[str, list[Any]]:
    """The headline counts: those the data give, and the names of those they do not."""
    shown, missing = [], []
    for key, label in COUNT_LABELS.items():
        available = key in measures or (key == "both" and "turnover" in measures)
        if available or year.get(key) is not None:
            shown.append((key, year.get(key), label))
        else:
            missing.append(label.removeprefix("scaleups "))
    return {"shown": shown, "missing": missing}


def _percent(rate: Fraction) -> str:
    return f"{float(rate):.0%}"


LAD_COLUMNS = (
    ("employment", "Scaleups by employment growth", "count"),
    ("turnover", "Scaleups by turnover growth", "count"),
    ("both", "Scaleups by both", "count"),
    ("any", "Scaleups by either", "count"),
    ("population", "Residents", "count"),
    ("density_employment", "By employment growth per 100,000 residents", "density"),
    ("density_turnover", "By turnover growth per 100,000 residents", "density"),
    ("density_any", "By either per 100,000 residents", "density"),
)
"""The columns of a LAD's table by year: lad_year column, heading, filter."""


def lad_context(
    session: Session,
    code: str,
    edition_key: str | None = None,
    lad: repo.LadDetail | None = None,
) -> dict[str, Any] | None:
    """The context of a LAD's page; ``lad`` is its detail when the caller has read it
    (a build reads every LAD at once: :func:`scaleup.store.repo.lad_details`)."""
    lad = lad or repo.get_lad(session, code, edition_key)
    if lad is None:
        return None
    measures = lad.measures
    shown = {"population", *measures, *(f"density_{m}" for m in measures)}
    if "turnover" in measures:
        shown.add("both")
    return {
        "review": lad.edition,
        "editions": repo.editions(session),
        "lad": lad,
        "areas": [a for a in lad.areas if a.edition == lad.edition.key],
        "other_areas": [a for a in lad.areas if a.edition != lad.edition.key],
        "meta": lad.edition.meta,
        "settings": lad.edition.meta.settings,
        "measures": measures,
        "columns": [c for c in LAD_COLUMNS if c[0] in shown],
        "compare": [(m, lad.compare[m]) for m in measures if m in lad.compare],
        "latest": lad.years[-1] if lad.years else {},
        "site_title": lad.edition.name,
        "section": "review",
    }


def render_lad(
    env: Environment,
    session: Session,
    code: str,
    root: str = "/",
    index: str = "",
    edition: str | None = None,
    home: str | None = None,
    lad: repo.LadDetail | None = None,
) -> str | None:
    """A LAD's page in ``edition`` (default: the latest); None when it has no such LAD.
    ``lad`` is its detail when the caller has read it."""
    context = lad_context(session, code, edition, lad)
    if context is None:
        return None
    links = _links(root, index, context["review"].key, home)
    return env.get_template("lad.html").render(**context, **links)


def render_front(
    env: Environment,
    session: Session,
    root: str = "/",
    index: str = "",
    edition: str | None = None,
    home: str | None = None,
) -> str:
    """The front page of ``edition`` (default: the latest)."""
    context = front_context(session, edition)
    if context is None:
        return env.get_template("empty.html").render(**_links(root, index))
    links = _links(root, index, context["review"].key, home)
    return env.get_template("front.html").render(**context, **links)


@dataclass(frozen=True)
class AreaChange:
    """An area of the edition beside the area of the previous edition it is compared with."""

    area: AreaRef
    was: repo.AreaLink | None
    lads: str
    now: Row
    summary: Row


def changes_context(
    session: Session, edition_key: str, views: Mapping[str, repo.AreaView] | None = None
) -> dict[str, Any] | None:
    """The "what changed" page of an edition: against the previous edition (each area beside
    its counterpart) and the import's report on the data (LAD codes, revisions). ``views``:
    the edition's areas by code, when the caller has read them."""
    from scaleup.geo.changes import MAX_LISTED, ChangeReport, cell_text

    edition = repo.get_review(session, edition_key)
    if edition is None:
        return None
    stored = repo.editions(session)
    older = [e for e in stored if (e.year, e.key) < (edition.year, edition.key)]
    previous = older[0] if older else None
    areas = []
    if previous is not None:
        for ref in repo.area_refs(session, edition.key):
            view = (views or {}).get(ref.code) or repo.get_area(session, ref.code, edition.key)
            assert view is not None
            was = (
                view.counterpart
                if view.counterpart and view.counterpart.edition == previous.key
                else None
            )
            areas.append(
                AreaChange(
                    ref, was, over_time.share_detail(was) if was else "", view.latest, view.summary
                )
            )
    report = None
    if edition.meta.changes is not None:
        report = ChangeReport.from_json(edition.meta.changes, "the store")
    return {
        "review": edition,
        "editions": stored,
        "previous": previous,
        "areas": areas,
        "headline": headline_measure(edition.meta.measures),
        "report": report,
        "max_listed": MAX_LISTED,
        "cell_text": cell_text,
        "kinds": lambda meta: (
            ", ".join(str(over_time.type_label(k)) for k in meta.kinds) or "as given"
        ),
        "site_title": edition.name,
        "section": "review",
    }


def render_changes(
    env: Environment,
    session: Session,
    edition: str,
    root: str = "/",
    index: str = "",
    home: str | None = None,
    views: Mapping[str, repo.AreaView] | None = None,
) -> str | None:
    """The "what changed" page of ``edition``; None when it is not stored. ``views``: the
    edition's areas by code, when the caller has read them."""
    context = changes_context(session, edition, views)
    if context is None:
        return None
    links = _links(root, index, context["review"].key, home)
    return env.get_template("changes.html").render(**context, **links)


def render_area(
    env: Environment,
    session: Session,
    code: str,
    root: str = "/",
    index: str = "",
    edition: str | None = None,
    home: str | None = None,
    view: repo.AreaView | None = None,
) -> str | None:
    """An area's page in ``edition`` (default: the latest); None when it has no such area.
    ``view`` is the area when the caller has read it (:func:`scaleup.store.repo.get_area`)."""
    context = area_context(session, code, edition, view)
    if context is None:
        return None
    links = _links(root, index, context["review"].key, home)
    return env.get_template("area.html").render(**context, **links)
