"""``scaleup build``: gather everything, then write (mkdocs' order).

1. read the workspace (settings, content files, impact cohort) and compute the tables;
2. plan every page (order, prev/next, figures, links) and render every chart;
3. with ``strict``, stop here when anything is wrong: nothing has been written;
4. store the edition and the content in one transaction;
5. render every page from the store (inside that transaction) into a staging folder;
6. commit, then make the staging folder the site in one atomic switch.

A kill at any moment leaves the store and the site each whole, old or new. The site
records the store's build stamp (``.scaleup-site.json``); when the kill fell between the
commit and the switch, :func:`~scaleup.publish.recovery.recover_site` (run first by
every build and by ``scaleup serve``) switches the complete new site in, so store and site
agree again.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from scaleup import atomic
from scaleup.atomic import checkpoint
from scaleup.config import Settings
from scaleup.errors import InputError, Problem
from scaleup.meta import ImpactMeta
from scaleup.publish import STATIC, charts, drawing, make_templates, narrow
from scaleup.publish.downloads import Cover, cover_of, csv_text, xlsx_bytes
from scaleup.publish.figures import impact_meta
from scaleup.publish.links import broken_links
from scaleup.publish.maps import neighbours
from scaleup.publish.pages import render_area, render_changes, render_front, render_lad
from scaleup.publish.recovery import SITE_STAMP, recover, site_stamp
from scaleup.publish.site import AreaPlan, SitePlan, headline_measure, plan_site
from scaleup.store import db, places, repo
from scaleup.workspace import AreaContent, Review, Workspace

if TYPE_CHECKING:
    from scaleup.geo.regions import Regions
    from scaleup.pipeline import ReviewTables

STEPS = ("Computing the statistics", "Planning the pages and charts", "Storing", "Writing the site")


@dataclass
class BuildResult:
    out: Path
    pages: int
    warnings: list[Problem] = field(default_factory=list)


def compute_tables(ws: Workspace, settings: Settings) -> tuple[ReviewTables, list[tuple[str, str]]]:
    """The pipeline's published tables and the geography's (area, LAD) memberships."""
    from scaleup.pipeline import InputFiles, compute_review

    tables = compute_review(InputFiles.of(ws), settings, raw=False)
    return tables, geography_members(ws, settings)


def geography_members(ws: Workspace, settings: Settings) -> list[tuple[str, str]]:
    """(area code, LAD code) for every LAD of every area in the workspace's geography."""
    return read_geography_of(ws, settings)[0]


def read_geography_of(
    ws: Workspace, settings: Settings
) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The geography's (area code, LAD code) memberships and its areas' types."""
    from scaleup import engine as engines
    from scaleup.ingest.geography import read_geography
    from scaleup.ingest.reading import Findings

    findings = Findings()
    geo = read_geography(ws.inputs["geography"], engines.connect_duckdb(settings.engine), findings)
    findings.raise_if_any()
    assert geo is not None
    return [(r.area_code, r.lad_code) for r in geo.members.itertuples()], dict(geo.area_types)


def change_report_of(ws: Workspace) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The what-changed report of the import that made the edition's counts: ``changes.json``
    beside counts.csv (``import public-data``), or ``<stem>.changes.json`` (``import
    ons-business-demography``). None when there is none; a bad report is a problem (a
    warning, or the end of a ``--strict`` build), never a crash."""
    from scaleup.geo.changes import ChangeReport

    counts = ws.inputs.get("counts")
    if counts is None:
        return None, []
    for path in (counts.with_suffix(".changes.json"), counts.parent / "changes.json"):
        if not path.is_file():
            continue
        name = (
            f"{ws.root.name}/{path.relative_to(ws.root).as_posix()}"
            if path.is_relative_to(ws.root)
            else path.name
        )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return json.loads(ChangeReport.from_json(data, name).to_json()), []
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            return None, [Problem(name, f"not a what-changed report ({exc}); left out")]
        except InputError as exc:
            return None, [
                replace(p, message=f"{p.message} (the what-changed report is left out)")
                for p in exc.problems()
            ]
    return None, []


