"""Learning: modules, lessons, question banks, attempts, certificates, question tallies

Revision ID: 0003_learning
Revises: 0002_attestation_tallies
"""
import sqlalchemy as sa
from alembic import op

revision = '0003_learning'
down_revision = '0002_attestation_tallies'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('modules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_modules')),
    sa.UniqueConstraint('slug', name=op.f('uq_modules_slug'))
    )
    op.create_table('module_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('major', sa.Integer(), nullable=False),
    sa.Column('minor', sa.Integer(), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('change', sa.String(length=10), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('audience', sa.String(length=100), nullable=False),
    sa.Column('due_within_days', sa.Integer(), nullable=False),
    sa.Column('pass_mark', sa.Integer(), nullable=False),
    sa.Column('attempts_allowed', sa.Integer(), nullable=False),
    sa.Column('questions_per_attempt', sa.Integer(), nullable=False),
    sa.Column('attests', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_module_versions_module_id_modules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_module_versions')),
    sa.UniqueConstraint('module_id', 'major', 'minor', name=op.f('uq_module_versions_module_id_major_minor'))
    )
    with op.batch_alter_table('module_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_module_versions_module_id'), ['module_id'], unique=False)

    op.create_table('attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_attempts_module_id_modules')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_attempts_user_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['module_versions.id'], name=op.f('fk_attempts_version_id_module_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempts')),
    sa.UniqueConstraint('user_id', 'version_id', 'number', name=op.f('uq_attempts_user_id_version_id_number'))
    )
    op.create_table('lessons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('body_html', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['module_versions.id'], name=op.f('fk_lessons_version_id_module_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lessons')),
    sa.UniqueConstraint('version_id', 'position', name=op.f('uq_lessons_version_id_position'))
    )
    op.create_table('questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.Enum('single', 'multiple', 'true_false', 'scenario', name='questionkind', native_enum=False, length=20), nullable=False),
    sa.Column('prompt', sa.JSON(), nullable=False),
    sa.Column('scenario', sa.String(length=40), nullable=True),
    sa.Column('scenario_feedback', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['module_versions.id'], name=op.f('fk_questions_version_id_module_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions')),
    sa.UniqueConstraint('version_id', 'key', name=op.f('uq_questions_version_id_key'))
    )
    op.create_table('attempt_questions',
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=True),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('chosen', sa.JSON(), nullable=True),
    sa.Column('correct', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_attempt_questions_attempt_id_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_attempt_questions_question_id_questions')),
    sa.PrimaryKeyConstraint('attempt_id', 'position', name=op.f('pk_attempt_questions'))
    )
    with op.batch_alter_table('attempt_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_questions_question_id'), ['question_id'], unique=False)

    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('major', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_certificates_attempt_id_attempts')),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_certificates_module_id_modules')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_certificates_user_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['module_versions.id'], name=op.f('fk_certificates_version_id_module_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('attempt_id', name=op.f('uq_certificates_attempt_id')),
    sa.UniqueConstraint('code', name=op.f('uq_certificates_code')),
    sa.UniqueConstraint('user_id', 'version_id', name=op.f('uq_certificates_user_id_version_id'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index('ix_certificates_version_user', ['version_id', 'user_id'], unique=False)

    op.create_table('options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=10), nullable=False),
    sa.Column('text', sa.JSON(), nullable=False),
    sa.Column('feedback', sa.JSON(), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_options_question_id_questions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_options')),
    sa.UniqueConstraint('question_id', 'key', name=op.f('uq_options_question_id_key'))
    )
    op.create_table('question_tags',
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_tags_question_id_questions')),
    sa.PrimaryKeyConstraint('question_id', 'tag', name=op.f('pk_question_tags'))
    )
    op.create_table('question_tallies',
    sa.Column('division_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('answered_right', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['division_id'], ['divisions.id'], name=op.f('fk_question_tallies_division_id_divisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_tallies_question_id_questions')),
    sa.PrimaryKeyConstraint('division_id', 'question_id', name=op.f('pk_question_tallies'))
    )
    op.create_table('certificate_files',
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_certificate_files_certificate_id_certificates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('certificate_id', name=op.f('pk_certificate_files'))
    )


def downgrade():
    op.drop_table('certificate_files')
    op.drop_table('question_tallies')
    op.drop_table('question_tags')
    op.drop_table('options')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index('ix_certificates_version_user')

    op.drop_table('certificates')
    with op.batch_alter_table('attempt_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_questions_question_id'))

    op.drop_table('attempt_questions')
    op.drop_table('questions')
    op.drop_table('lessons')
    op.drop_table('attempts')
    with op.batch_alter_table('module_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_module_versions_module_id'))

    op.drop_table('module_versions')
    op.drop_table('modules')
