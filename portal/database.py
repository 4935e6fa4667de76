"""Engine set-up (SQLite pragmas and write locking), immutable rows and timestamps."""
from datetime import UTC, datetime

from flask import g, has_request_context, request
from sqlalchemy import JSON, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from . import collation
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
    """Commits without expiring what the session has loaded, for a page that writes after it has read (a note of
    who looked, a file kept once made) and then shows what it read: reading those rows again would be waste."""
    keep, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep


def write_after_reading(session: Session, *, one_statement: bool = False) -> None:
    """For a page read with GET that then writes (a note of who looked, a file kept once made): ends its reads,
    keeping what they loaded, so that the write opens a transaction of its own that takes the write lock at once.
    On SQLite writers then queue for the lock instead of failing, and hold it only while they write. A write of
    `one_statement` (a note in the audit log) runs on its own, without BEGIN IMMEDIATE and COMMIT around it, so it
    holds the lock only while the statement runs, and other writers seldom have to wait for it."""
    commit_keeping_loaded(session)
    if has_request_context():
        g.next_write = _ONE_STATEMENT if one_statement else _LOCKED


_LOCKED, _ONE_STATEMENT = "locked", "one statement"


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _note_the_write_is_done(_session: Session) -> None:
    if has_request_context():
        g.pop("next_write", None)


def _begin_statement() -> str | None:
    """How a transaction begins on SQLite: BEGIN IMMEDIATE for a write, nothing for a write of one statement."""
    if not has_request_context():
        return "BEGIN IMMEDIATE"
    following = g.get("next_write")
    if following == _ONE_STATEMENT:
        return None
    return "BEGIN IMMEDIATE" if following == _LOCKED or request.method not in SAFE_METHODS else "BEGIN"


def configure_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout, foreign keys, names compared as people expect, and BEGIN IMMEDIATE for writes so
    writers queue."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()
        collation.register(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        statement = _begin_statement()
        if statement is not None:
            connection.exec_driver_sql(statement)
