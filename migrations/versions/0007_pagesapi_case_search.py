"""a clerk finds a case by the person's name: applications.name is indexed (the ID number already is)

Revision ID: 0007_pagesapi_case_search
Revises: 0006_zongyang
"""
from alembic import op


revision = '0007_pagesapi_case_search'
down_revision = '0006_zongyang'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        # a LIKE on a name's beginning uses the btree on PostgreSQL only with the pattern operator class
        batch_op.create_index('ix_applications_name', ['name'], unique=False,
                              postgresql_ops={'name': 'varchar_pattern_ops'})


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_name')
