"""Tally marks: how many times a kind of tally changed, so the pages drawn from it keep their tables until it does

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
