"""Attestation tallies: counts per division kept with each change; staff of a division by name

Revision ID: 0002_attestation_tallies
Revises: 0001_foundation
"""
import sqlalchemy as sa
from alembic import op

revision = '0002_attestation_tallies'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('division_tallies',
    sa.Column('division_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['division_id'], ['divisions.id'], name=op.f('fk_division_tallies_division_id_divisions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('division_id', 'name', name=op.f('pk_division_tallies'))
    )
    op.create_index('ix_users_division_active_name', 'users', ['division_id', 'active', 'full_name', 'id'])


def downgrade():
    op.drop_index('ix_users_division_active_name', table_name='users')
    op.drop_table('division_tallies')
