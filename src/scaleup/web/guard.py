"""What every response and request body goes through: security headers and a size limit.

- Every response carries a Content-Security-Policy that allows no inline script or style
  and no framing (plus ``X-Frame-Options: DENY`` for old browsers), ``nosniff``, a referrer
  policy, and HSTS when the request came over HTTPS (behind a proxy, uvicorn believes
  ``X-Forwarded-Proto`` from the addresses in ``web.trusted_proxies``). A route may set its
  own policy (``/api/docs`` does: Swagger UI sets styles of its own).
- A request body larger than ``web.max_request_bytes`` is a 413: at once when its
  ``Content-Length`` says so (the body is never read), or as soon as a streamed (chunked)
  body passes the limit.
- A write carrying a body larger than :data:`OPEN_BODY_BYTES` (or streamed) must show who
  sends it before its body is read (:class:`CredentialsFirst`): an editor's API token under
  ``/api/``, a signed-in session elsewhere; else a 401 (413 on the sign-in form), with the
  body left unread.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

OPEN_BODY_BYTES = 64 * 1024
"""The most a request without credentials may send (a sign-in form is far smaller)."""

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
"""The policy of every page: this site's own files only, nothing inline, never framed."""

HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None


def declared_length(scope: Scope) -> int | None:
    """The request's Content-Length (None when absent or not a number)."""
    raw = _header(scope, b"content-length")
    if raw is None or not raw.strip().isdigit():
        return None
    return int(raw)


def is_streamed(scope: Scope) -> bool:
    """A body of unknown length (chunked), counted as it arrives."""
    encoding = _header(scope, b"transfer-encoding")
    return encoding is not None and b"chunked" in encoding.lower()


def _is_json_path(path: str) -> bool:
    return path.startswith(("/api/", "/hsds/")) or path == "/openapi.json"


async def refuse(scope: Scope, send: Send, status: int, detail: str, **headers: str) -> None:
    """Answer without reading the body, and close the connection (the body is not wanted)."""
    path = scope.get("path", "")
    if _is_json_path(path):
        body = json.dumps({"detail": detail}).encode()
        kind = b"application/json"
    else:
        from scaleup.web.errors import error_page

        body = bytes(error_page(status, detail).body)
        kind = b"text/html; charset=utf-8"
    extra = [(k.replace("_", "-").lower().encode(), v.encode()) for k, v in headers.items()]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class TooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than the limit of {limit:,} bytes.")


class Guard:
    """Security headers on every response; 413 for a body over ``max_body`` bytes."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = scope.get("scheme") == "https"

        async def send_guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {bytes(k).lower() for k, _ in headers}
                wanted = [*HEADERS, (b"content-security-policy", CSP.encode())]
                if secure:
                    wanted.append(HSTS)
                headers.extend(h for h in wanted if h[0] not in present)
                message = {**message, "headers": headers}
            await send(message)

        length = declared_length(scope)
        if length is not None and length > self.max_body:
            await refuse(scope, send_guarded, 413, TooLarge(self.max_body).detail)
            return
        limit = self.max_body
        seen = 0

        async def receive_counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLarge(limit)
            return message

        await self.app(scope, receive_counted, send_guarded)


Identify = Callable[[Scope], Awaitable[bool]]


class CredentialsFirst:
    """A write with a large or streamed body must carry valid credentials, checked before
    its body is read (``identify(scope)``; the session is decoded by then)."""

    def __init__(self, app: ASGIApp, identify: Identify, open_paths: frozenset[str]) -> None:
        self.app = app
        self.identify = identify
        self.open_paths = open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") in WRITES:
            length = declared_length(scope)
            large = is_streamed(scope) or (length is not None and length > OPEN_BODY_BYTES)
            if large and not await self.identify(scope):
                if scope.get("path") in self.open_paths:
                    await refuse(scope, send, 413, TooLarge(OPEN_BODY_BYTES).detail)
                elif _is_json_path(scope.get("path", "")):
                    await refuse(
                        scope,
                        send,
                        401,
                        "an editor's API token is needed: Authorization: Bearer TOKEN",
                        www_authenticate="Bearer",
                    )
                else:
                    await refuse(scope, send, 401, "Please sign in to continue.")
                return
        await self.app(scope, receive, send)


def install(app: Any) -> None:
    app.add_middleware(Guard, max_body=app.state.scaleup.settings.web.max_request_bytes)
