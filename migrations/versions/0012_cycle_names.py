"""A cycle has a name in each language

Revision ID: 0012_cycle_names
Revises: 0011_name_prefixes
"""
import sqlalchemy as sa
from alembic import op

revision = '0012_cycle_names'
down_revision = '0011_name_prefixes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('name_fr', sa.String(length=80), nullable=True))
    op.execute("UPDATE cycles SET name_en = name, name_fr = name")
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.alter_column('name_en', existing_type=sa.String(length=80), nullable=False)
        batch_op.alter_column('name_fr', existing_type=sa.String(length=80), nullable=False)
        batch_op.drop_column('name')


def downgrade():
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=80), nullable=True))
    op.execute("UPDATE cycles SET name = name_en")
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.alter_column('name', existing_type=sa.String(length=80), nullable=False)
        batch_op.drop_column('name_fr')
        batch_op.drop_column('name_en')