def read_impact(ws: Workspace) -> ImpactMeta:
    if ws.impact is None:
        return ImpactMeta()
    from scaleup.impact import impact_from_workspace

    return impact_meta(impact_from_workspace(ws.root, ws.impact))


def area_charts(plan: SitePlan, area: AreaPlan) -> dict[str, dict[str, Any]]:
    """Every chart of one area page, rendered to SVG."""
    lads = [
        {"lad_code": c, "lad_name": plan.lads[c]["name"], "measures": plan.lads[c]["compare"]}
        for c in area.lad_codes
    ]
    lads.sort(key=lambda lad: lad["lad_name"])
    measures = list(plan.meta.measures)
    shared: dict[str, list[dict[str, str]]] = {}
    for other in plan.areas:
        if other is not area:
            for c in set(other.lad_codes) & set(area.lad_codes):
                shared.setdefault(c, []).append(other.ref())
    comparison = plan.meta.comparison
    out: list[charts.Chart | None] = []
    for m in plan.meta.rated_measures:
        if m in ("employment", "turnover"):
            lad_chart = charts.matrix_chart(area.name, lads, m, comparison.benchmark)
            if lad_chart is not None:
                lad_chart.narrow_svg = narrow.matrix(lads, m, comparison.benchmark, lad_chart.alt)
            out.append(lad_chart)
    over_time = (
        area.name, area.years, list(comparison.years), headline_measure(measures),
        comparison.label,
    )  # fmt: skip
    time_chart = charts.density_chart(*over_time)
    if time_chart is not None:
        time_chart.narrow_svg = narrow.over_time(*over_time, time_chart.alt)
    out.append(time_chart)
    rated = [m for m in plan.meta.rated_measures if m in ("employment", "turnover")]
    out.append(
        charts.map_chart(
            area.name,
            lads,
            shared,
            rated[0] if rated else "employment",
            plan.meta.comparison.benchmark,
            context=neighbours(area.lad_codes, plan.lads),
        )  # fmt: skip
    )
    return {c.name: c.as_dict() for c in out if c is not None}


@dataclass
class PreparedEdition:
    """One edition planned and drawn, ready to store: nothing written yet."""

    workspace: Workspace
    plan: SitePlan
    contents: dict[str, AreaContent]
    charts: dict[str, dict[str, dict[str, Any]]]
    regions: Regions


def prepare_edition(
    ws: Workspace,
    settings: Settings,
    *,
    tables: ReviewTables | None = None,
    members: list[tuple[str, str]] | None = None,
    area_types: dict[str, str] | None = None,
) -> PreparedEdition:
    """Read one edition's workspace, compute its tables (unless given), plan its pages and
    draw its charts."""
    contents = ws.read_contents()
    impact = read_impact(ws)
    if tables is None:
        tables, _ = compute_tables(ws, settings)
        members, area_types = read_geography_of(ws, settings)
    changes, problems = change_report_of(ws)
    plan = plan_site(
        tables, contents, members or [], title=ws.title, year=ws.year, impact=impact,
        contact=ws.contact, area_types=area_types, changes=changes,
        sources=ws.sources,
    )  # fmt: skip
    plan.problems += problems
    rendered = draw_charts(plan)

    from scaleup.geo.regions import regions_on_vintage

    regions = regions_on_vintage(plan.lads, plan.meta.vintage)
    return PreparedEdition(ws, plan, contents, rendered, regions)


def draw_charts(plan: SitePlan) -> dict[str, dict[str, dict[str, Any]]]:
    """Every area's charts, by area code. The areas are taken a few at a time, so that
    while one builds its specifications others' drawings keep every drawing process busy
    (:mod:`scaleup.publish.drawing`; a review of a few areas is drawn in this process)."""
    threads = 2 * min(drawing.cores(), drawing.MAX_WORKERS)
    # each area: the matrix and the time series, wide and for a phone, and the map
    drawing.expect(5 * len(plan.areas))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        drawn = pool.map(lambda a: area_charts(plan, a), plan.areas)
        return dict(zip([a.code for a in plan.areas], drawn, strict=True))


