"""The admin's area pages: edit an area's narrative and headline programme figures, with a preview.

The admin edits the **latest edition** only (the one with the highest year). An earlier
edition is published as it was and kept unchanged (its pages say so), so its content is not
edited here; an area that only an earlier edition has is not found. The pages name the
edition being edited.

The narrative is edited as the Markdown body of the area's content file (an introduction,
then ``## Heading`` sections); the figures as rows of value, label and programme. "Preview"
shows the result without saving; "Save" stores it through the review's repo (so the public
area page shows it at once) and records the change, before and after, in the history.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from scaleup.errors import InputError
from scaleup.meta import ImpactMeta
from scaleup.publish.figures import programme_figures, resolve
from scaleup.store import db, history, repo
from scaleup.store.repo import AreaRef
from scaleup.web.auth import CsrfChecked, CurrentEditor, render
from scaleup.web.state import Sessions
from scaleup.workspace import AreaContent, Figure, parse_content

MAX_FIGURES = 12
MAX_NARRATIVE = 50_000


def narrative_of(content: AreaContent) -> str:
    parts = [content.introduction] if content.introduction else []
    parts += [f"## {s.heading}\n\n{s.body}" for s in content.sections]
    return "\n\n".join(parts)


def _text(form: FormData, key: str, limit: int = 300) -> str:
    value = form.get(key)
    return value.strip()[:limit] if isinstance(value, str) else ""


def content_from_form(current: AreaContent, form: FormData) -> tuple[AreaContent, list[str]]:
    """The edited content (narrative and figures replaced), or the problems with the form."""
    narrative = _text(form, "narrative", MAX_NARRATIVE).replace("\r\n", "\n")
    problems: list[str] = []
    figures: list[Figure] = []
    for n in range(MAX_FIGURES):
        value = _text(form, f"figure_value_{n}", 40)
        label = _text(form, f"figure_label_{n}")
        programme = _text(form, f"figure_programme_{n}", 200)
        computed = _text(form, f"figure_computed_{n}", 5) == "1"
        if not (value or label or programme):
            continue
        if not label:
            problems.append(f"figure {n + 1}: a label is needed (what the value counts)")
            continue
        kept: dict[str, Any] = {}
        if n < len(current.figures):
            old = current.figures[n]
            # a computed figure keeps its KPI while its label is edited; a typed figure keeps
            # its KPI only while its value and label are unchanged
            still = computed and old.kpi and old.value is None and not value
            if still or (old.value == (value or None) and old.label == label):
                kept = {"kpi": old.kpi, "base": old.base, "synthetic": old.synthetic}
                if still:
                    programme = old.programme or ""
        figures.append(
            Figure(label=label, value=value or None, programme=programme or None, **kept)
        )
    try:
        parsed = parse_content(f"---\ncode: {current.code}\n---\n{narrative}\n", "narrative")
    except InputError as exc:
        problems += [p.message for p in exc.problems()]
        return current, problems
    edited = current.model_copy(
        update={
            "introduction": parsed.introduction,
            "sections": parsed.sections,
            "figures": figures,
        }
    )
    return edited, problems


def edited_edition(session: Any) -> repo.Edition | None:
    """The edition the admin edits: the latest."""
    return repo.get_review(session)


def _area(session: Any, code: str) -> tuple[AreaRef, repo.Edition]:
    edition = edited_edition(session)
    if edition is not None:
        for ref in repo.area_refs(session, edition.key):
            if ref.code == code:
                return ref, edition
        raise HTTPException(
            404,
            f"There is no area with this code in the {edition.label} (the latest, the one "
            "edited here); earlier editions are kept as they were published.",
        )
    raise HTTPException(404, "There is no area with this code in the review.")


def _figure_rows(content: AreaContent, impact: ImpactMeta) -> list[dict[str, Any]]:
    """The form's rows: a figure computed from the programme's cohort (a KPI, no typed value)
    shows its computed value, read-only, and says so; then up to two empty rows."""
    rows: list[dict[str, Any]] = []
    for f in content.figures:
        shown = resolve(f, impact)
        rows.append(
            {
                "value": f.value or "",
                "label": f.label,
                "programme": f.programme or "",
                "computed": bool(f.kpi) and f.value is None,
                "shown": shown.value or "not available",
                "base": shown.base or "",
                "kpi": f.kpi or "",
            }  # fmt: skip
        )
    while len(rows) < min(len(content.figures) + 2, MAX_FIGURES):
        rows.append({"value": "", "label": "", "programme": "", "computed": False})
    return rows


def _page(
    request: Request,
    area: AreaRef,
    edition: repo.Edition,
    content: AreaContent,
    *,
    narrative: str,
    preview: bool = False,
    saved: bool = False,
    problems: list[str] | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "admin/area_form.html",
        status,
        section="admin",
        area=area,
        edition=edition,
        content=content,
        narrative=narrative,
        figures=_figure_rows(content, edition.meta.impact),
        shown=programme_figures(content, edition.meta.impact),
        defaults=not content.figures,
        preview=preview,
        saved=saved,
        problems=problems or [],
    )


def router() -> APIRouter:
    r = APIRouter(prefix="/admin/areas", include_in_schema=False)

    @r.get("/")
    def list_areas(request: Request, sessions: Sessions, user: CurrentEditor) -> Response:
        with sessions() as session:
            edition = edited_edition(session)
            areas = repo.area_refs(session, edition.key) if edition else []
            stored = repo.editions(session)
        return render(
            request, "admin/areas.html", section="admin", areas=areas, edition=edition,
            editions=stored,
        )  # fmt: skip

    @r.get("/{code}")
    def edit(
        request: Request,
        sessions: Sessions,
        user: CurrentEditor,
        code: str,
        saved: str | None = None,
    ) -> Response:
        with sessions() as session:
            area, edition = _area(session, code[:16])
            content = repo.get_area_content(session, area.code, edition.key) or AreaContent(
                code=area.code
            )
        return _page(
            request, area, edition, content, narrative=narrative_of(content), saved=bool(saved)
        )

    @r.post("/{code}", dependencies=[CsrfChecked])
    async def save(
        request: Request, sessions: Sessions, user: CurrentEditor, code: str
    ) -> Response:
        form = await request.form()
        action = _text(form, "action", 20)
        with db.transaction(sessions) as session:
            area, edition = _area(session, code[:16])
            current = repo.get_area_content(session, area.code, edition.key) or AreaContent(
                code=area.code
            )
            edited, problems = content_from_form(current, form)
            narrative = _text(form, "narrative", MAX_NARRATIVE)
            if problems:
                return _page(
                    request, area, edition, edited, narrative=narrative, problems=problems,
                    status=422,
                )  # fmt: skip
            if action != "save":
                return _page(request, area, edition, edited, narrative=narrative, preview=True)
            before = current.model_dump(mode="json")
            after = edited.model_dump(mode="json")
            if before != after:
                repo.save_area_content(session, area.code, edited, edition.key)
                history.record_change(
                    session, user.email, "update", "area", area.code, before, after
                )
        return RedirectResponse(f"/admin/areas/{area.code}?saved=1", status_code=303)

    return r
