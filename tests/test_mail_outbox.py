"""E-mail goes through the outbox: written with the change that causes it, sent by `flask mail send` to a real SMTP
server exactly once, tried again after a growing pause, given up after MAIL_MAX_ATTEMPTS."""
import socket
import statistics
import threading
import time
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from types import SimpleNamespace

import pytest
from flask.testing import EnvironBuilder

from portal import mailer
from portal.extensions import db
from portal.mailer import MailState, OutgoingMail
from tests.conftest import free_port, messages, post_form


class Clock:
    """The outbox's time source, moved by hand."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(datetime(2026, 3, 2, 9, 0))
    monkeypatch.setattr(mailer, "utcnow", clock)
    return clock


def queue_one(app, subject: str = "Hello", to: str = "someone@example.org") -> int:
    with app.app_context():
        message = mailer.queue(subject, [to], f"Body of {subject}")
        db.session.commit()
        return message.id


def outbox(app) -> list[SimpleNamespace]:
    with app.app_context():
        rows = db.session.scalars(db.select(OutgoingMail).order_by(OutgoingMail.id)).all()
        return [SimpleNamespace(id=row.id, state=row.state, attempts=row.attempts, recipients=row.recipients,
                                next_attempt_at=row.next_attempt_at, sent_at=row.sent_at, last_error=row.last_error)
                for row in rows]


def send_mail(cli) -> str:
    result = cli("mail", "send")
    assert result.exit_code == 0, result.output
    return result.output


def point_mail_at(app, monkeypatch, port: int) -> None:
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setattr(app.extensions["mail"], "server", "127.0.0.1")
    monkeypatch.setattr(app.extensions["mail"], "port", port)


def subjects(inbox) -> list[str]:
    return sorted(message["Subject"] for _recipients, message in inbox.messages)


def test_a_queued_message_is_sent_once(app, cli, smtp):
    message_id = queue_one(app, "Welcome", "new.person@example.org")
    assert "mail: 1 sent, 0 to retry later, 0 failed, 0 waiting" in send_mail(cli)
    (recipients, message), = smtp.wait()
    assert recipients == ["new.person@example.org"] and message["Subject"] == "Welcome"
    assert message.get_payload(decode=True).decode().strip() == "Body of Welcome"
    (row,) = outbox(app)
    assert (row.id, row.state, row.attempts, row.last_error) == (message_id, MailState.SENT, 1, None)
    assert row.sent_at is not None
    assert "mail: 0 sent, 0 to retry later, 0 failed, 0 waiting" in send_mail(cli)
    assert len(smtp.messages) == 1


def test_the_pause_between_attempts_doubles_up_to_an_hour():
    assert [mailer.retry_delay(attempts) // timedelta(minutes=1) for attempts in range(1, 10)] == [
        1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_a_refused_message_is_tried_again_only_after_the_pause(app, cli, smtp, clock):
    queue_one(app)
    smtp.refuse(2)
    first = clock.now
    assert "mail: 0 sent, 1 to retry later, 0 failed, 1 waiting" in send_mail(cli)
    (row,) = outbox(app)
    assert (row.state, row.attempts, row.next_attempt_at) == (MailState.PENDING, 1, first + timedelta(minutes=1))
    assert "451" in row.last_error
    clock.advance(seconds=59)
    assert "mail: 0 sent, 0 to retry later, 0 failed, 1 waiting" in send_mail(cli)
    assert len(smtp.refused) == 1
    clock.advance(seconds=1)
    assert "mail: 0 sent, 1 to retry later" in send_mail(cli)
    second = clock.now
    assert len(smtp.refused) == 2
    assert outbox(app)[0].next_attempt_at == second + timedelta(minutes=2)
    clock.advance(minutes=2, seconds=-1)
    send_mail(cli)
    assert len(smtp.refused) == 2 and smtp.messages == []
    clock.advance(seconds=1)
    assert "mail: 1 sent, 0 to retry later, 0 failed, 0 waiting" in send_mail(cli)
    assert len(smtp.wait()) == 1
    (row,) = outbox(app)
    assert (row.state, row.attempts) == (MailState.SENT, 3)
    clock.advance(hours=5)
    assert "mail: 0 sent" in send_mail(cli)
    assert len(smtp.messages) == 1


def test_a_message_is_given_up_after_the_most_attempts(app, cli, smtp, clock, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    queue_one(app)
    smtp.refuse(10, "554 5.7.1 Message rejected")
    for attempt in (1, 2):
        assert "mail: 0 sent, 1 to retry later, 0 failed, 1 waiting" in send_mail(cli)
        clock.advance(minutes=mailer.retry_delay(attempt) // timedelta(minutes=1))
    assert "mail: 0 sent, 0 to retry later, 1 failed, 0 waiting" in send_mail(cli)
    (row,) = outbox(app)
    assert (row.state, row.attempts) == (MailState.FAILED, 3) and "554" in row.last_error
    clock.advance(days=1)
    assert "mail: 0 sent, 0 to retry later, 0 failed, 0 waiting" in send_mail(cli)
    assert len(smtp.refused) == 3 and smtp.messages == []


def test_an_unreachable_server_costs_one_attempt_and_the_rest_wait(app, cli, clock, monkeypatch):
    point_mail_at(app, monkeypatch, free_port())
    queue_one(app, "First")
    queue_one(app, "Second")
    assert "mail: 0 sent, 1 to retry later, 0 failed, 2 waiting" in send_mail(cli)
    first, second = outbox(app)
    assert (first.state, first.attempts, second.state, second.attempts) == (MailState.PENDING, 1, MailState.PENDING, 0)
    assert "ConnectionRefusedError" in first.last_error


def test_a_server_that_does_not_answer_times_out(app, cli, clock, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 0.3)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        point_mail_at(app, monkeypatch, silent.getsockname()[1])
        queue_one(app)
        assert "mail: 0 sent, 1 to retry later" in send_mail(cli)
    (row,) = outbox(app)
    assert (row.state, row.attempts) == (MailState.PENDING, 1) and "timed out" in row.last_error


def test_two_senders_at_once_send_each_message_once(app, smtp, monkeypatch):
    """Both senders find the same due messages before either takes one; the conditional UPDATE decides."""
    ids = [queue_one(app, f"Message {number}") for number in range(5)]
    both_looked = threading.Barrier(2, timeout=10)
    found, results, errors = [], [], []
    due_ids = mailer._due_ids

    def due_ids_then_wait(*args, **kwargs):
        ids = due_ids(*args, **kwargs)
        found.append(ids)
        both_looked.wait()
        return ids

    monkeypatch.setattr(mailer, "_due_ids", due_ids_then_wait)

    def sender():
        try:
            with app.app_context():
                results.append(mailer.deliver_pending())
        except Exception as error:  # reported by the assertion below
            errors.append(repr(error))

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert found == [ids, ids]
    assert sum(result.sent for result in results) == 5
    assert subjects(smtp) == [f"Message {number}" for number in range(5)]
    assert {row.state for row in outbox(app)} == {MailState.SENT}


def test_a_message_can_be_taken_only_once_and_only_when_due(app, clock):
    message_id = queue_one(app)
    with app.app_context():
        now = mailer.utcnow()
        assert mailer._claim(message_id, now - timedelta(seconds=1)) is None
        assert mailer._claim(message_id, now) is not None
        assert mailer._claim(message_id, now) is None
    assert outbox(app)[0].state == MailState.SENDING


def test_a_message_left_half_sent_is_reported_not_sent_again(app, cli, smtp, clock):
    message_id = queue_one(app)
    with app.app_context():
        mailer._claim(message_id, clock.now)
    clock.advance(minutes=1)
    output = send_mail(cli)
    assert "mail: 0 sent, 0 to retry later, 0 failed, 0 waiting" in output and "half-sent" not in output
    assert cli("mail", "retry", message_id).output.startswith("mail: 0 due again")
    clock.advance(hours=1)
    output = send_mail(cli)
    assert f"1 left half-sent by a sender that stopped (ids {message_id})" in output
    assert smtp.messages == [] and outbox(app)[0].state == MailState.SENDING
    assert "mail: 1 due again" in cli("mail", "retry", message_id).output
    assert "mail: 1 sent" in send_mail(cli)
    assert len(smtp.wait()) == 1


def test_a_rolled_back_change_leaves_no_message(app, cli, factory, smtp):
    from portal.auth.operations import request_password_reset

    user = factory.user()
    with app.test_request_context():
        request_password_reset(user.email)
        assert len(db.session.scalars(db.select(OutgoingMail)).all()) == 1
        db.session.rollback()
    assert outbox(app) == []
    assert "mail: 0 sent, 0 to retry later, 0 failed, 0 waiting" in send_mail(cli)
    assert smtp.messages == []


def test_without_a_mail_server_only_development_writes_messages_to_the_log(app, cli, caplog, monkeypatch):
    assert not app.config["MAIL_SERVER"] and app.config["ENVIRONMENT"] == "test"
    queue_one(app, "Kept subject", "kept@example.org")
    for environment in ("test", "production"):
        monkeypatch.setitem(app.config, "ENVIRONMENT", environment)
        assert "mail: sending is off (MAIL_DISABLED=true, or no MAIL_SERVER); 1 waiting" in send_mail(cli)
        with app.test_request_context(), pytest.raises(RuntimeError, match="no MAIL_SERVER"):
            mailer.send("Kept subject", ["kept@example.org"], "Body of Kept subject")
        assert outbox(app)[0].state == MailState.PENDING
    assert "Body of Kept subject" not in caplog.text
    monkeypatch.setitem(app.config, "ENVIRONMENT", "development")
    assert "mail: 1 sent" in send_mail(cli)
    assert "Body of Kept subject" in caplog.text and "kept@example.org" in caplog.text
    assert outbox(app)[0].state == MailState.SENT


def test_with_mail_disabled_messages_stay_in_the_outbox(app, cli, client, factory, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_DISABLED", True)
    user = factory.user()
    forgot_password(client, user.email)
    assert "mail: sending is off" in send_mail(cli) and "1 waiting" in send_mail(cli)
    (row,) = outbox(app)
    assert (row.state, row.attempts) == (MailState.PENDING, 0) and smtp.messages == []
    monkeypatch.setitem(app.config, "MAIL_DISABLED", False)
    assert "mail: 1 sent" in send_mail(cli)
    assert [recipients for recipients, _message in smtp.wait()] == [[user.email]]


def header_lines(raw: bytes) -> list[bytes]:
    return raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


def test_a_message_names_the_portals_domain_and_keeps_its_lines_within_the_limits(app, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "SERVER_NAME", "portal.city.example:8443")
    subject = ("Décision sur votre candidature à la reconnaissance du programme « Promesse de service » "
               "de la Ville : le comité a rendu sa décision, lisez-la sur le portail avant la fin du mois ")[:255]
    citation = "Elle a simplifié le formulaire de permis pour les résidents et les entreprises. " * 40
    with app.test_request_context():
        mailer.send(subject, ["someone@example.org"], f"Bonjour,\n\n{citation}\n")
    (raw,) = smtp.raw
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78
    folded = [line for line in header_lines(raw) if line.startswith((b"Subject:", b" "))]
    words = [word for line in folded for word in line.split() if b"=?" in word or b"?=" in word]
    assert len(folded) > 2 and words and all(word.startswith(b"=?") and word.endswith(b"?=") for word in words)
    message = message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == subject
    assert message.get_content().replace("\r\n", "\n") == f"Bonjour,\n\n{citation}\n"
    assert message["From"] == "service-promise@portal.city.example"
    assert message["Message-ID"].endswith("@portal.city.example>")
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "Service Promise <promise@city.example>")
    with app.test_request_context():
        mailer.send("Short", ["someone@example.org"], "Body")
    smtp.wait(2)
    assert message_from_bytes(smtp.raw[1], policy=policy.default)["From"] == "Service Promise <promise@city.example>"


def test_a_run_does_not_finish_a_message_that_retry_made_due_again(app, cli, smtp, clock):
    """A run took the message and stopped answering; a person ran `flask mail retry`. When the first run comes back,
    what it finishes is no longer its own: the retry's state stays, and so does another run's claim."""
    message_id = queue_one(app)
    with app.app_context():
        first_run = mailer._claim(message_id, clock.now)
    clock.advance(minutes=20)
    assert "mail: 1 due again" in cli("mail", "retry", message_id).output
    with app.app_context():
        assert mailer._finish(first_run, state=MailState.SENT, sent_at=clock.now, last_error=None) is False
    (row,) = outbox(app)
    assert (row.state, row.attempts, row.sent_at) == (MailState.PENDING, 0, None)
    with app.app_context():
        second_run = mailer._claim(message_id, clock.now)
        assert mailer._record_failure(first_run, OSError("the first run's connection broke"), clock.now) is False
    (row,) = outbox(app)
    assert (row.state, row.attempts, row.last_error) == (MailState.SENDING, 1, None)
    with app.app_context():
        assert mailer._finish(second_run, state=MailState.SENT, sent_at=clock.now, last_error=None) is True
    assert outbox(app)[0].state == MailState.SENT


@pytest.mark.parametrize("subject, recipients", [("Two\nlines", ["a@example.org"]), ("No one", [])])
def test_a_message_that_cannot_be_sent_is_refused_when_queued(app, subject, recipients):
    with app.app_context(), pytest.raises(ValueError):
        mailer.queue(subject, recipients, "Body")


def forgot_password(client, email: str):
    return post_form(client, "/password/forgot", {"email": email}, token_from="/password/forgot",
                     follow_redirects=True)


def test_a_password_reset_arrives_through_the_outbox(app, cli, client, factory, smtp):
    user = factory.user()
    response = forgot_password(client, user.email)
    assert response.status_code == 200
    (recipients, message), = smtp.wait()
    assert recipients == [user.email] and "/password/reset/" in message.get_payload(decode=True).decode()
    (row,) = outbox(app)
    assert (row.state, row.recipients) == (MailState.SENT, [user.email])
    assert "mail: 0 sent" in send_mail(cli)
    assert len(smtp.messages) == 1


def test_an_unknown_address_queues_nothing(app, client, smtp):
    forgot_password(client, "nobody@example.org")
    assert outbox(app) == []


@pytest.mark.parametrize("trouble", ["refused", "unreachable", "broken"])
def test_a_reset_not_sent_at_once_shows_the_same_page_and_goes_later(app, cli, client, factory, smtp, clock,
                                                                     monkeypatch, trouble):
    user = factory.user()
    deliver = mailer._deliver
    expected = forgot_password(app.test_client(), "nobody@example.org")
    if trouble == "refused":
        smtp.refuse(1)
    elif trouble == "unreachable":
        monkeypatch.setattr(app.extensions["mail"], "port", free_port())
    else:
        monkeypatch.setattr(mailer, "_deliver", lambda *_args: 1 / 0)
    response = forgot_password(client, user.email)
    assert response.status_code == expected.status_code == 200
    assert messages(response) == messages(expected)
    (row,) = outbox(app)
    assert row.state == MailState.PENDING and smtp.messages == []
    monkeypatch.setattr(mailer, "_deliver", deliver)
    monkeypatch.setattr(app.extensions["mail"], "port", smtp.port)
    clock.advance(minutes=1)
    assert "mail: 1 sent" in send_mail(cli)
    (recipients, _message), = smtp.wait()
    assert recipients == [user.email]


def test_a_reset_is_tried_at_once_only_after_the_answer(app, client, factory, smtp):
    user = factory.user()
    response = post_form(client, "/password/forgot", {"email": user.email}, token_from="/password/forgot")
    assert response.status_code == 302
    (row,) = outbox(app)
    assert (row.state, row.attempts, smtp.messages) == (MailState.PENDING, 0, [])
    response.close()  # the server has sent the answer
    assert [recipients for recipients, _message in smtp.wait()] == [[user.email]]
    assert outbox(app)[0].state == MailState.SENT


def test_a_reset_tried_at_once_sends_its_own_message_and_no_one_elses(app, client, factory, smtp):
    waiting = [queue_one(app, f"News for person {number}", f"person.{number}@example.org") for number in range(3)]
    user = factory.user()
    forgot_password(client, user.email)
    assert [recipients for recipients, _message in smtp.wait()] == [[user.email]]
    time.sleep(0.2)
    assert len(smtp.messages) == 1
    rows = {row.id: row for row in outbox(app)}
    assert [(rows[message_id].state, rows[message_id].attempts) for message_id in waiting] == [
        (MailState.PENDING, 0)] * 3


def answer_time(app, email: str) -> float:
    """Seconds until the whole answer to the forgotten-password form is written, as a browser waits for it; then the
    answer is closed, as a server does once it has sent it."""
    environ = EnvironBuilder(app, path="/password/forgot", method="POST", data={"email": email}).get_environ()
    started = time.perf_counter()
    answer = app(environ, lambda *_args: None)
    b"".join(answer)
    elapsed = time.perf_counter() - started
    answer.close()
    return elapsed


def test_a_reset_takes_as_long_to_answer_for_an_unknown_address_as_for_a_known_one(app, factory, smtp, monkeypatch):
    """Known and unknown addresses asked for in turn; the median of each pair's ratio, with a generous margin (the
    machine may be busy): sending the link during the request made a known address take several times as long."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    user = factory.user()
    ratios = []
    for round_number in range(45):
        known, unknown = answer_time(app, user.email), answer_time(app, "nobody@example.org")
        if round_number >= 5:
            ratios.append(known / unknown)
    assert len(smtp.wait(45)) == 45
    assert 1 / 1.5 < statistics.median(ratios) < 1.5, sorted(ratios)


def test_a_reset_for_any_address_writes_the_message(app, client, factory, monkeypatch):
    """The same work on both paths: an unknown or inactive address gets its message written too, then not queued."""
    from portal.auth import operations

    written = []
    write = operations._reset_message
    monkeypatch.setattr(operations, "_reset_message", lambda user: written.append(user.email) or write(user))
    inactive = factory.user(active=False)
    for email in (factory.user().email, "nobody@example.org", inactive.email):
        forgot_password(client, email)
    assert len(written) == 3 and written[1:] == ["nobody@example.org", inactive.email]
    assert len(outbox(app)) == 1
