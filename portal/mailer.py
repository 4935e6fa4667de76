"""E-mail through an outbox: `queue()` writes a message in the transaction of the change that causes it, and
`deliver_pending()` (the `flask mail send` command, run from cron every minute) sends what is due.

A message goes pending → sending → sent. Taking it (pending → sending) is one conditional UPDATE committed before
the SMTP conversation starts, so of two senders running at once only one sends it. A refused or failed attempt puts
it back to pending after a pause that doubles each time (`retry_delay`) until MAIL_MAX_ATTEMPTS attempts have
failed; then it is failed. A message still in sending long after it was taken belongs to a sender that stopped
during the conversation: it may or may not have gone out, so it is never sent again by itself. `flask mail send`
reports it and `flask mail retry` sends it again once a person has decided to. A run finishes only its own claim:
a message that `flask mail retry` made due again meanwhile is left as the retry left it.

Without MAIL_SERVER, development writes each message to the log instead, and counts it as sent; everywhere else
(MAIL_DISABLED=true, or the test suite without its SMTP server) messages stay in the outbox, unsent. No other
configuration writes a message's text to the log."""
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.charset import QP, Charset
from email.mime.text import MIMEText
from email.utils import make_msgid

from flask import after_this_request, current_app, g, has_request_context
from flask_mail import Connection, Message
from sqlalchemy import JSON, Index, String, Text, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from .config import mail_domain
from .database import utcnow
from .enums import TitledEnum, enum_column
from .extensions import db

FIRST_RETRY_MINUTES = 1
LONGEST_RETRY_MINUTES = 60
STUCK_AFTER = timedelta(minutes=15)
SUBJECT_LENGTH = 255
ERROR_LENGTH = 255
SENDER_NAME = "service-promise"
# Bodies quoted-printable: every line of the message stays within RFC 5322's limits, whatever a citation holds.
BODY_CHARSET = Charset("utf-8")
BODY_CHARSET.body_encoding = QP


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
    claimed_at: datetime


class _Message(Message):
    """Flask-Mail's message with its lines within RFC 5322's limits: the body quoted-printable (Flask-Mail sends
    utf-8 as 8bit, long lines unbroken), and the subject folded by the SMTP policy as it is written, in encoded
    words where it needs them (Flask-Mail's own encoding, folded again, can split a word inside an encoded word)."""

    def _mimetext(self, text: str | None, subtype: str = "plain") -> MIMEText:
        return MIMEText(text or "", _subtype=subtype, _charset=BODY_CHARSET)

    def _message(self):
        message = super()._message()
        del message["Subject"]
        message["Subject"] = self.subject
        return message


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


def sending_is_off() -> bool:
    """Messages stay in the outbox: MAIL_DISABLED, or no MAIL_SERVER outside development."""
    config = current_app.config
    return bool(config.get("MAIL_DISABLED")) or (not config.get("MAIL_SERVER")
                                                 and config.get("ENVIRONMENT") != "development")


def deliver_pending(now: datetime | None = None, limit: int = 100) -> Delivery:
    """Sends up to `limit` due messages, longest waiting first, and counts what happened and what is left.

    Each message is taken and finished in transactions of its own: call it with nothing of the caller's own left
    uncommitted."""
    now = now or utcnow()
    delivery = Delivery() if sending_is_off() else _deliver(_due_ids(now, limit), now)
    delivery.waiting = db.session.scalar(select(func.count()).select_from(OutgoingMail).where(
        OutgoingMail.state == MailState.PENDING))
    delivery.stuck = list(db.session.scalars(
        select(OutgoingMail.id).where(OutgoingMail.state == MailState.SENDING,
                                      OutgoingMail.claimed_at <= now - STUCK_AFTER).order_by(OutgoingMail.id)))
    db.session.commit()
    return delivery


def deliver_queued() -> None:
    """Best effort, after the caller's commit: tries at once the messages queued since the app context began (and
    only those), so a person gets a password-reset link in seconds. During a request it runs once the answer has
    been sent, so the answer takes as long whether or not anything was queued. Never raises: what is not sent stays
    for `flask mail send`."""
    ids = g.pop("queued_mail", [])
    if not ids or sending_is_off():
        return
    if not has_request_context():
        _deliver_these(ids)
        return
    app = current_app._get_current_object()

    @after_this_request
    def deliver_after_the_answer(response):
        response.call_on_close(lambda: _deliver_in_context(app, ids))
        return response


def _deliver_in_context(app, ids: list[int]) -> None:
    with app.app_context():
        _deliver_these(ids)


def _deliver_these(ids: list[int]) -> None:
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
    """Sends one message now, outside the outbox: only delivery should call it. Without MAIL_SERVER, development
    writes the message to the log; anywhere else that is refused."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        if config.get("ENVIRONMENT") != "development":
            raise RuntimeError("no MAIL_SERVER: e-mail is written to the log in development only")
        current_app.logger.info("E-mail not sent (no MAIL_SERVER) to %s: %s\n%s", ", ".join(recipients), subject, body)
        return
    message = message_for(subject, recipients, body)
    with _Connection(current_app.extensions["mail"]) as connection:
        connection.send(message)


def message_for(subject: str, recipients: list[str], body: str) -> Message:
    """The message as it goes out: from MAIL_DEFAULT_SENDER or service-promise@ the portal's host, with a Message-ID
    in the portal's domain (not the machine's name)."""
    domain = mail_domain(current_app.config)
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or f"{SENDER_NAME}@{domain}"
    message = _Message(subject=subject, recipients=recipients, body=body, sender=sender)
    message.msgId = make_msgid(domain=domain)
    return message


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
        if not _finish(claimed, state=MailState.SENT, sent_at=now, last_error=None):
            current_app.logger.warning("E-mail %d was sent, but `flask mail retry` had made it due again meanwhile: "
                                       "it will go again", claimed.id)
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
                                    OutgoingMail.body, OutgoingMail.attempts, OutgoingMail.claimed_at)
                             .where(OutgoingMail.id == message_id)).one()
    db.session.commit()
    return _Claimed(*row)


def _record_failure(claimed: _Claimed, error: Exception, now: datetime) -> bool:
    """Puts the message back to wait for its next attempt, or gives up after MAIL_MAX_ATTEMPTS; True if given up."""
    current_app.logger.warning("E-mail %d to %s not sent (attempt %d): %r", claimed.id, ", ".join(claimed.recipients),
                               claimed.attempts, error)
    text = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
    if claimed.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        _finish(claimed, state=MailState.FAILED, last_error=text)
        return True
    _finish(claimed, state=MailState.PENDING, next_attempt_at=now + retry_delay(claimed.attempts), last_error=text)
    return False


def _finish(claimed: _Claimed, **values) -> bool:
    """Records how this run's attempt ended, unless the message is no longer this run's: `flask mail retry` made it
    due again (and another run may have taken it since). Returns whether it was recorded."""
    finished = db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == claimed.id, OutgoingMail.state == MailState.SENDING,
               OutgoingMail.attempts == claimed.attempts, OutgoingMail.claimed_at == claimed.claimed_at)
        .values(**values)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return finished.rowcount == 1


def _unreachable(error: Exception) -> bool:
    """The server was not reached or went away (SMTPException is an OSError too, but most say the server answered)."""
    if isinstance(error, (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected)):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)
