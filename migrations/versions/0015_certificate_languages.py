"""A certificate keeps one PDF per language, each in its own row

The files are copied a few hundred at a time, so that a city's certificates never have to fit in memory at once.

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
BATCH = 200


def _pdfs(stored, issued_in):
    """The PDFs a file kept before this revision holds: the PDF itself, or an archive of en.pdf and fr.pdf."""
    if stored.startswith(b"%PDF"):
        return {issued_in: stored}
    with zipfile.ZipFile(io.BytesIO(stored)) as archive:
        names = archive.namelist()
        return {language: archive.read(f"{language}.pdf") for language in LANGUAGES if f"{language}.pdf" in names}


def _archive(pdfs):
    """One file as kept before this revision: the one PDF, or both in an archive (not compressed again)."""
    if len(pdfs) == 1:
        return next(iter(pdfs.values()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for language in sorted(pdfs):
            archive.writestr(f"{language}.pdf", pdfs[language])
    return buffer.getvalue()


def _set_aside(name):
    """Renames the table, and on PostgreSQL its primary key's index, whose name the new table takes."""
    op.rename_table(name, f"{name}_before")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER INDEX pk_{name} RENAME TO pk_{name}_before")


def _files_table(*columns, key):
    return op.create_table(
        'certificate_files',
        sa.Column('certificate_id', sa.Integer(), nullable=False),
        *columns,
        sa.Column('pdf', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'],
                                name=op.f('fk_certificate_files_certificate_id_certificates'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint(*key, name=op.f('pk_certificate_files')),
    )


def _copy(query, rows_of, table):
    connection = op.get_bind()
    result = connection.execute(sa.text(query).execution_options(stream_results=True))
    for batch in result.partitions(BATCH):
        rows = [row for found in rows_of(batch) for row in found]
        if rows:
            connection.execute(table.insert(), rows)


def upgrade():
    _set_aside('certificate_files')
    files = _files_table(sa.Column('language', sa.String(length=2), nullable=False),
                         key=('certificate_id', 'language'))
    _copy("SELECT f.certificate_id, f.pdf, c.language FROM certificate_files_before f "
          "JOIN certificates c ON c.id = f.certificate_id",
          lambda batch: ([{"certificate_id": certificate_id, "language": language, "pdf": pdf}
                          for language, pdf in _pdfs(bytes(stored), issued_in).items()]
                         for certificate_id, stored, issued_in in batch), files)
    op.drop_table('certificate_files_before')


def downgrade():
    _set_aside('certificate_files')
    files = _files_table(key=('certificate_id',))
    connection = op.get_bind()
    certificate_ids = connection.execute(sa.text(
        "SELECT DISTINCT certificate_id FROM certificate_files_before ORDER BY certificate_id")).scalars().all()
    for start in range(0, len(certificate_ids), BATCH):
        chosen = certificate_ids[start:start + BATCH]
        kept = {}
        for certificate_id, language, pdf in connection.execute(
                sa.text("SELECT certificate_id, language, pdf FROM certificate_files_before "
                        "WHERE certificate_id IN :ids").bindparams(sa.bindparam("ids", expanding=True)),
                {"ids": chosen}):
            kept.setdefault(certificate_id, {})[language] = bytes(pdf)
        connection.execute(files.insert(), [{"certificate_id": certificate_id, "pdf": _archive(pdfs)}
                                            for certificate_id, pdfs in kept.items()])
    op.drop_table('certificate_files_before')
