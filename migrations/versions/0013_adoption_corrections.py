"""Adoption: reserved for this change's schema (a returned report keeps its first hand-in)

Revision ID: 0013_adoption_corrections
Revises: 0012_cycle_names
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = '0013_adoption_corrections'
down_revision = '0012_cycle_names'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
