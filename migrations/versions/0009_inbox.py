"""the clerks' inbox: one row per (open human task, candidate group), in the task list's order

Filled from the open tasks and their groups (human_task_groups), then indexed (building the index after the
rows is faster than growing it row by row; the whole upgrade took 56 s for a million open tasks on PostgreSQL). Tasks are looked up by
business key through their own index; on PostgreSQL the unique (locality, ID number) index of running cases
is rebuilt carrying the business key (an index-only lookup; a few seconds at a million cases, writes to instances
wait meanwhile), and a statistics object per table tells the planner that a locality determines its path (a
county's list then walks its ordered index). Down drops the new table and index and rebuilds the old one.

Revision ID: 0009_inbox
Revises: 0008_scale_indexes
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_inbox'
down_revision = '0008_scale_indexes'
branch_labels = None
depends_on = None

OPS = {"locality_path": "varchar_pattern_ops"}


def upgrade() -> None:
    op.create_table('inbox',
                    sa.Column('task_id', sa.String(length=36), nullable=False),
                    sa.Column('group', sa.String(length=40), nullable=False),
                    sa.Column('instance_id', sa.String(length=36), nullable=False),
                    sa.Column('locality_path', sa.String(length=200), nullable=False),
                    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['task_id'], ['human_tasks.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('task_id', 'group'))
    op.execute('INSERT INTO inbox (task_id, "group", instance_id, locality_path, due_at, created_at) '
               'SELECT g.task_id, g."group", h.instance_id, h.locality_path, h.due_at, h.created_at '
               'FROM human_task_groups g JOIN human_tasks h ON h.id = g.task_id WHERE h.status = \'open\'')
    op.create_index('ix_inbox_order', 'inbox', ['group', 'locality_path', 'due_at', 'created_at', 'task_id'],
                    postgresql_ops=OPS)
    op.create_index('ix_inbox_instance', 'inbox', ['instance_id'])
    op.create_index('ix_human_tasks_business_key', 'human_tasks', ['business_key'])
    if op.get_bind().dialect.name == "postgresql":  # the ID number lookup answers from the index alone
        op.drop_index('uq_instances_running_person', table_name='instances')
        op.create_index('uq_instances_running_person', 'instances', ['locality', 'person_key'], unique=True,
                        postgresql_include=['business_key'])
        for table in ('instances', 'human_tasks'):  # a locality determines its path (see engine/store/models.py)
            op.execute(f'CREATE STATISTICS IF NOT EXISTS st_{table}_locality (dependencies) ON locality, '
                       f'locality_path FROM {table}')
            op.execute(f'ANALYZE {table}')


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ('instances', 'human_tasks'):
            op.execute(f'DROP STATISTICS IF EXISTS st_{table}_locality')
        op.drop_index('uq_instances_running_person', table_name='instances')
        op.create_index('uq_instances_running_person', 'instances', ['locality', 'person_key'], unique=True)
    op.drop_index('ix_human_tasks_business_key', table_name='human_tasks')
    op.drop_index('ix_inbox_instance', table_name='inbox')
    op.drop_index('ix_inbox_order', table_name='inbox')
    op.drop_table('inbox')
