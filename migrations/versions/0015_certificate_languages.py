"""A certificate keeps one PDF per language, each in its own row

Revision ID: 0015_certificate_languages
Revises: 0014_name_collation
"""
import io
import zipfile

import sqlalchemy as sa
from alembic import op

revision = '0015_certificate_languages'
down_revision = '0014_name_collation'
branch_labels = None
depends_on = None

LANGUAGES = ("en", "fr")


def _pdfs(stored, issued_in):
    """The PDFs a file kept before this revision holds: the PDF itself, or an archive of en.pdf and fr.pdf."""
    if stored.startswith(b"%PDF"):
        return {issued_in: stored}
    with zipfile.ZipFile(io.BytesIO(stored)) as archive:
        names = archive.namelist()
        return {language: archive.read(f"{language}.pdf") for language in LANGUAGES if f"{language}.pdf" in names}


def upgrade():
    connection = op.get_bind()
    kept = connection.execute(sa.text(
        "SELECT f.certificate_id, f.pdf, c.language FROM certificate_files f "
        "JOIN certificates c ON c.id = f.certificate_id")).all()
    op.drop_table('certificate_files')
    files = op.create_table(
        'certificate_files',
        sa.Column('certificate_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('pdf', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'],
                                name=op.f('fk_certificate_files_certificate_id_certificates'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('certificate_id', 'language', name=op.f('pk_certificate_files')),
    )
    rows = [{"certificate_id": certificate_id, "language": language, "pdf": pdf}
            for certificate_id, stored, issued_in in kept
            for language, pdf in _pdfs(bytes(stored), issued_in).items()]
    if rows:
        op.bulk_insert(files, rows)


def downgrade():
    connection = op.get_bind()
    kept = connection.execute(sa.text(
        "SELECT f.certificate_id, f.pdf FROM certificate_files f "
        "JOIN certificates c ON c.id = f.certificate_id AND c.language = f.language")).all()
    op.drop_table('certificate_files')
    files = op.create_table(
        'certificate_files',
        sa.Column('certificate_id', sa.Integer(), nullable=False),
        sa.Column('pdf', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'],
                                name=op.f('fk_certificate_files_certificate_id_certificates'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('certificate_id', name=op.f('pk_certificate_files')),
    )
    rows = [{"certificate_id": certificate_id, "pdf": bytes(pdf)} for certificate_id, pdf in kept]
    if rows:
        op.bulk_insert(files, rows)
