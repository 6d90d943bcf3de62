"""Bad requests get a 404/422 as JSON under /api/ and as an HTML page elsewhere; never a 500."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Template
from starlette.exceptions import HTTPException as StarletteHTTPException

from scaleup.publish import make_templates

HEADINGS = {
    400: "Bad request",
    401: "Please sign in",
    403: "Not allowed",
    404: "Page not found",
    405: "Method not allowed",
    422: "That address has a value we cannot use",
    500: "Something went wrong",
}


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
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=headers
            )
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
