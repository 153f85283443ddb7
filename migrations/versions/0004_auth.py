"""users carry a token generation: bumping it ends every session of the account at once

Revision ID: 0004_auth
Revises: 0002
Create Date: 2026-12-03 10:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_auth'
down_revision = '0003_scope'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_generation', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('token_generation')
