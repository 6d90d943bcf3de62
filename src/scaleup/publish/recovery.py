"""The site's build stamp, and putting store and site back in step after a killed build.

Apart from :mod:`scaleup.publish.build` so that ``scaleup serve``, which runs
:func:`recover_site` before it starts, does not import what a build needs (Altair,
openpyxl, pandas).
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine

from scaleup import atomic
from scaleup.store import db, repo

SITE_STAMP = ".scaleup-site.json"
"""In the site's folder: the build stamp of the store it was written from."""


def site_stamp(folder: Path) -> dict[str, str] | None:
    """The build stamp a site folder records (None: no site, or not one written here)."""
    try:
        stamp = json.loads((Path(folder) / SITE_STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stamp.get("editions") if isinstance(stamp, dict) else None


def recover_site(engine: Engine, out: Path) -> None:
    """After a build killed between its commit and its switch: the complete site written
    for the store's content becomes ``out``; every staging folder left is removed."""
    db.migrate(engine)
    with atomic.folder_lock(out):
        recover(engine, out)


def recover(engine: Engine, out: Path) -> None:
    """:func:`recover_site` for a caller that holds ``out``'s lock and migrated the store."""
    with db.sessions(engine)() as session:
        stored = repo.build_stamp(session)
    if stored and site_stamp(out) != stored:
        for stage in atomic.stagings(out):
            if site_stamp(stage) == stored:
                atomic.switch(stage, out)
                break
    atomic.recover(out)
