"""Connections to the content store and its migrations.

SQLite (a file in the workspace) by default, PostgreSQL when ``SCALEUP_DATABASE_URL`` (or
``database_url`` in settings) says so. The schema is owned by Alembic: ``migrate`` brings
any database to the newest revision; nothing calls ``create_all``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, MetaData, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from scaleup.errors import ConfigError

MIGRATIONS = Path(__file__).with_name("migrations")
STORE_FILENAME = "scaleup.sqlite"

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Every table of the store; its metadata is what Alembic migrates."""

    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> datetime:
    """Now, in UTC: every time the store writes is UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A time read back from the store, aware (SQLite hands back naive datetimes)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def default_url(workspace: Path) -> str:
    """The SQLite file inside a workspace."""
    return f"sqlite:///{(Path(workspace) / STORE_FILENAME).resolve()}"


def store_url(database_url: str | None, workspace: Path | None) -> str:
    """The one rule for where the store is: ``database_url`` (from the settings) when set,
    else the SQLite file of the workspace."""
    if database_url:
        return database_url
    if workspace is None:
        raise ConfigError("database_url: not set, and there is no workspace for a SQLite store")
    return default_url(workspace)


def open_engine(database_url: str | None, workspace: Path | None) -> Engine:
    """An engine on the store of :func:`store_url`."""
    return make_engine(store_url(database_url, workspace))


BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for another's lock before giving up."""


def make_engine(url: str) -> Engine:
    """An engine for ``url``.

    SQLite gets foreign keys on, write-ahead logging (readers never wait for a writer, so the
    site keeps answering during an import) and a busy timeout (a writer waits for another's
    short transaction instead of failing with "database is locked").
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "heads") -> None:
    """Bring the store's schema to ``revision`` (default: the head of every branch).

    Each part of the store (review, finder, accounts) keeps its own branch of revisions
    (``branch_labels``), so parts can evolve without a shared chain.
    """
    command.upgrade(alembic_config(engine), revision)


def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on any error.

    On SQLite the transaction takes the write lock at once (``BEGIN IMMEDIATE``): a deferred
    one that read first could not wait for another writer and would fail with "database is
    locked"; an immediate one waits (up to the busy timeout) for its turn.
    """
    with factory() as session, session.begin():
        if session.get_bind().dialect.name == "sqlite":
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        yield session


def is_reachable(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False
