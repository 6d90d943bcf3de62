"""review: the published statistics and each area's content

Revision ID: review_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "review_0001"
down_revision = None
branch_labels = ("review",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_edition",
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_review_edition")),
    )
    op.create_table(
        "review_area",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("charts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_review_area")),
        sa.UniqueConstraint("slug", name=op.f("uq_review_area_slug")),
    )
    op.create_table(
        "review_area_year",
        sa.Column("area_code", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_code"],
            ["review_area.code"],
            name=op.f("fk_review_area_year_area_code_review_area"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("area_code", "year", name=op.f("pk_review_area_year")),
    )
    op.create_table(
        "review_lad",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("years", sa.JSON(), nullable=False),
        sa.Column("compare", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_review_lad")),
    )
    op.create_table(
        "review_area_lad",
        sa.Column("area_code", sa.String(16), nullable=False),
        sa.Column("lad_code", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_code"],
            ["review_area.code"],
            name=op.f("fk_review_area_lad_area_code_review_area"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lad_code"],
            ["review_lad.code"],
            name=op.f("fk_review_area_lad_lad_code_review_lad"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("area_code", "lad_code", name=op.f("pk_review_area_lad")),
    )
    op.create_table(
        "review_area_content",
        sa.Column("area_code", sa.String(16), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("area_code", name=op.f("pk_review_area_content")),
    )


def downgrade() -> None:
    for table in (
        "review_area_content",
        "review_area_lad",
        "review_lad",
        "review_area_year",
        "review_area",
        "review_edition",
    ):
        op.drop_table(table)
