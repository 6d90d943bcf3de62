"""accounts: browser sessions in the store, an atomic sign-in throttle, unchecked attempts

Revision ID: accounts_0002
Revises: accounts_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "accounts_0002"
down_revision = "accounts_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["account_user.id"],
            name=op.f("fk_account_session_user_id_account_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_session_token_hash")),
    )
    op.create_index(op.f("ix_account_session_user_id"), "account_session", ["user_id"])
    op.create_index(op.f("ix_account_session_expires"), "account_session", ["expires"])
    op.create_table(
        "account_throttle",
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("key", sa.String(254), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_account_throttle")),
    )
    with op.batch_alter_table("account_sign_in") as batch:
        batch.add_column(
            sa.Column("checked", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("account_sign_in") as batch:
        batch.drop_column("checked")
    op.drop_table("account_throttle")
    op.drop_table("account_session")
