"""reaching the owners: contacts, reminders and their deliveries, feedback (整改反馈), 报备 windows

Revision ID: 0009
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

from mediawatch.store.models import AwareDateTime

revision = "0009"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_unit", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=320), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_unit", "channel", "target", name="uq_contacts_unit_channel_target"),
    )
    op.create_index("ix_contacts_owner_unit", "contacts", ["owner_unit"], unique=False)
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_unit", sa.String(length=200), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_unit", "day", name="uq_reminders_unit_day"),
    )
    op.create_index("ix_reminders_day", "reminders", ["day"], unique=False)
    op.create_table(
        "reminder_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.Column("sent_at", AwareDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["reminder_id"], ["reminders.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reminder_id", "recipient", name="uq_reminder_delivery"),
    )
    op.create_index("ix_reminder_deliveries_reminder_id", "reminder_deliveries", ["reminder_id"], unique=False)
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warning_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", AwareDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["warning_id"], ["warnings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_feedback_warning_id", "feedback", ["warning_id"], unique=False)
    op.create_table(
        "maintenance_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_pk", sa.Integer(), nullable=False),
        sa.Column("starts_at", AwareDateTime(), nullable=False),
        sa.Column("ends_at", AwareDateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.Column("ended_at", AwareDateTime(), nullable=True),
        sa.Column("ended_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["account_pk"], ["accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_maintenance_account_span", "maintenance_windows", ["account_pk", "starts_at", "ends_at"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_maintenance_account_span", table_name="maintenance_windows")
    op.drop_table("maintenance_windows")
    op.drop_index("ix_feedback_warning_id", table_name="feedback")
    op.drop_table("feedback")
    op.drop_index("ix_reminder_deliveries_reminder_id", table_name="reminder_deliveries")
    op.drop_table("reminder_deliveries")
    op.drop_index("ix_reminders_day", table_name="reminders")
    op.drop_table("reminders")
    op.drop_index("ix_contacts_owner_unit", table_name="contacts")
    op.drop_table("contacts")
