"""A cycle has a name in each language

Revision ID: 0012_cycle_names
Revises: 0011_name_prefixes
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = '0012_cycle_names'
down_revision = '0011_name_prefixes'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
