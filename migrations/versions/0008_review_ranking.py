"""The committee's review list read in its order from an index

Revision ID: 0008_review_ranking
Revises: 0007_adoption
"""
import sqlalchemy as sa
from alembic import op

revision = '0008_review_ranking'
down_revision = '0007_adoption'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_nominations_ranking', 'nominations', ['cycle_id', sa.desc(sa.column('combined_score')), 'id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_nominations_ranking', table_name='nominations')
