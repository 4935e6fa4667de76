"""The append-only audit log: a base module every feature may use to record what happened."""
from datetime import datetime

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .database import Immutable, utcnow
from .extensions import db
from .formatting import reader_language
from .kept import kept


class AuditEntry(Immutable, db.Model):
    """One append-only record of a sign-in, a change, or access to personal information."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_action_subject_time", "action", "subject", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(255), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(45))

    actor = relationship("User", lazy="joined")


ACTION_TITLES: dict[str, object] = {}


def name_actions(titles: dict[str, object]) -> None:
    """Registers the translated names of a feature's audit actions, shown in the audit log."""
    ACTION_TITLES.update(titles)


_TITLES_BY_LANGUAGE: dict[str, dict[str, str]] = kept({})


def action_titles() -> dict[str, str]:
    """Every action's name in the reader's language, in the order of the names, translated once per process and
    language; an action nobody named shows as recorded."""
    language = reader_language()
    titles = _TITLES_BY_LANGUAGE.get(language)
    if titles is None or len(titles) != len(ACTION_TITLES):
        translated = ((name, str(title)) for name, title in ACTION_TITLES.items())
        titles = _TITLES_BY_LANGUAGE[language] = dict(sorted(translated, key=lambda item: item[1]))
    return titles


def _current_actor_id() -> int | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


_APPEND = AuditEntry.__table__.insert()


def record(action: str, subject: str = "", details: dict | None = None, actor_id: int | None = None) -> int:
    """Appends an audit entry: who (the signed-in user unless named), what, when and from where; returns its id.
    What the session holds is written first, so entries follow the changes they record."""
    db.session.flush()
    written = db.session.connection().execute(_APPEND, {
        "occurred_at": utcnow(), "action": action, "subject": subject[:255], "details": details or {},
        "actor_id": actor_id if actor_id is not None else _current_actor_id(),
        "ip_address": request.remote_addr if has_request_context() else None})
    return written.inserted_primary_key[0]
