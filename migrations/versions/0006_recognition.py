"""Recognition: award programmes, cycles, nominations, review and the name index

Revision ID: 0006_recognition
Revises: 0005_mail_outbox
"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0006_recognition'
down_revision = '0005_mail_outbox'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('scope', sa.Enum('city', 'division', name='scope', native_enum=False, length=20), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
    sa.UniqueConstraint('slug', name=op.f('uq_programmes_slug'))
    )
    op.create_table('cycles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('division_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('chair_id', sa.Integer(), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['chair_id'], ['users.id'], name=op.f('fk_cycles_chair_id_users')),
    sa.ForeignKeyConstraint(['division_id'], ['divisions.id'], name=op.f('fk_cycles_division_id_divisions')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_cycles_opened_by_id_users')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_cycles_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cycles'))
    )
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cycles_division_id'), ['division_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cycles_programme_id'), ['programme_id'], unique=False)

    op.create_table('name_words',
    sa.Column('word', sa.String(length=60).with_variant(sa.String(length=60, collation='C'), 'postgresql'), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_name_words_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('word', 'user_id', name=op.f('pk_name_words'))
    )
    with op.batch_alter_table('name_words', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_name_words_user_id'), ['user_id'], unique=False)
    _index_names()

    op.create_table('committee_members',
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_committee_members_cycle_id_cycles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_committee_members_user_id_users')),
    sa.PrimaryKeyConstraint('cycle_id', 'user_id', name=op.f('pk_committee_members'))
    )
    with op.batch_alter_table('committee_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_members_user_id'), ['user_id'], unique=False)

    op.create_table('nominations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('nominator_id', sa.Integer(), nullable=False),
    sa.Column('nominator_division_id', sa.Integer(), nullable=True),
    sa.Column('category_key', sa.String(length=60), nullable=True),
    sa.Column('team_name', sa.String(length=120), nullable=True),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('state', sa.Enum('draft', 'submitted', 'shortlisted', 'awarded', 'not_awarded', 'withdrawn', name='nominationstate', native_enum=False, length=20), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('combined_score', sa.Double(), nullable=True),
    sa.Column('reviewer_count', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.String(length=500), nullable=True),
    sa.Column('story_published', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_nominations_cycle_id_cycles')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_nominations_decided_by_id_users')),
    sa.ForeignKeyConstraint(['nominator_division_id'], ['divisions.id'], name=op.f('fk_nominations_nominator_division_id_divisions')),
    sa.ForeignKeyConstraint(['nominator_id'], ['users.id'], name=op.f('fk_nominations_nominator_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nominations'))
    )
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.create_index('ix_nominations_cycle_state_score', ['cycle_id', 'state', 'combined_score'], unique=False)
        batch_op.create_index('ix_nominations_nominator', ['nominator_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_nominations_nominator_division_id'), ['nominator_division_id'], unique=False)
        batch_op.create_index('ix_nominations_story', ['story_published', 'decided_at'], unique=False)

    op.create_table('conflicts',
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('declared_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['nomination_id'], ['nominations.id'], name=op.f('fk_conflicts_nomination_id_nominations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_conflicts_reviewer_id_users')),
    sa.PrimaryKeyConstraint('nomination_id', 'reviewer_id', name=op.f('pk_conflicts'))
    )
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflicts_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('nominees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('nominator_id', sa.Integer(), nullable=False),
    sa.Column('category_key', sa.String(length=60), nullable=True),
    sa.Column('division_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_nominees_cycle_id_cycles')),
    sa.ForeignKeyConstraint(['division_id'], ['divisions.id'], name=op.f('fk_nominees_division_id_divisions')),
    sa.ForeignKeyConstraint(['nomination_id'], ['nominations.id'], name=op.f('fk_nominees_nomination_id_nominations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['nominator_id'], ['users.id'], name=op.f('fk_nominees_nominator_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_nominees_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nominees')),
    sa.UniqueConstraint('nomination_id', 'user_id', name=op.f('uq_nominees_nomination_id_user_id'))
    )
    with op.batch_alter_table('nominees', schema=None) as batch_op:
        batch_op.create_index('ix_nominees_division_cycle', ['division_id', 'cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nominees_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_nominees_once_per_category', ['cycle_id', 'category_key', 'nominator_id', 'user_id'], unique=True, sqlite_where=sa.text('withdrawn = 0 AND category_key IS NOT NULL'), postgresql_where=sa.text('NOT withdrawn AND category_key IS NOT NULL'))

    op.create_table('scores',
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('criterion_key', sa.String(length=60), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('scored_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['nomination_id'], ['nominations.id'], name=op.f('fk_scores_nomination_id_nominations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_scores_reviewer_id_users')),
    sa.PrimaryKeyConstraint('nomination_id', 'reviewer_id', 'criterion_key', name=op.f('pk_scores'))
    )


def downgrade():
    op.drop_table('scores')
    with op.batch_alter_table('nominees', schema=None) as batch_op:
        batch_op.drop_index('uq_nominees_once_per_category', sqlite_where=sa.text('withdrawn = 0 AND category_key IS NOT NULL'), postgresql_where=sa.text('NOT withdrawn AND category_key IS NOT NULL'))
        batch_op.drop_index(batch_op.f('ix_nominees_user_id'))
        batch_op.drop_index('ix_nominees_division_cycle')

    op.drop_table('nominees')
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflicts_reviewer_id'))

    op.drop_table('conflicts')
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.drop_index('ix_nominations_story')
        batch_op.drop_index(batch_op.f('ix_nominations_nominator_division_id'))
        batch_op.drop_index('ix_nominations_nominator')
        batch_op.drop_index('ix_nominations_cycle_state_score')

    op.drop_table('nominations')
    with op.batch_alter_table('committee_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_members_user_id'))

    op.drop_table('committee_members')
    with op.batch_alter_table('name_words', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_name_words_user_id'))

    op.drop_table('name_words')
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cycles_programme_id'))
        batch_op.drop_index(batch_op.f('ix_cycles_division_id'))

    op.drop_table('cycles')
    op.drop_table('programmes')


def _index_names():
    """The words of every existing name, folded as the portal folds them (portal/auth/name_search.py)."""
    connection = op.get_bind()
    rows = []
    for user_id, full_name in connection.execute(sa.text("SELECT id, full_name FROM users")):
        folded = unicodedata.normalize("NFKD", full_name or "").encode("ascii", "ignore").decode().lower()
        rows += [{"word": word[:60], "user_id": user_id} for word in set(re.findall(r"[a-z0-9]+", folded))]
    if rows:
        connection.execute(sa.text("INSERT INTO name_words (word, user_id) VALUES (:word, :user_id)"), rows)
