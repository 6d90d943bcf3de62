"""Test worlds for the support finder, accounts and admin: stores, apps, users, records.

Everything is made by code here: a small review geography (two areas, three LADs, all in
the East Midlands, with the finder's regions loaded from the shipped geography), directory
records, accounts. A pytest plugin (registered in tests/conftest.py): its fixtures are
``finder_sqlite_url``, ``finder_app``, ``finder_client`` and ``editor_client``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from scaleup.config import Settings, load_settings
from scaleup.finder.records import ProgrammeCreate
from scaleup.geo.regions import regions_on_vintage
from scaleup.meta import Comparison, EditionMeta
from scaleup.store import accounts, db, places, programmes, repo
from scaleup.web.app import create_app

SECRET = "k7Qz-9fVw2LmXr4Tn8YbJc3Hd6Gs1PaE5uRoIiWq0"
PASSWORD = "a long enough passphrase"

EDITION_META = EditionMeta(
    published=True, raw=False, supplier_controlled=False, measures=("employment",),
    rated_measures=("employment",), vintage="2021", end_years=(2019,),
    trend_window=(2016, 2019), comparison=Comparison(label="England (all local authorities)"),
)  # fmt: skip
"""What the edition of the test store says of itself (its statistics are not used)."""

# Two areas of a review and their LADs (one LAD in both, as LEPs once overlapped).
AREAS = [("E37000045", "D2N2", "d2n2"), ("E37000021", "Leicester and Leicestershire", "lls")]
LADS = [("E07000170", "Ashfield"), ("E06000018", "Nottingham"), ("E07000129", "Blaby")]
MEMBERS = [("E37000045", "E07000170"), ("E37000045", "E06000018"), ("E37000021", "E07000129")]
EAST_MIDLANDS = "E12000004"
VINTAGE = "2021"


def settings_for(url: str, **extra: Any) -> Settings:
    return load_settings(environ={}, overrides={"database_url": url, "secret_key": SECRET, **extra})


def record(**fields: Any) -> ProgrammeCreate:
    data: dict[str, Any] = {
        "id": "upscaler",
        "name": "UpScaler",
        "provider": "Nottingham Business School",
        "summary": "Leadership training for the owners of fast-growing firms.",
        "url": "https://example.org/upscaler",
        "support_types": ["training"],
        "areas": ["E37000045"],
    }
    data.update(fields)
    return ProgrammeCreate.model_validate(data)


def migrated(url: str) -> Any:
    """Sessions of the store at ``url``, migrated to the latest schema."""
    engine = db.make_engine(url)
    db.migrate(engine)
    return db.sessions(engine)


def seed_geography(sessions: Any) -> None:
    """A review edition with two areas and three LADs, and the finder's regions on the
    review's vintage (what the finder's area and region filters use), as a build stores them."""
    with db.transaction(sessions) as session:
        repo.replace_review(
            session,
            edition="2021",
            title="Test review",
            year=2021,
            meta=EDITION_META,
            areas=[
                {"code": c, "name": n, "slug": s, "position": i, "summary": {}, "charts": {}}
                for i, (c, n, s) in enumerate(AREAS)
            ],
            area_years=[],
            lads=[{"code": c, "name": n, "years": [], "compare": {}} for c, n in LADS],
            memberships=MEMBERS,
        )
        places.replace_regions(session, regions_on_vintage([c for c, _ in LADS], VINTAGE))


def add_user(sessions: Any, email: str, role: str = "editor", password: str = PASSWORD) -> None:
    with db.transaction(sessions) as session:
        accounts.add_user(session, email, role, password, actor="test")


def token_for(sessions: Any, email: str) -> str:
    with db.transaction(sessions) as session:
        user = accounts.get_user(session, email)
        assert user is not None
        return accounts.issue_token(session, user, actor="test")


def save(sessions: Any, *records: ProgrammeCreate) -> None:
    with db.transaction(sessions) as session:
        for r in records:
            programmes.save(session, r, actor="test")


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    token = csrf_of(client.get("/admin/login").text)
    return client.post(
        "/admin/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


@pytest.fixture(scope="session")
def finder_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite store with the geography, an editor and an admin (made once)."""
    path = tmp_path_factory.mktemp("finder-template") / "store.sqlite"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    sessions = db.sessions(engine)
    seed_geography(sessions)
    add_user(sessions, "editor@example.org", "editor")
    add_user(sessions, "admin@example.org", "admin")
    engine.dispose()
    return path


@pytest.fixture
def finder_sqlite_url(tmp_path: Path, finder_template: Path) -> str:
    """A fresh copy of the template store, for one test."""
    path = tmp_path / "store.sqlite"
    shutil.copyfile(finder_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def finder_app(finder_sqlite_url: str) -> FastAPI:
    """The whole site on its own SQLite store, with a geography, an editor and an admin."""
    return create_app(settings_for(finder_sqlite_url))


@pytest.fixture
def finder_client(finder_app: FastAPI) -> Iterator[TestClient]:
    """A browser-like client of ``finder_app`` (not signed in)."""
    with TestClient(finder_app) as c:
        yield c


@pytest.fixture
def editor_client(finder_client: TestClient) -> TestClient:
    """``finder_client``, signed in as an editor."""
    response = sign_in(finder_client, "editor@example.org")
    assert response.status_code == 303
    return finder_client
