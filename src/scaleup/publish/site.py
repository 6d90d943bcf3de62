"""The site model: every area page in review order, resolved and checked before writing.

:func:`plan_site` turns the computed tables and the workspace's content into the rows the
store holds, and lists every problem (an area without content, content for an unknown
area, a missing figure, a broken link) so that ``--strict`` can abort before anything is
written. Previous/next come from :func:`scaleup.store.repo.neighbours`.
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scaleup.errors import Problem
from scaleup.meta import Comparison, EditionMeta, ImpactMeta, Sources
from scaleup.publish.figures import programme_figures
from scaleup.publish.over_time import type_label
from scaleup.slugs import edition_key, slugify, unique_slugs
from scaleup.store.repo import neighbours
from scaleup.tables import AREA_YEAR, LAD_COMPARE, LAD_YEAR
from scaleup.workspace import AreaContent

if TYPE_CHECKING:
    from scaleup.pipeline import ReviewTables

COMPARISON = "Median of all local authorities in the data"
COVERAGE = {frozenset("EWSN"): "UK", frozenset("EWS"): "Great Britain",
            frozenset("EW"): "England and Wales", frozenset("E"): "England"}  # fmt: skip


def comparison_label(lad_codes: Iterable[str]) -> str:
    """The benchmark line's legend: the median, named by what the LADs cover."""
    covered = COVERAGE.get(frozenset(code[:1] for code in lad_codes))
    return f"{covered} median (of all local authority densities)" if covered else COMPARISON


def benchmark_name(lad_codes: Iterable[str]) -> str:
    """The name of the median every LAD is compared with: "UK median", "England median", or
    "median of all local authorities in the data"."""
    covered = COVERAGE.get(frozenset(code[:1] for code in lad_codes))
    return f"{covered} median" if covered else "median of all local authorities in the data"


_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_EXTERNAL = re.compile(r"^(https?://[^\s/]+\S*|mailto:\S+@\S+)$")
DOWNLOADS = ("area_summary", "area_year", "lad_year", "lad_compare", "benchmark")


def cell(value: Any) -> Any:
    """A table cell as JSON: numbers, booleans, ``"[c]"``, text, or None (not available)."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalar
    if isinstance(value, float) and math.isnan(value):
        return None
    # pandas' missing value, when pandas is loaded (a frame's cell): serving, which imports
    # this module, does not load it, and an import statement per cell is a cost of its own
    pd = sys.modules.get("pandas")
    if pd is not None and value is pd.NA:
        return None
    if isinstance(value, str):
        if value == "":
            return None
        if value in ("true", "false"):
            return value == "true"
    return value


def records(frame: Any) -> list[dict[str, Any]]:
    return [{k: cell(v) for k, v in row.items()} for row in frame.to_dict("records")]


@dataclass
class AreaPlan:
    code: str
    name: str
    slug: str
    summary: dict[str, Any]
    content: AreaContent | None
    lad_codes: list[str]
    years: list[dict[str, Any]]
    previous: AreaPlan | None = None
    next: AreaPlan | None = None

    def ref(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name, "slug": self.slug}


@dataclass
class SitePlan:
    title: str
    year: int
    meta: EditionMeta
    areas: list[AreaPlan]
    lads: dict[str, dict[str, Any]]
    problems: list[Problem] = field(default_factory=list)

    def area_rows(self, charts: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {"code": a.code, "name": a.name, "slug": a.slug, "position": i,
             "summary": a.summary, "charts": charts.get(a.code, {})}
            for i, a in enumerate(self.areas)
        ]  # fmt: skip

    def area_year_rows(self) -> list[dict[str, Any]]:
        return [
            {"area_code": a.code, "year": y["year"], "values": y}
            for a in self.areas
            for y in a.years
        ]

    def memberships(self) -> list[tuple[str, str]]:
        return [(a.code, lad) for a in self.areas for lad in a.lad_codes]

    def lad_slugs(self) -> dict[str, str]:
        """LAD code -> its page's slug (the store's rule: ``repo.lad_slugs``)."""
        return unique_slugs(((c, lad["name"]) for c, lad in self.lads.items()), fallback="lad")

    def urls(self) -> set[str]:
        edition = edition_key(self.year)
        known = {
            "/",
            "/finder/",
            "/api/v1/areas",
            "/api/v1/downloads",
            "/openapi.json",
            "/downloads/tables.xlsx",
            "/api/v1/editions",
            f"/{edition}/",
            f"/{edition}/changes/",
            f"/api/v1/editions/{edition}/areas",
            f"/{edition}/downloads/tables.xlsx",
        } | {f"/downloads/{t}.csv" for t in DOWNLOADS}
        known |= {f"/{edition}/downloads/{t}.csv" for t in DOWNLOADS}
        for a in self.areas:
            for base in (f"/areas/{a.slug}/", f"/{edition}/areas/{a.slug}/"):
                known |= {base, f"{base}tables.xlsx"} | {f"{base}{t}.csv" for t in DOWNLOADS}
            known.add(f"/api/v1/areas/{a.code}")
            known.add(f"/api/v1/editions/{edition}/areas/{a.code}")
        for code, slug in self.lad_slugs().items():
            known |= {f"/lads/{slug}/", f"/{edition}/lads/{slug}/", f"/api/v1/lads/{code}"}
        return known


def plan_site(
    tables: ReviewTables,
    contents: dict[str, AreaContent],
    members: Iterable[tuple[str, str]],
    *,
    title: str,
    year: int,
    impact: ImpactMeta | None = None,
    contact: str | None = None,
    area_types: dict[str, str] | None = None,
    changes: dict[str, Any] | None = None,
    sources: Sources | None = None,
) -> SitePlan:
    """Resolve every page (order, slugs, prev/next, figures, links) and list the problems.

    Each area's summary as stored holds its trend per measure (``trends``) beside the
    columns of area_summary, from the tables' ``area_trends``."""
    problems: list[Problem] = []
    summaries = records(tables.area_summary)
    area_years = records(tables.area_year)
    lad_year = records(tables.lad_year)
    lad_compare = records(tables.lad_compare)
    member_map: dict[str, list[str]] = {}
    for area_code, lad_code in members:
        member_map.setdefault(area_code, []).append(lad_code)

    names = distinct_names([(s["area_code"], s["area_name"]) for s in summaries], area_types or {})
    areas = []
    for s in summaries:
        code = s["area_code"]
        s = {**s, "area_name": names[code]}
        content = contents.get(code)
        if content is None:
            problems.append(Problem(None, f"area {code} ({s['area_name']}) has no content file"))
        years = [
            {k: y.get(k) for k in AREA_YEAR if k not in ("area_code", "area_name")}
            for y in area_years if y["area_code"] == code
        ]  # fmt: skip
        slug = (content.slug if content and content.slug else None) or slugify(
            s["area_name"], fallback="area"
        )
        summary = {**s, "trends": tables.area_trends.get(code, {})}
        areas.append(
            AreaPlan(
                code,
                s["area_name"],
                slug,
                summary,
                content,
                sorted(member_map.get(code, [])),
                years,
            )  # fmt: skip
        )
    known = {a.code for a in areas}
    for code in sorted(set(contents) - known):
        problems.append(Problem(None, f"content for area {code}, which is not in the geography"))
    areas.sort(key=lambda a: (a.content.order if a.content and a.content.order is not None
                              else 1_000_000, a.name))  # fmt: skip
    slugs: dict[str, str] = {}
    for a in areas:
        if a.slug in slugs:
            message = f"areas {slugs[a.slug]} and {a.code} share the slug {a.slug!r}"
            problems.append(Problem(None, message + ": give one a `slug` in its content"))
        slugs[a.slug] = a.code
    for before, a, after in neighbours(areas):
        a.previous, a.next = before, after

    lads: dict[str, dict[str, Any]] = {}
    for r in lad_year:
        lad = lads.setdefault(r["lad_code"], {"code": r["lad_code"], "name": r["lad_name"],
                                              "years": [], "compare": {}})  # fmt: skip
        lad["years"].append({k: r.get(k) for k in LAD_YEAR})
    for r in lad_compare:
        if r["lad_code"] in lads:
            lads[r["lad_code"]]["compare"][r["measure"]] = {k: r.get(k) for k in LAD_COMPARE}
    for a in areas:
        missing = [c for c in a.lad_codes if c not in lads]
        if missing:
            problems.append(Problem(None, f"area {a.code}: LADs without statistics: {missing}"))
            a.lad_codes = [c for c in a.lad_codes if c in lads]

    meta = EditionMeta.of(
        tables.meta,
        comparison=Comparison(
            label=comparison_label(lads),
            years=tables.meta.medians,
            benchmark=benchmark_name(lads),
        ),
        impact=impact or ImpactMeta(),
        contact=contact,
        area_types={a.code: kind for a in areas if (kind := (area_types or {}).get(a.code))},
        changes=changes,
        sources=sources,
    )
    plan = SitePlan(title, year, meta, areas, lads, problems)
    _check_content(plan)
    return plan


