"""score deductions: the 19号 扣分 the office records against a website for a month

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

from mediawatch.store.models import AwareDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "score_deductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_pk", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("indicator", sa.String(length=100), nullable=False),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.Column("withdrawn_at", AwareDateTime(), nullable=True),
        sa.Column("withdraw_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["account_pk"], ["accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_score_deductions_month", "score_deductions", ["month", "account_pk"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_score_deductions_month", table_name="score_deductions")
    op.drop_table("score_deductions")
