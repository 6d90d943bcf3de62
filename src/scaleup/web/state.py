"""What every part of the server shares: the app's state and the one sessions dependency.

A route reaches the store through a parameter ``sessions: Sessions``; a helper that has
only the request uses :func:`sessions_of`. The parts of the site import this module, and
:mod:`scaleup.web.app` imports the parts: no import runs in a circle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from scaleup.config import Settings


@dataclass
class AppState:
    """What every request handler may reach through ``request.app.state.scaleup``."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    workspace: Path | None = None
    extras: dict[str, object] = field(default_factory=dict)


def sessions_of(request: Request) -> sessionmaker[Session]:
    """The store's sessions of the app answering ``request``."""
    sessions: sessionmaker[Session] = request.app.state.scaleup.sessions
    return sessions


Sessions = Annotated[sessionmaker[Session], Depends(sessions_of)]
"""The one way a route reaches the store: a parameter ``sessions: Sessions``."""
