"""The admin at ``/admin/``: area narratives and headline figures, programmes, history, users.

Every page needs a signed-in editor (``CurrentEditor``); managing accounts needs an admin
(``CurrentAdmin``). Every form posts the session's CSRF token, and every change is written
to the history with who, when and the record before and after.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Form, HTTPException, Path, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.datastructures import FormData

from scaleup.errors import InputError
from scaleup.finder.records import FIELDS, LIST_FIELDS, STAGES, SUPPORT_TYPES, ProgrammeCreate
from scaleup.store import accounts, db, programmes
from scaleup.store import history as store_history
from scaleup.web.auth import CsrfChecked, CurrentAdmin, CurrentEditor, client_of, render
from scaleup.web.state import Sessions

MAX_FIGURES = 12


# --- programmes -------------------------------------------------------------------------


def _programme_form(form: FormData) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in FIELDS:
        if key in ("updated", "retired"):
            continue
        if key in ("support_types", "stages"):
            data[key] = [v for v in form.getlist(key) if isinstance(v, str)]
        elif key in LIST_FIELDS:
            raw = form.get(key)
            text = raw if isinstance(raw, str) else ""
            data[key] = [v.strip() for v in text.replace("\n", ";").split(";") if v.strip()]
        else:
            raw = form.get(key)
            value = raw.strip() if isinstance(raw, str) else ""
            if key in ("min_employees", "max_employees", "min_turnover", "starts", "ends"):
                data[key] = value or None
            elif key == "id":
                data[key] = value or None
            else:
                data[key] = value
    return data


def _errors(exc: ValidationError) -> dict[str, str]:
    out: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
        key = loc[0] if loc else "form"
        out.setdefault(key, err["msg"].removeprefix("Value error, "))
    return out


def _form_page(
    request: Request, values: dict[str, Any], errors: dict[str, str], creating: bool, status: int
) -> Response:
    return render(
        request,
        "admin/programme_form.html",
        status,
        section="admin",
        v=values,
        errors=errors,
        creating=creating,
        support_types=SUPPORT_TYPES,
        stages=STAGES,
    )


def _empty() -> dict[str, Any]:
    return {f: ([] if f in LIST_FIELDS else "") for f in FIELDS}


def programmes_router() -> APIRouter:
    r = APIRouter(prefix="/admin/programmes", include_in_schema=False)

    @r.get("/")
    def list_programmes(request: Request, sessions: Sessions, user: CurrentEditor) -> Response:
        with sessions() as session:
            records = programmes.all_programmes(session)
        return render(request, "admin/programmes.html", section="admin", records=records)

    @r.get("/new")
    def new_form(request: Request, user: CurrentEditor) -> Response:
        return _form_page(request, _empty(), {}, True, 200)

    @r.post("/new", dependencies=[CsrfChecked])
    async def create(request: Request, sessions: Sessions, user: CurrentEditor) -> Response:
        values = _programme_form(await request.form())
        try:
            record = ProgrammeCreate.model_validate(values)
        except ValidationError as exc:
            return _form_page(request, values, _errors(exc), True, 422)
        with db.transaction(sessions) as session:
            if record.id and programmes.get(session, record.id) is not None:
                return _form_page(request, values, {"id": "already used"}, True, 422)
            saved, created = programmes.save(session, record, actor=user.email)
            if not created:  # made by another request meanwhile: undo, say so
                raise HTTPException(409, f"programme {record.id!r} was just made by another editor")
        return RedirectResponse(f"/admin/programmes/{saved.id}?saved=1", status_code=303)

    @r.get("/{programme_id}")
    def edit_form(
        request: Request,
        sessions: Sessions,
        user: CurrentEditor,
        programme_id: str,
        saved: str | None = None,
    ) -> Response:
        with sessions() as session:
            record = programmes.get(session, programme_id[:80])
        if record is None:
            raise HTTPException(404, "There is no programme at this address.")
        return render(
            request,
            "admin/programme_form.html",
            section="admin",
            v=record.model_dump(),
            errors={},
            creating=False,
            saved=bool(saved),
            support_types=SUPPORT_TYPES,
            stages=STAGES,
        )

    @r.post("/{programme_id}", dependencies=[CsrfChecked])
    async def update(
        request: Request, sessions: Sessions, user: CurrentEditor, programme_id: str
    ) -> Response:
        values = _programme_form(await request.form())
        with db.transaction(sessions) as session:
            programmes.lock(session, programme_id[:80])
            current = programmes.get(session, programme_id[:80])
            if current is None:
                raise HTTPException(404, "There is no programme at this address.")
            values["id"] = current.id
            values["retired"] = current.retired
            try:
                record = ProgrammeCreate.model_validate(values)
            except ValidationError as exc:
                return _form_page(request, values, _errors(exc), False, 422)
            programmes.save(session, record, actor=user.email)
        return RedirectResponse(f"/admin/programmes/{current.id}?saved=1", status_code=303)

    @r.post("/{programme_id}/retire", dependencies=[CsrfChecked])
    def retire(
        request: Request,
        sessions: Sessions,
        user: CurrentEditor,
        programme_id: str,
        retired: Annotated[str, Form(max_length=5)] = "true",
    ) -> Response:
        with db.transaction(sessions) as session:
            record = programmes.set_retired(
                session, programme_id[:80], retired == "true", actor=user.email
            )
        if record is None:
            raise HTTPException(404, "There is no programme at this address.")
        return RedirectResponse(f"/admin/programmes/{record.id}?saved=1", status_code=303)

    return r


# --- dashboard, history, users -----------------------------------------------------------


def general_router() -> APIRouter:
    r = APIRouter(prefix="/admin", include_in_schema=False)

    @r.get("/")
    def dashboard(request: Request, sessions: Sessions, user: CurrentEditor) -> Response:
        with sessions() as session:
            recent = store_history.history(session, limit=10)
        return render(request, "admin/index.html", section="admin", recent=recent)

    @r.get("/history")
    def history(
        request: Request,
        sessions: Sessions,
        user: CurrentEditor,
        kind: str | None = None,
        key: str | None = None,
    ) -> Response:
        with sessions() as session:
            changes = store_history.history(
                session, kind=(kind or None) and kind[:40], key=(key or None) and key[:200]
            )
        return render(
            request, "admin/history.html", section="admin", changes=changes, kind=kind, key=key
        )

    @r.get("/account")
    def account(request: Request, user: CurrentEditor, changed: str | None = None) -> Response:
        return render(
            request, "admin/account.html", section="admin", changed=bool(changed), errors=[]
        )

    @r.post("/account", dependencies=[CsrfChecked])
    def change_password(
        request: Request,
        sessions: Sessions,
        user: CurrentEditor,
        current: Annotated[str, Form(max_length=1000)] = "",
        password: Annotated[str, Form(max_length=1000)] = "",
    ) -> Response:
        """A new password for the signed-in editor: the current one is checked (and counted
        by the sign-in throttle), every session of the account ends, this browser gets a new
        one."""
        checked = accounts.sign_in(sessions, user.email, current, client_of(request))
        errors = []
        if checked.locked:
            errors = ["Too many failed attempts: wait 15 minutes and try again."]
        elif checked.user is None:
            errors = ["current: that is not your current password"]
        else:
            try:
                with db.transaction(sessions) as session:
                    person = accounts.get_user_by_id(session, user.id)
                    assert person is not None
                    accounts.set_password(session, person, password, actor=user.email)
                    sid = accounts.start_session(session, person)
            except InputError as exc:
                errors = [f"{p.column}: {p.message}" for p in exc.problems()]
        if errors:
            status = 429 if checked.locked else 422
            return render(
                request, "admin/account.html", status, section="admin", changed=False, errors=errors
            )
        request.session.clear()
        request.session["sid"] = sid
        return RedirectResponse("/admin/account?changed=1", status_code=303)

    @r.get("/users")
    def users(
        request: Request, sessions: Sessions, admin: CurrentAdmin, message: str | None = None
    ) -> Response:
        with sessions() as session:
            people = accounts.list_users(session)
        return render(
            request,
            "admin/users.html",
            section="admin",
            people=people,
            roles=accounts.ROLES,
            message=(message or "")[:200],
            errors=[],
        )

    @r.post("/users", dependencies=[CsrfChecked])
    def add_user(
        request: Request,
        sessions: Sessions,
        admin: CurrentAdmin,
        email: Annotated[str, Form(max_length=254)] = "",
        role: Annotated[str, Form(max_length=20)] = "editor",
        password: Annotated[str, Form(max_length=1000)] = "",
    ) -> Response:
        try:
            with db.transaction(sessions) as session:
                accounts.add_user(session, email, role, password, actor=admin.email)
        except InputError as exc:
            with sessions() as session:
                people = accounts.list_users(session)
            return render(
                request,
                "admin/users.html",
                422,
                section="admin",
                people=people,
                roles=accounts.ROLES,
                message="",
                errors=[f"{p.column}: {p.message}" for p in exc.problems()],
            )
        return RedirectResponse("/admin/users?message=added", status_code=303)

    @r.post("/users/{user_id}", dependencies=[CsrfChecked])
    def change_user(
        request: Request,
        sessions: Sessions,
        admin: CurrentAdmin,
        user_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
        role: Annotated[str, Form(max_length=20)] = "editor",
        active: Annotated[str, Form(max_length=5)] = "",
    ) -> Response:
        with db.transaction(sessions) as session:
            person = accounts.get_user_by_id(session, user_id)
            if person is None:
                raise HTTPException(404, "There is no such account.")
            if person.id == admin.id and (role != "admin" or active != "true"):
                raise HTTPException(403, "You cannot remove your own admin rights.")
            if role not in accounts.ROLES:
                raise HTTPException(422, f"expected one of {list(accounts.ROLES)}")
            accounts.update_user(
                session, person, role=role, active=active == "true", actor=admin.email
            )
        return RedirectResponse("/admin/users?message=saved", status_code=303)

    return r


def install(app: FastAPI) -> None:
    from scaleup.web.admin_areas import router as areas_router

    app.include_router(general_router())
    app.include_router(programmes_router())
    app.include_router(areas_router())
