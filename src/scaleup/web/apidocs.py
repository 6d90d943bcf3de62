"""``/api/docs``: the API's interactive documentation, served wholly from this machine.

Swagger UI's files come from the ``fastapi-offline`` package (Swagger UI, Apache 2.0; the
package MIT): ``/api/docs/assets/`` serves them, and the page and the script that starts
Swagger UI are this package's own (``web/docs/``), so the page asks no other host for
anything and runs no inline script.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

HERE = Path(__file__).with_name("docs")
DOCS_URL = "/api/docs"


def assets() -> Path:
    """The folder of Swagger UI's files (swagger-ui-bundle.js, swagger-ui.css, favicon)."""
    return Path(str(files("fastapi_offline") / "static"))


def install(app: FastAPI) -> None:
    page = (HERE / "index.html").read_text(encoding="utf-8")

    async def docs(_request: Request) -> Response:
        return HTMLResponse(page)

    async def starter(_request: Request) -> Response:
        return FileResponse(HERE / "api-docs.js", media_type="text/javascript")

    app.add_route(DOCS_URL, docs, ["GET"], include_in_schema=False)
    app.add_route(f"{DOCS_URL}/api-docs.js", starter, ["GET"], include_in_schema=False)
    app.mount(f"{DOCS_URL}/assets", StaticFiles(directory=assets()), name="api-docs-assets")
