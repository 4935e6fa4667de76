"""A division's staff listed by name from the index alone: e-mail and start date join the name index

Revision ID: 0010_division_listing_index
Revises: 0009_tally_marks
"""
from alembic import op

revision = '0010_division_listing_index'
down_revision = '0009_tally_marks'
branch_labels = None
depends_on = None

LISTED = ['division_id', 'active', 'full_name', 'id']


def upgrade():
    op.create_index('ix_users_division_listing', 'users', [*LISTED, 'email', 'start_date'])
    op.drop_index('ix_users_division_active_name', table_name='users')


def downgrade():
    op.create_index('ix_users_division_active_name', 'users', LISTED)
    op.drop_index('ix_users_division_listing', table_name='users')
