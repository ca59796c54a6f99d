"""warnings indexed by (resolved_at, opened_at, status, account_pk): the warnings that meet a month

The bulletin reads, for each of its twelve months, the warnings open at some time in the month
(opened before its end, not resolved before its start). With this covering index SQLite answers
"resolved_at IS NULL OR resolved_at > start" from two index ranges instead of walking every
warning opened before the month's end and reading its row.

Revision ID: 0011
Revises: 0010
"""
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_warnings_resolved_opened", "warnings", ["resolved_at", "opened_at", "status", "account_pk"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_warnings_resolved_opened", table_name="warnings")