def store_editions(engine: Engine, prepared: list[PreparedEdition]) -> None:
    """Store every prepared edition (statistics and content) in one transaction; editions
    the store holds beyond these are removed (the workspace is the list of editions)."""
    db.migrate(engine)
    with db.transaction(db.sessions(engine)) as session:
        _store(session, prepared, db.utcnow())


def _store(session: Session, prepared: list[PreparedEdition], built_at: datetime) -> None:
    repo.keep_editions(session, [p.workspace.edition for p in prepared])
    for p in prepared:
        plan = p.plan
        repo.replace_review(
            session,
            edition=p.workspace.edition,
            title=plan.title,
            year=plan.year,
            meta=plan.meta,
            areas=plan.area_rows(p.charts),
            area_years=plan.area_year_rows(),
            lads=list(plan.lads.values()),
            memberships=plan.memberships(),
            built_at=built_at,
        )
        repo.replace_area_contents(session, p.contents.values(), p.workspace.edition)
    # the finder's regions: those of the latest edition's vintage
    latest = max(prepared, key=lambda p: p.workspace.year)
    places.replace_regions(session, latest.regions)


def publish_editions(
    engine: Engine, prepared: list[PreparedEdition], out: Path, *, strict: bool = False
) -> list[Problem]:
    """Store ``prepared`` and write the site from it into ``out``, all or nothing: the
    site is rendered in the store's transaction into a staging folder, the transaction
    commits, and the staging folder becomes ``out`` in one atomic switch (see the module
    docstring). Returns the site's broken links (an InputError with ``strict``)."""
    db.migrate(engine)
    with atomic.folder_lock(out):
        recover(engine, out)
        _check_own(out)
        stage = atomic.new_staging(out)
        try:
            with db.transaction(db.sessions(engine)) as session:
                _store(session, prepared, db.utcnow())
                checkpoint("stored")
                found = _render_site(session, stage, strict=strict)
                checkpoint("rendered")
            checkpoint("committed")
            atomic.switch(stage, out)
        finally:
            if stage.exists():
                shutil.rmtree(stage, ignore_errors=True)
    return found


def _check_own(out: Path) -> None:
    """The site folder is replaced whole: refuse one that is not a site (e.g. ``--out .``)."""
    if out.is_dir() and site_stamp(out) is None and not (out / "index.html").exists():
        foreign = atomic.foreign_entries(out, set())
        if foreign:
            raise InputError(
                Problem(
                    str(out),
                    f"holds files that are not a site scaleup built ({', '.join(foreign[:5])}"
                    f"{' ...' if len(foreign) > 5 else ''}); --out needs a new or empty folder "
                    "or a site built before (it is replaced whole)",
                )
            )


