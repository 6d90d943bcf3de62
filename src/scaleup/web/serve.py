"""Serving the review: the app of :func:`scaleup.web.app.create_app` under uvicorn."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from scaleup.config import Settings


def serve(settings: Settings, engine: Engine, workspace: Path | None, host: str, port: int) -> None:
    """Serve the review (and every other part of the site) with uvicorn until interrupted."""
    import uvicorn

    from scaleup.web.app import create_app

    app = create_app(settings, workspace=workspace, engine=engine)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        proxy_headers=True,  # X-Forwarded-Proto/-For, believed only from these addresses:
        forwarded_allow_ips=settings.web.trusted_proxies,
    )
