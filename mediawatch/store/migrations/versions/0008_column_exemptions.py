"""column exemptions: columns the office exempts from the 19号 column counts for a period

Revision ID: 0008
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

from mediawatch.store.models import AwareDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "column_exemptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_pk", sa.Integer(), nullable=False),
        sa.Column("column_pk", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.Column("ended_at", AwareDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["account_pk"], ["accounts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["column_pk"], ["columns.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_column_exemptions_account", "column_exemptions", ["account_pk", "starts_on"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_column_exemptions_account", table_name="column_exemptions")
    op.drop_table("column_exemptions")
