"""the roster keeps who corrected a phone and when (ledger_phone_changes)

Revision ID: 0006_zongyang
Revises: 0005_integrity
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_zongyang'
down_revision = '0005_integrity'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'ledger_phone_changes',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('idempotency_key', sa.String(length=200), nullable=False),
        sa.Column('id_number', sa.String(length=18), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('changed_by', sa.String(length=64), nullable=False),
        sa.Column('how', sa.String(length=32), nullable=True),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('idempotency_key'),
    )
    with op.batch_alter_table('ledger_phone_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_phone_changes_id_number'), ['id_number'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ledger_phone_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_phone_changes_id_number'))
    op.drop_table('ledger_phone_changes')
