"""checks, observations, probes, warnings, notices, closure, bulletins

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 20:30:46.971516
"""
from alembic import op
import sqlalchemy as sa
import mediawatch.store.models


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bulletins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('written_at', mediawatch.store.models.AwareDateTime(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('bulletins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulletins_month'), ['month'], unique=False)

    op.create_table('check_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('as_of', mediawatch.store.models.AwareDateTime(), nullable=False),
    sa.Column('started_at', mediawatch.store.models.AwareDateTime(), nullable=False),
    sa.Column('finished_at', mediawatch.store.models.AwareDateTime(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('scope', sa.JSON(), nullable=False),
    sa.Column('stats', sa.JSON(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('check_runs', schema=None) as batch_op:
        batch_op.create_index('ix_check_runs_kind_as_of', ['kind', 'as_of'], unique=False)

    op.create_table('daemon_lock',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('acquired_at', mediawatch.store.models.AwareDateTime(), nullable=False),
    sa.Column('heartbeat_at', mediawatch.store.models.AwareDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('account_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('account_pk', sa.Integer(), nullable=False),
    sa.Column('as_of', mediawatch.store.models.AwareDateTime(), nullable=False),
    sa.Column('checked_at', mediawatch.store.models.AwareDateTime(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('failure', sa.Text(), nullable=True),
    sa.Column('network_failure', sa.Boolean(), nullable=False),
    sa.Column('evaluated_at', mediawatch.store.models.AwareDateTime(), nullable=True),
    sa.Column('verdicts', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['account_pk'], ['accounts.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['check_runs.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('run_id', 'account_pk', name='uq_account_checks_run_account')
    )
    with op.batch_alter_table('account_checks', schema=None) as batch_op:
        batch_op.create_index('ix_account_checks_account_as_of', ['account_pk', 'as_of'], unique=False)

    op.create_table('closure_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_pk', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('decided_at', mediawatch.store.models.AwareDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_pk'], ['accounts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('closure_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_closure_decisions_account_pk'), ['account_pk'], unique=False)

    op.create_table('observations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('account_pk', sa.Integer(), nullable=False),
    sa.Column('as_of', mediawatch.store.models.AwareDateTime(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('target', sa.Text(), nullable=True),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('error_kind', sa.String(length=32), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['account_pk'], ['accounts.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['check_runs.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.create_index('ix_observations_account_kind', ['account_pk', 'kind', 'as_of'], unique=False)
        batch_op.create_index(batch_op.f('ix_observations_run_id'), ['run_id'], unique=False)

    op.create_table('probes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_pk', sa.Integer(), nullable=False),
    sa.Column('at', mediawatch.store.models.AwareDateTime(), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('elapsed_ms', sa.Float(), nullable=True),
    sa.Column('error_kind', sa.String(length=32), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('network_ok', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['account_pk'], ['accounts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('probes', schema=None) as batch_op:
        batch_op.create_index('ix_probes_account_at', ['account_pk', 'at'], unique=False)

    op.create_table('warnings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_pk', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opened_at', mediawatch.store.models.AwareDateTime(), nullable=False),
    sa.Column('resolved_at', mediawatch.store.models.AwareDateTime(), nullable=True),
    sa.Column('revoked_at', mediawatch.store.models.AwareDateTime(), nullable=True),
    sa.Column('deadline', mediawatch.store.models.AwareDateTime(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=True),
    sa.Column('opened_run_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', mediawatch.store.models.AwareDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_pk'], ['accounts.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opened_run_id'], ['check_runs.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source', 'external_id', name='uq_warnings_source_external')
    )
    with op.batch_alter_table('warnings', schema=None) as batch_op:
        batch_op.create_index('ix_warnings_account_opened', ['account_pk', 'opened_at'], unique=False)
        batch_op.create_index('ix_warnings_status_opened', ['status', 'opened_at'], unique=False)
        batch_op.create_index('uq_warnings_open', ['account_pk', 'rule'], unique=True, sqlite_where=sa.text("status = 'open' AND source = 'mediawatch'"), postgresql_where=sa.text("status = 'open' AND source = 'mediawatch'"))

    op.create_table('notice_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('warning_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('owner_unit', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', mediawatch.store.models.AwareDateTime(), nullable=False),
    sa.Column('sent_at', mediawatch.store.models.AwareDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('path', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['warning_id'], ['warnings.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('warning_id', 'kind', 'recipient', name='uq_notice_delivery')
    )
    with op.batch_alter_table('notice_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_deliveries_warning_id'), ['warning_id'], unique=False)

    op.create_table('warning_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('warning_id', sa.Integer(), nullable=False),
    sa.Column('at', mediawatch.store.models.AwareDateTime(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['check_runs.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['warning_id'], ['warnings.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('warning_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_warning_events_warning_id'), ['warning_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('warning_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_warning_events_warning_id'))

    op.drop_table('warning_events')
    with op.batch_alter_table('notice_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_deliveries_warning_id'))

    op.drop_table('notice_deliveries')
    with op.batch_alter_table('warnings', schema=None) as batch_op:
        batch_op.drop_index('uq_warnings_open', sqlite_where=sa.text("status = 'open' AND source = 'mediawatch'"), postgresql_where=sa.text("status = 'open' AND source = 'mediawatch'"))
        batch_op.drop_index('ix_warnings_status_opened')
        batch_op.drop_index('ix_warnings_account_opened')

    op.drop_table('warnings')
    with op.batch_alter_table('probes', schema=None) as batch_op:
        batch_op.drop_index('ix_probes_account_at')

    op.drop_table('probes')
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_observations_run_id'))
        batch_op.drop_index('ix_observations_account_kind')

    op.drop_table('observations')
    with op.batch_alter_table('closure_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_closure_decisions_account_pk'))

    op.drop_table('closure_decisions')
    with op.batch_alter_table('account_checks', schema=None) as batch_op:
        batch_op.drop_index('ix_account_checks_account_as_of')

    op.drop_table('account_checks')
    op.drop_table('daemon_lock')
    with op.batch_alter_table('check_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_check_runs_kind_as_of')

    op.drop_table('check_runs')
    with op.batch_alter_table('bulletins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulletins_month'))

    op.drop_table('bulletins')
