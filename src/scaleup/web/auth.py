"""Who may change what: browser sessions with CSRF tokens for the admin, bearer tokens for the API.

- The secret key signs the session cookie; outside development a missing, short or
  well-known secret stops the app at start-up (:func:`check_secret`).
- The session cookie is HttpOnly and SameSite=Lax, and Secure whenever the request came over
  HTTPS (behind a proxy, run uvicorn with ``--proxy-headers``).
- Every form carries the session's CSRF token; a post without it, or with another, is a 403.
- The cookie holds only a session id; the session itself is in the store, so sign-out,
  disabling an account or changing its password end it at once (:mod:`scaleup.store.accounts`).
- Repeated failed sign-ins lock the account and the client for a while, counted atomically in
  the store (:mod:`scaleup.store.accounts`).
- A write with a large body must show its credentials before the body is read
  (:class:`scaleup.web.guard.CredentialsFirst`).
- Pages for anonymous visitors set no cookie and may be cached; a signed-in visitor's pages
  are ``private, no-store``.
- Handlers say who may call them: ``CurrentEditor``, ``CurrentAdmin``, ``ApiEditor``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Form, Request, Security
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from scaleup.config import Settings
from scaleup.errors import ConfigError
from scaleup.publish import make_templates
from scaleup.store import accounts, db, repo
from scaleup.store.accounts import User
from scaleup.web.guard import CredentialsFirst, Identify
from scaleup.web.state import Sessions, sessions_of

MIN_SECRET_LENGTH = 32
SESSION_COOKIE = "scaleup_session"
SESSION_MAX_AGE = accounts.SESSION_HOURS * 60 * 60  # the cookie lives as long as the session
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


_NOBODY = object()


def session_user(request: Request) -> User | None:
    """The signed-in user of the request's session (looked up once per request)."""
    known = getattr(request.state, "user", _NOBODY)
    if known is not _NOBODY:
        return known  # type: ignore[return-value]
    sid = request.session.get("sid")
    user = None
    if isinstance(sid, str):
        with sessions_of(request)() as session:
            user = accounts.user_for_session(session, sid)
    request.state.user = user
    return user


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


def identify(app: FastAPI) -> Identify:
    """Whether a request carries valid credentials, judged from its headers and session
    alone (its body unread): an API token under /api/ and /hsds/, a session elsewhere."""
    state = app.state.scaleup

    def check(scope: Scope) -> bool:
        path = scope.get("path", "")
        with state.sessions() as session:
            if path.startswith(("/api/", "/hsds/")):
                header = dict(scope.get("headers", ())).get(b"authorization", b"")
                scheme, _, token = header.decode("latin-1").partition(" ")
                if scheme.lower() != "bearer":
                    return False
                return accounts.user_for_token(session, token.strip()) is not None
            sid = scope.get("session", {}).get("sid")
            return isinstance(sid, str) and accounts.user_for_session(session, sid) is not None

    async def identified(scope: Scope) -> bool:
        return await run_in_threadpool(check, scope)

    return identified


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


PUBLIC_MAX_AGE = 60
"""Seconds a shared cache or browser may keep a public finder page."""


def render(
    request: Request, name: str, status: int = 200, *, public: bool = False, **context: Any
) -> Response:
    """Render one of the admin's or finder's templates with the CSRF token and user at hand.

    A ``public`` page (the finder's) seen by an anonymous visitor makes no session (so sets
    no cookie), and is cacheable for :data:`PUBLIC_MAX_AGE` seconds with an ETag (a 304 when
    it is unchanged); every other page is ``private, no-store``.
    """
    env = request.app.state.scaleup.extras["templates"]
    user = context.setdefault("user", session_user(request))
    context.setdefault("site_title", review_title(request))
    anonymous = public and user is None and "csrf" not in request.session
    token = "" if anonymous else csrf_token(request)
    html = env.get_template(name).render(csrf_token=token, **context)
    if not anonymous:
        return HTMLResponse(
            html, status_code=status, headers={"Cache-Control": "private, no-store"}
        )
    body = html.encode("utf-8")
    return public_response(
        request, body, etag_of(body), "text/html", status=status, headers={"Vary": "Cookie"}
    )


def etag_of(body: bytes) -> str:
    """A public answer's ETag: a digest of its bytes."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def public_response(
    request: Request,
    body: bytes,
    etag: str,
    media_type: str,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """An answer the same for anyone (no session, no cookie), cacheable for
    :data:`PUBLIC_MAX_AGE` seconds with its ETag (and ``headers``): a 304 when the caller
    has it."""
    sent = {"Cache-Control": f"public, max-age={PUBLIC_MAX_AGE}", "ETag": etag, **(headers or {})}
    if status == 200 and etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=sent)
    return Response(body, status_code=status, media_type=media_type, headers=sent)


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
        result = accounts.sign_in(sessions, email, password, client_of(request))
        if result.locked:
            return _login_page(
                request,
                429,
                "Too many failed sign-ins. Wait 15 minutes and try again.",
                email,
                next,
            )
        if result.user is None:
            return _login_page(request, 401, "That email and password do not match.", email, next)
        with db.transaction(sessions) as session:
            sid = accounts.start_session(session, result.user)
        request.session.clear()  # a new session: no fixation
        request.session["sid"] = sid
        csrf_token(request)
        return RedirectResponse(_safe_next(next), status_code=303)

    @r.post("/admin/logout", dependencies=[CsrfChecked])
    def logout(request: Request, sessions: Sessions) -> Response:
        sid = request.session.get("sid")
        if isinstance(sid, str):
            with db.transaction(sessions) as session:
                accounts.end_session(session, sid)
        request.session.clear()
        return RedirectResponse("/admin/login?signed_out=1", status_code=303)

    return r


def install(app: FastAPI) -> None:
    state = app.state.scaleup
    secret = check_secret(state.settings)
    state.extras.setdefault("templates", make_templates())
    app.add_middleware(
        CredentialsFirst, identify=identify(app), open_paths=frozenset({"/admin/login"})
    )
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
