"""review: several editions in one store (every row of the review belongs to an edition)

The single edition of review_0001 (key ``"current"``) becomes the edition named by its year;
its statistics and every area's content are kept. The tables are small (one row per area,
LAD and year), so they are read, dropped, made again with the edition in their keys, and
written back: the same steps on SQLite and PostgreSQL.

Revision ID: review_0002
Revises: review_0001
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "review_0002"
down_revision = "review_0001"
branch_labels = None
depends_on = None

OLD = ("review_area_lad", "review_area_year", "review_lad", "review_area", "review_edition")


def _rows(table: str) -> list[dict[str, Any]]:
    meta = sa.MetaData()
    reflected = sa.Table(table, meta, autoload_with=op.get_bind())
    for column in reflected.columns:
        if column.name in ("meta", "summary", "charts", "values", "years", "compare", "content"):
            column.type = sa.JSON()
    return [dict(r._mapping) for r in op.get_bind().execute(sa.select(reflected))]


def upgrade() -> None:
    saved = {table: _rows(table) for table in (*OLD, "review_area_content")}
    editions = saved["review_edition"]
    key = str(editions[0]["year"]) if editions else None
    for table in (*OLD, "review_area_content"):
        op.drop_table(table)
    _create()
    if key is None:  # nothing was ever built: content is only ever stored by a build
        saved = {table: [] for table in saved}
    for table in ("review_edition", "review_area", "review_lad", "review_area_year",
                  "review_area_lad", "review_area_content"):  # fmt: skip
        rows = saved[table]
        if table == "review_edition":
            rows = [{**r, "key": key} for r in rows]
        else:
            rows = [{**r, "edition": key} for r in rows]
        if rows:
            op.bulk_insert(_table(table), rows)


def _table(name: str) -> sa.Table:
    return sa.Table(name, sa.MetaData(), autoload_with=op.get_bind())


def _create() -> None:
    edition = sa.String(16)
    op.create_table(
        "review_edition",
        sa.Column("key", edition, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_review_edition")),
    )
    op.create_table(
        "review_area",
        sa.Column("edition", edition, nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("charts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition"],
            ["review_edition.key"],
            name=op.f("fk_review_area_edition_review_edition"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("edition", "code", name=op.f("pk_review_area")),
        sa.UniqueConstraint("edition", "slug", name=op.f("uq_review_area_edition")),
    )
    op.create_table(
        "review_area_year",
        sa.Column("edition", edition, nullable=False),
        sa.Column("area_code", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition", "area_code"],
            ["review_area.edition", "review_area.code"],
            name=op.f("fk_review_area_year_edition_review_area"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("edition", "area_code", "year", name=op.f("pk_review_area_year")),
    )
    op.create_table(
        "review_lad",
        sa.Column("edition", edition, nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("years", sa.JSON(), nullable=False),
        sa.Column("compare", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition"],
            ["review_edition.key"],
            name=op.f("fk_review_lad_edition_review_edition"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("edition", "code", name=op.f("pk_review_lad")),
    )
    op.create_table(
        "review_area_lad",
        sa.Column("edition", edition, nullable=False),
        sa.Column("area_code", sa.String(16), nullable=False),
        sa.Column("lad_code", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition", "area_code"],
            ["review_area.edition", "review_area.code"],
            name=op.f("fk_review_area_lad_edition_review_area"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["edition", "lad_code"],
            ["review_lad.edition", "review_lad.code"],
            name=op.f("fk_review_area_lad_edition_review_lad"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint(
            "edition", "area_code", "lad_code", name=op.f("pk_review_area_lad")
        ),
    )
    op.create_table(
        "review_area_content",
        sa.Column("edition", edition, nullable=False),
        sa.Column("area_code", sa.String(16), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("edition", "area_code", name=op.f("pk_review_area_content")),
    )


def downgrade() -> None:
    raise NotImplementedError("review_0002 is not reversible: editions cannot be merged back")
