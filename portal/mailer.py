"""E-mail through an outbox: `queue()` writes a message in the transaction of the change that causes it, and
`deliver_pending()` (the `flask mail send` command, run from cron every minute) sends what is due.

A message goes pending → sending → sent. Taking it (pending → sending) is one conditional UPDATE committed before
the SMTP conversation starts, so of two senders running at once only one sends it. A refused or failed attempt puts
it back to pending after a pause that doubles each time (`retry_delay`) until MAIL_MAX_ATTEMPTS attempts have
failed; then it is failed. A message still in sending long after it was taken belongs to a sender that stopped
during the conversation: it may or may not have gone out, so it is never sent again by itself. `flask mail send`
reports it and `flask mail retry` sends it again once a person has decided to.

Without MAIL_SERVER (development) a message is written to the log instead, and counts as sent."""
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, g
from flask_mail import Connection, Message
from sqlalchemy import JSON, Index, String, Text, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from .database import utcnow
from .enums import TitledEnum, enum_column
from .extensions import db

FIRST_RETRY_MINUTES = 1
LONGEST_RETRY_MINUTES = 60
STUCK_AFTER = timedelta(minutes=15)
SUBJECT_LENGTH = 255
ERROR_LENGTH = 255


class MailState(TitledEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"

    @classmethod
    def titles(cls) -> dict:
        """In English: only `flask mail send` shows them."""
        return {cls.PENDING: "waiting", cls.SENDING: "being sent", cls.SENT: "sent", cls.FAILED: "not sent"}


class OutgoingMail(db.Model):
    """One message in the outbox, written with the change that causes it and delivered by `deliver_pending()`."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (Index("ix_outgoing_mail_state_next_attempt_at", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipients: Mapped[list[str]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(String(SUBJECT_LENGTH))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[MailState] = enum_column(MailState, default=MailState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(ERROR_LENGTH))


@dataclass
class Delivery:
    """What one delivery run did, and what it left."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    waiting: int = 0
    stuck: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Claimed:
    id: int
    subject: str
    recipients: list[str]
    body: str
    attempts: int


class _Connection(Connection):
    """Flask-Mail's connection with a time limit on every network wait, and a QUIT whose failure cannot turn a
    message the server accepted into one to send again."""

    def configure_host(self) -> smtplib.SMTP:
        kind = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = kind(self.mail.server, self.mail.port, timeout=current_app.config["MAIL_TIMEOUT"])
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host

    def __exit__(self, *_exc) -> None:
        if self.host is not None:
            try:
                self.host.quit()
            except (smtplib.SMTPException, OSError):
                self.host.close()


def queue(subject: str, recipients: list[str], body: str) -> OutgoingMail:
    """Adds a message to the outbox in the current transaction (flushed, not committed): if the transaction rolls
    back, there is no message."""
    if not recipients:
        raise ValueError("an e-mail needs at least one recipient")
    if "\n" in subject or "\r" in subject or len(subject) > SUBJECT_LENGTH:
        raise ValueError(f"an e-mail subject is one line of at most {SUBJECT_LENGTH} characters")
    message = OutgoingMail(subject=subject, recipients=list(recipients), body=body, state=MailState.PENDING,
                           attempts=0, next_attempt_at=utcnow())
    db.session.add(message)
    db.session.flush()
    g.setdefault("queued_mail", []).append(message.id)
    return message


def retry_delay(attempts: int) -> timedelta:
    """The pause after the attempts-th failed attempt: 1, 2, 4, 8, 16, 32 minutes, then 60 minutes."""
    return timedelta(minutes=min(FIRST_RETRY_MINUTES * 2 ** (attempts - 1), LONGEST_RETRY_MINUTES))


def deliver_pending(now: datetime | None = None, limit: int = 100) -> Delivery:
    """Sends up to `limit` due messages, longest waiting first, and counts what happened and what is left.

    Each message is taken and finished in transactions of its own: call it with nothing of the caller's own left
    uncommitted."""
    now = now or utcnow()
    delivery = _deliver(_due_ids(now, limit), now)
    delivery.waiting = db.session.scalar(select(func.count()).select_from(OutgoingMail).where(
        OutgoingMail.state == MailState.PENDING))
    delivery.stuck = list(db.session.scalars(
        select(OutgoingMail.id).where(OutgoingMail.state == MailState.SENDING,
                                      OutgoingMail.claimed_at <= now - STUCK_AFTER).order_by(OutgoingMail.id)))
    db.session.commit()
    return delivery


def deliver_queued() -> None:
    """Best effort, after the caller's commit: tries at once the messages queued since the app context began, so a
    person gets a password-reset link in seconds. Never raises: what is not sent stays for `flask mail send`."""
    ids = g.pop("queued_mail", [])
    if not ids:
        return
    try:
        now = utcnow()
        _deliver(_due_ids(now, len(ids), only=ids), now)
    except Exception:  # the outbox keeps the message; the person's page must not fail
        db.session.rollback()
        current_app.logger.exception("Immediate e-mail delivery failed; flask mail send will try again")


def retry(message_ids: list[int], now: datetime | None = None) -> list[int]:
    """Makes failed messages, and messages stuck in sending (see STUCK_AFTER), due again with a fresh count of
    attempts; returns the ids changed. A stuck message may already have gone out: check the mail server's log."""
    now = now or utcnow()
    changed = list(db.session.scalars(
        update(OutgoingMail)
        .where(OutgoingMail.id.in_(message_ids),
               (OutgoingMail.state == MailState.FAILED)
               | ((OutgoingMail.state == MailState.SENDING) & (OutgoingMail.claimed_at <= now - STUCK_AFTER)))
        .values(state=MailState.PENDING, attempts=0, next_attempt_at=now, claimed_at=None)
        .returning(OutgoingMail.id)
        .execution_options(synchronize_session=False)))
    db.session.commit()
    return sorted(changed)


def send(subject: str, recipients: list[str], body: str) -> None:
    """Sends one message now, outside the outbox: only delivery should call it. Without MAIL_SERVER the message is
    written to the log."""
    if not current_app.config.get("MAIL_SERVER"):
        current_app.logger.info("E-mail not sent (no MAIL_SERVER) to %s: %s\n%s", ", ".join(recipients), subject, body)
        return
    with _Connection(current_app.extensions["mail"]) as connection:
        connection.send(Message(subject=subject, recipients=recipients, body=body))


def _due_ids(now: datetime, limit: int, only: list[int] | None = None) -> list[int]:
    query = select(OutgoingMail.id).where(OutgoingMail.state == MailState.PENDING, OutgoingMail.next_attempt_at <= now)
    if only is not None:
        query = query.where(OutgoingMail.id.in_(only))
    ids = list(db.session.scalars(query.order_by(OutgoingMail.next_attempt_at, OutgoingMail.id).limit(limit)))
    db.session.commit()
    return ids


def _deliver(ids: list[int], now: datetime) -> Delivery:
    delivery = Delivery()
    for message_id in ids:
        claimed = _claim(message_id, now)
        if claimed is None:
            continue
        try:
            send(claimed.subject, claimed.recipients, claimed.body)
        except Exception as error:  # any failure is recorded on the message and retried; see _record_failure
            if _record_failure(claimed, error, now):
                delivery.failed += 1
            else:
                delivery.retried += 1
            if _unreachable(error):
                break
            continue
        _finish(claimed.id, state=MailState.SENT, sent_at=now, last_error=None)
        delivery.sent += 1
    return delivery


def _claim(message_id: int, now: datetime) -> _Claimed | None:
    """Takes a due message for sending in one conditional UPDATE, committed before any SMTP: of two senders, one
    gets it and the other None."""
    taken = db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == message_id, OutgoingMail.state == MailState.PENDING,
               OutgoingMail.next_attempt_at <= now)
        .values(state=MailState.SENDING, attempts=OutgoingMail.attempts + 1, claimed_at=now)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        db.session.rollback()
        return None
    row = db.session.execute(select(OutgoingMail.id, OutgoingMail.subject, OutgoingMail.recipients,
                                    OutgoingMail.body, OutgoingMail.attempts)
                             .where(OutgoingMail.id == message_id)).one()
    db.session.commit()
    return _Claimed(*row)


def _record_failure(claimed: _Claimed, error: Exception, now: datetime) -> bool:
    """Puts the message back to wait for its next attempt, or gives up after MAIL_MAX_ATTEMPTS; True if given up."""
    current_app.logger.warning("E-mail %d to %s not sent (attempt %d): %r", claimed.id, ", ".join(claimed.recipients),
                               claimed.attempts, error)
    text = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
    if claimed.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        _finish(claimed.id, state=MailState.FAILED, last_error=text)
        return True
    _finish(claimed.id, state=MailState.PENDING, next_attempt_at=now + retry_delay(claimed.attempts),
            last_error=text)
    return False


def _finish(message_id: int, **values) -> None:
    db.session.execute(update(OutgoingMail)
                       .where(OutgoingMail.id == message_id, OutgoingMail.state == MailState.SENDING)
                       .values(**values)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def _unreachable(error: Exception) -> bool:
    """The server was not reached or went away (SMTPException is an OSError too, but most say the server answered)."""
    if isinstance(error, (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected)):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)
