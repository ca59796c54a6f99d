"""index warning events by run (a run's totals are counted from its events)

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("warning_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_warning_events_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("warning_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_warning_events_run_id"))
