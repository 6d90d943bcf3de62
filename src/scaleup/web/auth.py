"""Who may change what: browser sessions with CSRF tokens for the admin, bearer tokens for the API.

- The secret key signs the session cookie; outside development a missing, short or
  well-known secret stops the app at start-up (:func:`check_secret`).
- The session cookie is HttpOnly and SameSite=Lax, and Secure whenever the request came over
  HTTPS (behind a proxy, run uvicorn with ``--proxy-headers``).
- Every form carries the session's CSRF token; a post without it, or with another, is a 403.
- Repeated failed sign-ins lock the account and the client for a while
  (:mod:`scaleup.store.accounts`).
- Handlers say who may call them: ``CurrentEditor``, ``CurrentAdmin``, ``ApiEditor``.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Form, Request, Security
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from scaleup.config import Settings
from scaleup.errors import ConfigError
from scaleup.publish import make_templates
from scaleup.store import accounts, db, repo
from scaleup.store.accounts import User
from scaleup.web.state import Sessions, sessions_of

MIN_SECRET_LENGTH = 32
SESSION_COOKIE = "scaleup_session"
SESSION_MAX_AGE = 8 * 60 * 60
WELL_KNOWN_SECRETS = frozenset(
    {"changethis", "change-me", "changeme", "secret", "secret-key", "development", "dev", "test"}
)


def check_secret(settings: Settings) -> str:
    """The secret to sign sessions with; refuses an unsafe one outside development.

    In development without a secret, a random one is made (sessions end with the process).
    """
    secret = settings.secret_key or ""
    unsafe = (
        not secret.strip()
        or len(secret) < MIN_SECRET_LENGTH
        or secret.strip().lower() in WELL_KNOWN_SECRETS
        or "changethis" in secret.lower()
        or len(set(secret)) < 8
    )
    if not unsafe:
        return secret
    if settings.environment == "development":
        return secret if secret.strip() else secrets.token_urlsafe(48)
    raise ConfigError(
        "secret_key: a secret of at least "
        f"{MIN_SECRET_LENGTH} random characters is required outside development "
        "(set SCALEUP_SECRET_KEY, e.g. to the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`), got "
        + ("none" if not secret.strip() else "a short or well-known one")
    )


class SessionsByScheme:
    """Starlette's SessionMiddleware, with the Secure flag on exactly when served over HTTPS."""

    def __init__(self, app: ASGIApp, secret_key: str) -> None:
        options: dict[str, Any] = {
            "secret_key": secret_key,
            "session_cookie": SESSION_COOKIE,
            "max_age": SESSION_MAX_AGE,
            "same_site": "lax",
        }
        self.plain = SessionMiddleware(app, https_only=False, **options)
        self.secure = SessionMiddleware(app, https_only=True, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        chosen = self.secure if scope.get("scheme") in ("https", "wss") else self.plain
        await chosen(scope, receive, send)


# --- who is asking ----------------------------------------------------------------------


class SignInRequired(Exception):
    """No (valid) session: 401, with the sign-in form for a browser."""


class NotAllowed(Exception):
    """Signed in, but the role does not allow it: 403."""


def session_user(request: Request) -> User | None:
    uid = request.session.get("uid")
    if not isinstance(uid, int):
        return None
    with sessions_of(request)() as session:
        user = accounts.get_user_by_id(session, uid)
    return user if user is not None and user.active else None


def current_editor(request: Request) -> User:
    user = session_user(request)
    if user is None:
        raise SignInRequired()
    return user


def current_admin(user: Annotated[User, Depends(current_editor)]) -> User:
    if not user.is_admin:
        raise NotAllowed()
    return user


BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="An editor's API token (`scaleup users token EMAIL`)",
)
"""Declares the bearer-token scheme in /openapi.json on every route that needs a token."""


