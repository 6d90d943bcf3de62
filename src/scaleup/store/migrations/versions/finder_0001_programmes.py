"""finder: programmes, their facets and the full-text index

Revision ID: finder_0001
Revises:

The full-text index is the backend's own: an FTS5 virtual table on SQLite, a tsvector
column with a GIN index on PostgreSQL.
"""

import sqlalchemy as sa
from alembic import op

revision = "finder_0001"
down_revision = None
branch_labels = ("finder",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "programme",
        sa.Column("id", sa.String(80), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("provider", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("eligibility", sa.Text(), nullable=False),
        sa.Column("min_employees", sa.Integer(), nullable=True),
        sa.Column("max_employees", sa.Integer(), nullable=True),
        sa.Column("min_turnover", sa.Integer(), nullable=True),
        sa.Column("cost", sa.String(300), nullable=False),
        sa.Column("starts", sa.Date(), nullable=True),
        sa.Column("ends", sa.Date(), nullable=True),
        sa.Column("contact", sa.String(300), nullable=False),
        sa.Column("updated", sa.Date(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme")),
    )
    op.create_index(op.f("ix_programme_provider"), "programme", ["provider"])
    op.create_table(
        "programme_facet",
        sa.Column("programme_id", sa.String(80), nullable=False),
        sa.Column("facet", sa.String(10), nullable=False),
        sa.Column("value", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_programme_facet_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("programme_id", "facet", "value", name=op.f("pk_programme_facet")),
    )
    op.create_index("ix_programme_facet_value", "programme_facet", ["facet", "value"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE programme_search USING fts5("
            "programme_id UNINDEXED, name, provider, summary, tags, eligibility, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )
    else:
        op.execute(
            "CREATE TABLE programme_search ("
            "programme_id VARCHAR(80) PRIMARY KEY REFERENCES programme (id) ON DELETE CASCADE, "
            "document TSVECTOR NOT NULL)"
        )
        op.execute(
            "CREATE INDEX ix_programme_search_document ON programme_search USING GIN (document)"
        )


def downgrade() -> None:
    op.execute("DROP TABLE programme_search")
    op.drop_table("programme_facet")
    op.drop_table("programme")
