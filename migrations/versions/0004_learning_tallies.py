"""Learning tallies: per-division module figures and due dates kept with each change

Revision ID: 0004_learning_tallies
Revises: 0003_learning
"""
import sqlalchemy as sa
from alembic import op

revision = '0004_learning_tallies'
down_revision = '0003_learning'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('learning_tallies',
    sa.Column('division_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['division_id'], ['divisions.id'], name=op.f('fk_learning_tallies_division_id_divisions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('division_id', 'name', name=op.f('pk_learning_tallies'))
    )
    op.create_table('learning_dues',
    sa.Column('division_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['division_id'], ['divisions.id'], name=op.f('fk_learning_dues_division_id_divisions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('division_id', 'name', 'due_on', name=op.f('pk_learning_dues'))
    )


def downgrade():
    op.drop_table('learning_dues')
    op.drop_table('learning_tallies')
