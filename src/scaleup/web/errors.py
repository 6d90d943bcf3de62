"""Bad requests get a 404/422 as JSON under /api/ and as an HTML page elsewhere; never a 500.

The JSON error bodies have two shapes, declared here once and documented on every route by
:func:`responses`: :class:`Problem` (``{"detail": "what is wrong"}``) and, for 422,
:class:`Invalid` (``{"detail": [{"loc": [...], "msg": ..., "type": ...}]}``, FastAPI's
validation shape, whichever part of the app refuses the request).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Template
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from scaleup.publish import make_templates

HEADINGS = {
    400: "Bad request",
    401: "Please sign in",
    403: "Not allowed",
    404: "Page not found",
    405: "Method not allowed",
    409: "Changed at the same time",
    413: "Too large",
    422: "That address has a value we cannot use",
    500: "Something went wrong",
}


class Problem(BaseModel):
    """An error answer: what is wrong, in words."""

    detail: str


class FieldError(BaseModel):
    loc: list[str | int]
    """Where: ``["path", "code"]``, ``["query", "limit"]``, ``["body", "name"]``."""
    msg: str
    type: str


class Invalid(BaseModel):
    """A 422 answer: every value of the request that cannot be used."""

    detail: list[FieldError]


STATUSES: dict[int, tuple[type[BaseModel], str]] = {
    401: (Problem, "No editor's API token: send Authorization: Bearer TOKEN"),
    403: (Problem, "The token's user may not do this"),
    404: (Problem, "Nothing at this address"),
    409: (Problem, "Conflicts with a record that exists"),
    413: (Problem, "The request body is too large"),
    422: (Invalid, "A value of the request cannot be used"),
}


def responses(*statuses: int, **descriptions: str) -> dict[int | str, Any]:
    """The OpenAPI ``responses`` of a route's error statuses, with their body shapes;
    ``descriptions`` (``s404="No such area"``) words one for the route."""
    return {
        status: {
            "model": STATUSES[status][0],
            "description": descriptions.get(f"s{status}", STATUSES[status][1]),
        }
        for status in statuses
    }


def as_invalid(detail: Any) -> list[dict[str, Any]]:
    """A 422's detail in the :class:`Invalid` shape (a plain message becomes one error)."""
    if isinstance(detail, list):
        return detail
    return [{"loc": [], "msg": str(detail), "type": "value_error"}]


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith(("/api/", "/hsds/")) or path == "/openapi.json"


@lru_cache(maxsize=1)
def _template() -> Template:
    return make_templates().get_template("error.html")


def error_page(status: int, message: str) -> HTMLResponse:
    html = _template().render(status=status, heading=HEADINGS.get(status, "Error"), message=message)
    return HTMLResponse(html, status_code=status)


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        headers: dict[str, Any] = dict(exc.headers or {})
        if wants_json(request):
            detail = as_invalid(exc.detail) if exc.status_code == 422 else exc.detail
            return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=headers)
        message = (
            exc.detail
            if isinstance(exc.detail, str) and exc.status_code != 404
            else (
                "There is no page at this address. The review's areas are listed on the front page."
            )
        )
        response = error_page(exc.status_code, message)
        response.headers.update(headers)
        return response

    async def _conflict(request: Request, exc: Exception) -> Response:
        """Two requests changed one record at once (a duplicate id, a row removed meanwhile):
        the store refused the second, so it is told to look again, not given a 500."""
        message = (
            "Another change to the same record was made at the same time; reload it and try again."
        )
        if wants_json(request):
            return JSONResponse({"detail": message}, status_code=409)
        return error_page(409, message)

    app.add_exception_handler(IntegrityError, _conflict)
    app.add_exception_handler(StaleDataError, _conflict)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        if wants_json(request):
            return JSONResponse({"detail": errors}, status_code=422)
        text = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
        return error_page(422, text or "The request could not be understood.")
