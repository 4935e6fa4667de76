"""Migrations build the schema the models describe; SQLite is set up so that writers wait, not fail."""
import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from portal import create_app
from portal.config import BASE_DIR
from portal.extensions import db
from tests.conftest import drop_everything, settings_for_tests

MIGRATIONS = str(BASE_DIR / "migrations")


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                       db.metadata)
    assert differences == []


def test_every_migration_downgrades_and_upgrades_again(tmp_path):
    scratch = create_app(settings_for_tests(f"sqlite:///{tmp_path}/scratch.db"))
    with scratch.app_context():
        upgrade(directory=MIGRATIONS)
        assert "users" in inspect(db.engine).get_table_names()
        downgrade(directory=MIGRATIONS, revision="base")
        assert inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade(directory=MIGRATIONS)
        assert {"users", "attestations", "audit_entries"} <= set(inspect(db.engine).get_table_names())
        drop_everything()
        db.engine.dispose()


def sqlite_only(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite settings apply to SQLite only")


@pytest.mark.sqlite
def test_sqlite_uses_wal_and_a_busy_timeout(app):
    sqlite_only(app)
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


@pytest.mark.sqlite
def test_concurrent_writers_wait_for_each_other(app, factory):
    """Each writer reads then writes in one transaction; BEGIN IMMEDIATE makes the others queue."""
    sqlite_only(app)
    from portal.auth.models import Division

    division_id = factory.division("RACE")
    errors = []

    def rename_many(tag: str):
        try:
            for i in range(15):
                with app.app_context():
                    division = db.session.get(Division, division_id)
                    division.name_en = f"{division.name_en.split('|')[0]}|{tag}{i}"
                    db.session.add(Division(code=f"{tag}{i}", name_en=tag, name_fr=tag))
                    db.session.commit()
        except Exception as error:  # collected and reported by the assertion below
            errors.append(repr(error))

    threads = [threading.Thread(target=rename_many, args=(tag,)) for tag in ("A", "B", "C", "D")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Division.id))) == 61


def test_json_parsed_once_gives_each_reader_the_same_value_for_the_same_text(app):
    from sqlalchemy import Column, Integer, MetaData, Table, insert, select

    from portal.database import ParsedOnceJSON

    scratch = Table("parsed_once_scratch", MetaData(), Column("id", Integer, primary_key=True),
                    Column("rubric", ParsedOnceJSON))
    rubric = {"criteria": [{"key": "impact", "weight": 60}, {"key": "promise", "weight": 40}], "scale": 5}
    with app.app_context(), db.engine.begin() as connection:
        scratch.create(connection)
        try:
            connection.execute(insert(scratch), [{"id": 1, "rubric": rubric}, {"id": 2, "rubric": rubric},
                                                 {"id": 3, "rubric": {"scale": 4}}])
            first, second, other = connection.execute(select(scratch.c.rubric).order_by(scratch.c.id)).scalars()
            again = connection.execute(select(scratch.c.rubric).where(scratch.c.id == 1)).scalar()
        finally:
            scratch.drop(connection)
    assert first == second == again == rubric
    assert other == {"scale": 4}
    if connection.dialect.name == "sqlite":
        assert first is second is again


def test_certificate_files_move_to_one_row_per_language_and_back(tmp_path):
    """Revision 0015: a file kept before it, one PDF or an archive of both languages, becomes a row per language;
    the downgrade gives back the one PDF, or both in an archive."""
    import io
    import zipfile

    scratch = create_app(settings_for_tests(f"sqlite:///{tmp_path}/certificates.db"))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as both:
        both.writestr("en.pdf", b"%PDF english")
        both.writestr("fr.pdf", b"%PDF french")
    with scratch.app_context():
        upgrade(directory=MIGRATIONS, revision="0014_name_collation")
        raw = db.engine.raw_connection()  # no transaction yet, so that the pragma takes effect
        try:
            cursor = raw.cursor()
            cursor.execute("PRAGMA foreign_keys = OFF")
            for certificate_id, language in ((1, "fr"), (2, "en")):
                cursor.execute(
                    "INSERT INTO certificates (id, code, user_id, module_id, version_id, major, attempt_id, language, "
                    "score, issued_at) VALUES (?, ?, ?, 1, 1, 1, ?, ?, 100, '2026-01-01')",
                    (certificate_id, f"CODE-{certificate_id}", certificate_id, certificate_id, language))
            cursor.execute("INSERT INTO certificate_files (certificate_id, pdf) VALUES (1, ?), (2, ?)",
                           (b"%PDF french only", archive.getvalue()))
            raw.commit()
        finally:
            raw.close()
        upgrade(directory=MIGRATIONS, revision="0015_certificate_languages")
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT certificate_id, language, pdf FROM certificate_files ORDER BY 1, 2")).all()
        assert [tuple(row) for row in rows] == [(1, "fr", b"%PDF french only"), (2, "en", b"%PDF english"),
                                                (2, "fr", b"%PDF french")]
        downgrade(directory=MIGRATIONS, revision="0014_name_collation")
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT certificate_id, pdf FROM certificate_files ORDER BY 1")).all()
        assert [row[0] for row in rows] == [1, 2] and bytes(rows[0][1]) == b"%PDF french only"
        with zipfile.ZipFile(io.BytesIO(bytes(rows[1][1]))) as both:
            assert {name: both.read(name) for name in both.namelist()} == {"en.pdf": b"%PDF english",
                                                                          "fr.pdf": b"%PDF french"}
        drop_everything()
        db.engine.dispose()
