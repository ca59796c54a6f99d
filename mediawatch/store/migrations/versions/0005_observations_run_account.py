"""observations indexed by (run, account): the rules read one account's observations of one run

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.drop_index("ix_observations_run_id")
        batch_op.create_index("ix_observations_run_account", ["run_id", "account_pk"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.drop_index("ix_observations_run_account")
        batch_op.create_index("ix_observations_run_id", ["run_id"], unique=False)
