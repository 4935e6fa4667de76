"""The staff search sorts by each name's ICU sort key (CLDR root order, as hex) instead of its folded words, so it
lists people in the order the other lists now use; no change to the schema, only the sort_name of every row

Revision ID: 0014_name_collation
Revises: 0013_adoption_corrections
"""
import re
import unicodedata

import icu
import sqlalchemy as sa
from alembic import op

revision = '0014_name_collation'
down_revision = '0013_adoption_corrections'
branch_labels = None
depends_on = None

SORT_NAME_LENGTH = 200


def _folded(full_name):
    """As the portal folded names before this revision: lowercase ASCII words."""
    folded = unicodedata.normalize("NFKD", full_name or "").encode("ascii", "ignore").decode().lower()
    return " ".join(word[:60] for word in re.findall(r"[a-z0-9]+", folded))[:SORT_NAME_LENGTH]


def _rewrite(sort_name_of):
    connection = op.get_bind()
    people = connection.execute(sa.text("SELECT id, full_name FROM users")).all()
    update = sa.text("UPDATE name_prefixes SET sort_name = :sort_name WHERE user_id = :user_id")
    rows = [{"sort_name": sort_name_of(full_name), "user_id": user_id} for user_id, full_name in people]
    for start in range(0, len(rows), 5000):
        connection.execute(update, rows[start:start + 5000])


def upgrade():
    collator = icu.Collator.createInstance(icu.Locale.getRoot())
    _rewrite(lambda full_name: collator.getSortKey(full_name or "").hex()[:SORT_NAME_LENGTH])


def downgrade():
    _rewrite(_folded)
