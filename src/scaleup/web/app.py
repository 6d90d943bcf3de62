"""The application factory: ``create_app(settings)``; no import-time globals.

Each part of the site contributes an ``APIRouter`` from its own module; the factory wires
them together with the store, so every test builds its own app with its own store.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from scaleup.config import Settings
from scaleup.store import db
from scaleup.web import admin, api, apidocs, auth, errors, finder, guard, hsds, pages
from scaleup.web.state import AppState


def create_app(
    settings: Settings,
    *,
    workspace: Path | None = None,
    engine: Engine | None = None,
    migrate: bool = True,
) -> FastAPI:
    """Build the app for ``settings``; the store is ``settings.database_url`` or the
    workspace's SQLite file (``engine`` overrides both, for tests)."""
    if engine is None:
        engine = db.open_engine(settings.database_url, workspace)
    if migrate:
        db.migrate(engine)

    app = FastAPI(
        title="ScaleUp Annual Review API",
        version="1",
        openapi_url="/openapi.json",
        docs_url=None,  # web/apidocs.py serves /api/docs from local files
        redoc_url=None,
    )
    app.state.scaleup = AppState(
        settings=settings, engine=engine, sessions=db.sessions(engine), workspace=workspace
    )

    @app.get("/healthz", tags=["service"])
    def healthz() -> JSONResponse:
        """200 when the store is reachable, 503 otherwise."""
        if db.is_reachable(engine):
            return JSONResponse({"status": "ok"})
        return JSONResponse({"status": "unavailable"}, status_code=503)

    for part in _parts():
        part.install(app)
    guard.install(app)  # last: the outermost, so it sees every request and response
    return app


def _parts() -> tuple:
    """The parts of the site, each a module with ``install(app: FastAPI) -> None`` that
    adds its routers, middleware or exception handlers. One line per part."""
    # the review: errors, api, pages; accounts, support finder, admin: auth, finder, admin
    return (errors, api, apidocs, pages, auth, finder, hsds, admin)
