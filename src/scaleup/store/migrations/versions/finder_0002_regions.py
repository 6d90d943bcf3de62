"""finder: the regions and nations, and the region of each review LAD

Revision ID: finder_0002
Revises: finder_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "finder_0002"
down_revision = "finder_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "finder_region",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("vintage", sa.String(8), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_finder_region")),
    )
    op.create_table(
        "finder_region_lad",
        sa.Column("lad_code", sa.String(16), nullable=False),
        sa.Column("region_code", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"],
            ["finder_region.code"],
            name=op.f("fk_finder_region_lad_region_code_finder_region"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("lad_code", name=op.f("pk_finder_region_lad")),
    )
    op.create_index(op.f("ix_finder_region_lad_region_code"), "finder_region_lad", ["region_code"])


def downgrade() -> None:
    op.drop_index(op.f("ix_finder_region_lad_region_code"), table_name="finder_region_lad")
    op.drop_table("finder_region_lad")
    op.drop_table("finder_region")
