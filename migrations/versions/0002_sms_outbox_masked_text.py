"""sms outbox keeps a masked copy of each text (lists show it, never the names in the sent text)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 23:08:14.731432
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ledger_sms_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_masked', sa.String(length=1000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ledger_sms_outbox', schema=None) as batch_op:
        batch_op.drop_column('text_masked')

