"""Engine set-up (SQLite pragmas and write locking), immutable rows and timestamps."""
from datetime import UTC, datetime

from flask import g, has_request_context, request
from sqlalchemy import JSON, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from .kept import KeptByKey

# INSERT … ON CONFLICT for the two databases the portal runs on.
DIALECT_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SQLITE_BUSY_TIMEOUT_MS = 15_000
_parsed_texts = KeptByKey(limit=256)


def utcnow() -> datetime:
    """The current time in UTC, without tzinfo, as every timestamp column stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


class ParsedOnceJSON(TypeDecorator):
    """JSON that pages read far more often than it is written (a cycle's rubric, a quarter's indicator set): each
    process parses a given text once and hands every reader the same value, to be read, never changed. Where the
    driver parses JSON itself (PostgreSQL), it is plain JSON."""

    impl = JSON
    cache_ok = True

    def result_processor(self, dialect, coltype):
        parse = self.impl_instance.result_processor(dialect, coltype)
        if parse is None:
            return None

        def parsed_once(text):
            if not isinstance(text, str):
                return parse(text)
            return _parsed_texts.get(text, lambda: parse(text))

        return parsed_once


class Immutable:
    """Rows of these models are written once and never changed or deleted through the ORM."""


class ImmutableRowError(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_immutable_rows(session: Session, _context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, Immutable) and (obj in session.deleted or session.is_modified(obj)):
            raise ImmutableRowError(f"{type(obj).__name__} rows cannot be changed or deleted")


def commit_keeping_loaded(session: Session) -> None:
    """Commits without expiring what the session has loaded, for a page that writes only a note of who looked and
    then shows what it had already read: the rows it shows did not change, so reading them again is waste."""
    keep, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep


def write_after_reading(session: Session) -> None:
    """For a page read with GET that then writes (a note of who looked, a file kept once made): ends its reads,
    keeping what they loaded, so that the write opens a transaction of its own that takes the write lock at once.
    On SQLite writers then queue for the lock instead of failing, and hold it only while they write."""
    commit_keeping_loaded(session)
    if has_request_context():
        g.write_lock_next = True


def note_after_reading(session: Session) -> None:
    """As write_after_reading, for a write of one statement (a note in the audit log of who looked): on SQLite the
    statement runs on its own rather than between BEGIN IMMEDIATE and COMMIT, so it holds the write lock only while
    it runs, and other writers seldom have to wait for it."""
    commit_keeping_loaded(session)
    if has_request_context():
        g.one_statement_next = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _note_the_write_is_done(_session: Session) -> None:
    if has_request_context():
        g.pop("write_lock_next", None)
        g.pop("one_statement_next", None)


def _write_lock_needed() -> bool:
    if not has_request_context() or request.method not in SAFE_METHODS:
        return True
    return g.get("write_lock_next", False)


def configure_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout, foreign keys, and BEGIN IMMEDIATE for writes so writers queue."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if has_request_context() and g.get("one_statement_next"):
            return
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_lock_needed() else "BEGIN")