def distinct_names(areas: Sequence[tuple[str, str]], area_types: dict[str, str]) -> dict[str, str]:
    """Area code -> the name its pages give it: the geography's name, followed by its type
    where another area of the edition has the same name ("North East (combined
    authority)" beside "North East (region)"), or by its code where the type does not
    tell them apart either."""
    shared = Counter(name for _, name in areas)
    named: dict[str, str] = {}
    for code, name in areas:
        kind = type_label(area_types.get(code))
        named[code] = f"{name} ({kind})" if shared[name] > 1 and kind else name
    again = Counter(named.values())
    return {
        code: f"{name} ({code})" if again[named[code]] > 1 else named[code] for code, name in areas
    }


def _check_content(plan: SitePlan) -> None:
    urls = plan.urls()
    impact = plan.meta.impact
    for a in plan.areas:
        if a.content is None:
            continue
        where = f"content for {a.code} ({a.name})"
        for f in programme_figures(a.content, impact):
            if f.value is None:
                what = f"KPI {f.kpi!r} of {f.programme!r}" if f.kpi else "a value"
                plan.problems.append(Problem(None, f"{where}: figure {f.label!r} is missing "
                                                   f"({what} not found)"))  # fmt: skip
        targets = [link.url for link in a.content.links]
        for text in [a.content.introduction, *(s.body for s in a.content.sections)]:
            targets += _MD_LINK.findall(text)
        for url in targets:
            if not link_ok(url, urls):
                plan.problems.append(Problem(None, f"{where}: broken link {url!r}"))


def link_ok(url: str, urls: set[str]) -> bool:
    if url.startswith("/"):
        return url.split("#")[0].split("?")[0] in urls
    if url.startswith("#"):
        return True
    return bool(_EXTERNAL.match(url))


def latest(years: list[dict[str, Any]]) -> dict[str, Any]:
    return years[-1] if years else {}


def headline_measure(measures: Sequence[str]) -> str:
    """The measure a page headlines: ``any`` when available, else the first available."""
    return "any" if "any" in measures else (measures[0] if measures else "any")
