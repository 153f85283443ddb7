"""audit rows remember the locality path and the case they concern, so an auditor reads their own subtree

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


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locality_path', sa.String(length=200), nullable=False, server_default='/000000/'))  # old rows: national auditors only
        batch_op.add_column(sa.Column('instance_id', sa.String(length=36), nullable=True))
        batch_op.create_index('ix_audit_log_scope', ['locality_path', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_instance_id'), ['instance_id'], unique=False)
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.alter_column('locality_path', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_instance_id'))
        batch_op.drop_index('ix_audit_log_scope')
        batch_op.drop_column('instance_id')
        batch_op.drop_column('locality_path')
