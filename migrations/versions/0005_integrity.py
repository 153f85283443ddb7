"""money and people: one running retirement per person and locality, one pension award and one housing-fund
withdrawal per person, the housing-fund payee card kept by the centre

Revision ID: 0005_integrity
Revises: 0004_auth
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_integrity'
down_revision = '0004_auth'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_key', sa.String(length=40), nullable=True))
        batch_op.create_index('uq_instances_running_person', ['locality', 'person_key'], unique=True)
    with op.batch_alter_table('ledger_pension_awards', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_ledger_pension_awards_person', ['id_number'])
    with op.batch_alter_table('ledger_housing_fund_accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bank_card', sa.String(length=32), nullable=True))
    with op.batch_alter_table('ledger_housing_fund_withdrawals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_number', sa.String(length=18), nullable=True))
        batch_op.create_unique_constraint('ledger_housing_fund_withdrawals_id_number_key', ['id_number'])


def downgrade() -> None:
    with op.batch_alter_table('ledger_housing_fund_withdrawals', schema=None) as batch_op:
        batch_op.drop_constraint('ledger_housing_fund_withdrawals_id_number_key', type_='unique')
        batch_op.drop_column('id_number')
    with op.batch_alter_table('ledger_housing_fund_accounts', schema=None) as batch_op:
        batch_op.drop_column('bank_card')
    with op.batch_alter_table('ledger_pension_awards', schema=None) as batch_op:
        batch_op.drop_constraint('uq_ledger_pension_awards_person', type_='unique')
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.drop_index('uq_instances_running_person')
        batch_op.drop_column('person_key')
