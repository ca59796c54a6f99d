"""interaction columns' selectors; the accepted home-page baseline of each website (tampering)

Revision ID: 0007
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

from mediawatch.store.models import AwareDateTime

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("columns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("selectors", sa.JSON(), nullable=True))
    op.create_table(
        "tamper_baselines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_pk", sa.Integer(), nullable=False),
        sa.Column("script_hosts", sa.JSON(), nullable=False),
        sa.Column("frame_lines", sa.JSON(), nullable=False),
        sa.Column("accepted_at", AwareDateTime(), nullable=False),
        sa.Column("accepted_by", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["account_pk"], ["accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_pk", name="uq_tamper_baselines_account"),
    )


def downgrade() -> None:
    op.drop_table("tamper_baselines")
    with op.batch_alter_table("columns", schema=None) as batch_op:
        batch_op.drop_column("selectors")
