"""finder: on SQLite, the full-text row of each programme found by key

Revision ID: finder_0003
Revises: finder_0002

FTS5 cannot index ``programme_search.programme_id`` (it is UNINDEXED), so replacing or
removing one programme's row scanned the whole index: an import took time growing with the
square of its records. ``programme_search_key`` maps each programme to its row of the index.
PostgreSQL's ``programme_search`` already has ``programme_id`` as its primary key.
"""

from alembic import op

revision = "finder_0003"
down_revision = "finder_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE TABLE programme_search_key ("
        "programme_id VARCHAR(80) NOT NULL PRIMARY KEY, "
        "search_rowid INTEGER NOT NULL UNIQUE)"
    )
    op.execute(
        "INSERT OR REPLACE INTO programme_search_key (programme_id, search_rowid) "
        "SELECT programme_id, rowid FROM programme_search"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE programme_search_key")
