"""audit rows remember the locality path and the case they concern, so an auditor reads their own subtree; on
PostgreSQL the locality-path indexes use varchar_pattern_ops so that a subtree's LIKE prefix is an index scan

Revision ID: 0003_scope
Revises: 0002
Create Date: 2026-12-03 10:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_scope'
down_revision = '0002'
branch_labels = None
depends_on = None

# (index, table, columns): the locality_path column gets the pattern operator class on PostgreSQL
PREFIX_INDEXES = [
    ("ix_instances_scope", "instances", ["locality_path", "status"]),
    ("ix_human_tasks_scope", "human_tasks", ["status", "locality_path"]),
    ("ix_items_report", "items", ["state", "locality_path", "completed_at"]),
    ("ix_applications_scope", "applications", ["locality_path", "created_at"]),
]
OPS = {"locality_path": "varchar_pattern_ops"}


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        # old rows: national auditors only
        batch_op.add_column(sa.Column('locality_path', sa.String(length=200), nullable=False,
                                      server_default='/000000/'))
        batch_op.add_column(sa.Column('instance_id', sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_log_instance_id'), ['instance_id'], unique=False)
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.alter_column('locality_path', server_default=None)
    op.create_index('ix_audit_log_scope', 'audit_log', ['locality_path', 'id'], postgresql_ops=OPS)
    if op.get_bind().dialect.name == "postgresql":
        for name, table, columns in PREFIX_INDEXES:
            op.drop_index(name, table_name=table)
            op.create_index(name, table, columns, postgresql_ops=OPS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, table, columns in PREFIX_INDEXES:
            op.drop_index(name, table_name=table)
            op.create_index(name, table, columns)
    op.drop_index('ix_audit_log_scope', table_name='audit_log')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_instance_id'))
        batch_op.drop_column('instance_id')
        batch_op.drop_column('locality_path')