def build_site(
    ws: Workspace | Review,
    settings: Settings,
    engine: Engine,
    out: Path,
    *,
    strict: bool = False,
    tables: ReviewTables | None = None,
    members: list[tuple[str, str]] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build ``ws`` (one edition, or a review of several) into ``out``; ``tables`` and
    ``members`` skip the computation of a one-edition build (tests).

    Each edition is computed with the settings of its own ``scaleup.toml``; ``settings``
    are those of a one-edition workspace (or of the review's top ``scaleup.toml``)."""
    step = on_step or (lambda _s: None)
    if out.exists() and not out.is_dir():
        raise InputError(Problem(str(out), "exists and is not a folder (--out names a folder)"))
    step(STEPS[0])
    if isinstance(ws, Review):
        from scaleup.config import load_settings

        prepared = [prepare_edition(e, load_settings(e.config_file)) for e in ws.editions]
    else:
        prepared = [prepare_edition(ws, settings, tables=tables, members=members)]
    many = len(prepared) > 1
    problems = [
        replace(p, message=f"{e.workspace.edition} edition: {p.message}") if many else p
        for e in prepared
        for p in e.plan.problems
    ]
    if strict and problems:
        raise InputError(problems)
    step(STEPS[1])
    step(STEPS[2])
    step(STEPS[3])
    problems += publish_editions(engine, prepared, out, strict=strict)
    pages = 1 + sum(1 + len(p.plan.areas) + len(p.plan.lads) for p in prepared)
    return BuildResult(out=out, pages=pages, warnings=problems)


def write_downloads(folder: Path, tables: dict[str, list[dict[str, Any]]], cover: Cover) -> None:
    """The tables as CSV files and one workbook in ``folder`` (made when missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        (folder / f"{name}.csv").write_text(csv_text(name, rows), encoding="utf-8")
    (folder / "tables.xlsx").write_bytes(xlsx_bytes(tables, cover))


def write_site(engine: Engine, out: Path, *, strict: bool = False) -> list[Problem]:
    """Render every page and download of every edition from the store into ``out`` (see
    :func:`_render_site`), switched into place whole.

    Returns every broken internal link (:func:`scaleup.publish.links.broken_links`); with
    ``strict`` they are an InputError and ``out`` is left as it was."""
    with atomic.folder_lock(out):
        atomic.recover(out)
        _check_own(out)
        stage = atomic.new_staging(out)
        try:
            with db.sessions(engine)() as session:
                found = _render_site(session, stage, strict=strict)
            atomic.switch(stage, out)
        finally:
            if stage.exists():
                shutil.rmtree(stage, ignore_errors=True)
    return found


def _render_site(session: Session, stage: Path, *, strict: bool) -> list[Problem]:
    """Every page and download of every edition in ``session``'s store into the empty
    folder ``stage``: ``index.html`` is the latest edition's front page, ``EDITION/`` holds
    each edition's front page, ``EDITION/areas/SLUG/`` its area pages and
    ``EDITION/lads/SLUG/`` its LADs' pages, ``finder/index.html`` says where the support
    finder runs; last, the store's build stamp (:data:`SITE_STAMP`)."""
    shutil.copytree(STATIC, stage / "static")
    latest = repo.get_review(session)
    (stage / "finder").mkdir()
    (stage / "finder" / "index.html").write_text(
        make_templates(root="../").get_template("finder/static.html").render(
            root="../", static="../static/", index="index.html", section="finder",
            site_title=latest.name if latest else None,
        ),
        encoding="utf-8",
    )  # fmt: skip
    (stage / "index.html").write_text(
        render_front(make_templates(root="./"), session, root="./", index="index.html"),
        encoding="utf-8",
    )
    front_env = make_templates(root="../")
    changes_env = make_templates(root="../../")
    area_env = make_templates(root="../../../")
    for edition in repo.editions(session):
        key = edition.key
        (stage / key).mkdir()
        (stage / key / "index.html").write_text(
            render_front(
                front_env, session, root="../", index="index.html", edition=key, home="./"
            ),
            encoding="utf-8",
        )
        views: dict[str, repo.AreaView] = {}
        for ref in repo.area_refs(session, key):
            folder = stage / key / "areas" / ref.slug
            folder.mkdir(parents=True)
            # read once: the page, the downloads and the "what changed" page show it
            view = repo.get_area(session, ref.code, key)
            assert view is not None
            views[ref.code] = view
            html = render_area(
                area_env, session, ref.code, root="../../../", index="index.html",
                edition=key, home="../../", view=view,
            )  # fmt: skip
            assert html is not None
            (folder / "index.html").write_text(html, encoding="utf-8")
            write_downloads(folder, repo.tables_of(view), cover_of(view.edition, view.name))
        (stage / key / "changes").mkdir()
        changes = render_changes(
            changes_env, session, key, root="../../",
            index="index.html", home="../", views=views,
        )  # fmt: skip
        assert changes is not None
        (stage / key / "changes" / "index.html").write_text(changes, encoding="utf-8")
        write_downloads(
            stage / key / "downloads", repo.review_tables(session, key), cover_of(edition)
        )
        details = repo.lad_details(session, key)
        for lad in repo.lad_refs(session, key):
            folder = stage / key / "lads" / lad.slug
            folder.mkdir(parents=True)
            html = render_lad(
                area_env, session, lad.code, root="../../../", index="index.html",
                edition=key, home="../../", lad=details[lad.code],
            )  # fmt: skip
            assert html is not None
            (folder / "index.html").write_text(html, encoding="utf-8")
    found = broken_links(stage)
    if strict and found:
        raise InputError(found)
    stamp = {"editions": repo.build_stamp(session)}
    (stage / SITE_STAMP).write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
    return found
