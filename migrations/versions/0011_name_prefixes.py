"""The staff search reads people in name order from the index: every start of every name word, with the folded name

Revision ID: 0011_name_prefixes
Revises: 0010_division_listing_index
"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0011_name_prefixes'
down_revision = '0010_division_listing_index'
branch_labels = None
depends_on = None

BATCH = 5000


def _words(full_name):
    """A name's words as the portal folds them (portal/auth/name_search.py): lowercase ASCII, at most 60 letters."""
    folded = unicodedata.normalize("NFKD", full_name or "").encode("ascii", "ignore").decode().lower()
    return [word[:60] for word in re.findall(r"[a-z0-9]+", folded)]


def _fill(table, rows_of):
    connection = op.get_bind()
    rows = [row for user_id, full_name in connection.execute(sa.text("SELECT id, full_name FROM users"))
            for row in rows_of(user_id, _words(full_name))]
    for start in range(0, len(rows), BATCH):
        connection.execute(table.insert(), rows[start:start + BATCH])


def _prefix_rows(user_id, words):
    sort_name = " ".join(words)[:200]
    prefixes = {word[:length] for word in words for length in range(1, len(word) + 1)}
    return [{"prefix": prefix, "sort_name": sort_name, "user_id": user_id} for prefix in prefixes]


def _word_rows(user_id, words):
    return [{"word": word, "user_id": user_id} for word in set(words)]


def _c_collated(length):
    return sa.String(length=length).with_variant(sa.String(length=length, collation='C'), 'postgresql')


def upgrade():
    table = op.create_table('name_prefixes',
    sa.Column('prefix', _c_collated(60), nullable=False),
    sa.Column('sort_name', _c_collated(200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_name_prefixes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('prefix', 'sort_name', 'user_id', name=op.f('pk_name_prefixes')),
    sqlite_with_rowid=False
    )
    op.create_index(op.f('ix_name_prefixes_user_id'), 'name_prefixes', ['user_id'], unique=False)
    _fill(table, _prefix_rows)
    op.drop_index(op.f('ix_name_words_user_id'), table_name='name_words')
    op.drop_table('name_words')


def downgrade():
    table = op.create_table('name_words',
    sa.Column('word', _c_collated(60), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_name_words_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('word', 'user_id', name=op.f('pk_name_words'))
    )
    op.create_index(op.f('ix_name_words_user_id'), 'name_words', ['user_id'], unique=False)
    _fill(table, _word_rows)
    op.drop_index(op.f('ix_name_prefixes_user_id'), table_name='name_prefixes')
    op.drop_table('name_prefixes')
