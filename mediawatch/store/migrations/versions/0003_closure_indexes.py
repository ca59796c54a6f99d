"""covering indexes for the closure rule and open-warning counts

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("warnings", schema=None) as batch_op:
        batch_op.drop_index("ix_warnings_status_opened")
        batch_op.create_index("ix_warnings_window", ["opened_at", "status", "account_pk"], unique=False)
        batch_op.create_index("ix_warnings_status_account", ["status", "account_pk"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("warnings", schema=None) as batch_op:
        batch_op.drop_index("ix_warnings_status_account")
        batch_op.drop_index("ix_warnings_window")
        batch_op.create_index("ix_warnings_status_opened", ["status", "opened_at"], unique=False)
