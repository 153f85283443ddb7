"""indexes that keep the lists fast at a million cases: the inbox order, newest cases, incidents, ended cases

Revision ID: 0008_scale_indexes
Revises: 0006_zongyang
"""
from alembic import op


revision = '0008_scale_indexes'
down_revision = '0007_pagesapi_case_search'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_human_tasks_due')
        batch_op.create_index('ix_human_tasks_inbox', ['status', 'due_at', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_human_tasks_locality_inbox', ['status', 'locality', 'due_at', 'created_at', 'id'],
                              unique=False)
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.create_index('ix_instances_recent', ['started_at', 'id'], unique=False)
        batch_op.create_index('ix_instances_status_recent', ['status', 'started_at', 'id'], unique=False)
        batch_op.create_index('ix_instances_locality_recent', ['locality', 'status', 'started_at', 'id'], unique=False)
        batch_op.create_index('ix_instances_ended', ['ended_at'], unique=False)
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_incidents', ['status', 'updated_at', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_incidents')
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.drop_index('ix_instances_ended')
        batch_op.drop_index('ix_instances_locality_recent')
        batch_op.drop_index('ix_instances_status_recent')
        batch_op.drop_index('ix_instances_recent')
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_human_tasks_locality_inbox')
        batch_op.drop_index('ix_human_tasks_inbox')
        batch_op.create_index('ix_human_tasks_due', ['status', 'due_at'], unique=False)
