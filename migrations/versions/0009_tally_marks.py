"""Tally marks: how many times the question tallies changed, so item analysis keeps its tables until they do

Revision ID: 0009_tally_marks
Revises: 0008_review_ranking
"""
import sqlalchemy as sa
from alembic import op

revision = '0009_tally_marks'
down_revision = '0008_review_ranking'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tally_marks',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('mark', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_tally_marks'))
    )


def downgrade():
    op.drop_table('tally_marks')