def api_editor(
    request: Request,
    sessions: Sessions,
    _token: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)],
) -> User:
    """The editor whose token is in ``Authorization: Bearer TOKEN``; 401 otherwise."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiUnauthorised()
    with sessions() as session:
        user = accounts.user_for_token(session, token.strip())
    if user is None:
        raise ApiUnauthorised()
    return user


class ApiUnauthorised(Exception):
    pass


CurrentEditor = Annotated[User, Depends(current_editor)]
CurrentAdmin = Annotated[User, Depends(current_admin)]
ApiEditor = Annotated[User, Depends(api_editor)]


# --- CSRF -------------------------------------------------------------------------------


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use); every form posts it as ``csrf_token``."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


class CsrfRejected(Exception):
    pass


async def require_csrf(request: Request) -> None:
    """403 unless the posted ``csrf_token`` is the session's."""
    form = await request.form()
    sent = form.get("csrf_token")
    expected = request.session.get("csrf")
    if (
        not isinstance(sent, str)
        or not isinstance(expected, str)
        or not hmac.compare_digest(sent.encode(), expected.encode())
    ):
        raise CsrfRejected()


CsrfChecked = Depends(require_csrf)


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# --- pages ------------------------------------------------------------------------------


def review_title(request: Request) -> str | None:
    """The latest edition's title and year, for the header of every page (None when nothing
    is built: the header then says the default name)."""
    with sessions_of(request)() as session:
        edition = repo.get_review(session)
    return None if edition is None else edition.name


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render one of the admin's or finder's templates with the CSRF token and user at hand."""
    env = request.app.state.scaleup.extras["templates"]
    context.setdefault("user", session_user(request))
    context.setdefault("site_title", review_title(request))
    html = env.get_template(name).render(csrf_token=csrf_token(request), **context)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def _login_page(
    request: Request, status: int, message: str = "", email: str = "", next_url: str = ""
) -> Response:
    return render(
        request,
        "admin/login.html",
        status,
        message=message,
        email=email,
        next_url=_safe_next(next_url),
        section="admin",
    )


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/admin/") and not target.startswith("//"):
        return target
    return "/admin/"


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/admin/login")
    def login_form(
        request: Request, next: str | None = None, signed_out: str | None = None
    ) -> Response:
        message = "You have signed out." if signed_out else ""
        return _login_page(request, 200, message, next_url=next or "")

    @r.post("/admin/login", dependencies=[CsrfChecked])
    def login(
        request: Request,
        sessions: Sessions,
        email: Annotated[str, Form(max_length=254)] = "",
        password: Annotated[str, Form(max_length=1000)] = "",
        next: Annotated[str, Form(max_length=500)] = "",
    ) -> Response:
        with db.transaction(sessions) as session:
            result = accounts.sign_in(session, email, password, client_of(request))
            uid = result.user.id if result.user else None
        if result.locked:
            return _login_page(
                request,
                429,
                "Too many failed sign-ins. Wait 15 minutes and try again.",
                email,
                next,
            )
        if uid is None:
            return _login_page(request, 401, "That email and password do not match.", email, next)
        request.session.clear()  # a new session: no fixation
        request.session["uid"] = uid
        csrf_token(request)
        return RedirectResponse(_safe_next(next), status_code=303)

    @r.post("/admin/logout", dependencies=[CsrfChecked])
    def logout(request: Request) -> Response:
        request.session.clear()
        return RedirectResponse("/admin/login?signed_out=1", status_code=303)

    return r


def install(app: FastAPI) -> None:
    state = app.state.scaleup
    secret = check_secret(state.settings)
    state.extras.setdefault("templates", make_templates())
    app.add_middleware(SessionsByScheme, secret_key=secret)
    app.include_router(router())

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        return _login_page(request, 401, "Please sign in to continue.", next_url=request.url.path)

    @app.exception_handler(NotAllowed)
    async def _not_allowed(request: Request, exc: NotAllowed) -> Response:
        return render(request, "admin/denied.html", 403, section="admin")

    @app.exception_handler(CsrfRejected)
    async def _csrf(request: Request, exc: CsrfRejected) -> Response:
        return HTMLResponse(
            "<!doctype html><title>Form expired</title><h1>Form expired</h1>"
            "<p>This form was missing its security token or it had expired. "
            '<a href="/admin/">Go back</a>, reload the page and try again.</p>',
            status_code=403,
        )

    @app.exception_handler(ApiUnauthorised)
    async def _api(request: Request, exc: ApiUnauthorised) -> Response:
        return JSONResponse(
            {"detail": "an editor's API token is needed: Authorization: Bearer TOKEN"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
