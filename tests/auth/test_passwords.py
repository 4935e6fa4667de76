import re
import time

import pytest

from portal.auth.models import User
from portal.extensions import db
from portal.audit import AuditEntry
from tests.conftest import PASSWORD_HASH, messages, page, post_form, sign_in


def ask_for_reset(client, email: str):
    """The forgotten-password form sent, its answer read to the end and closed, as a server does: the link is tried
    at once after the answer."""
    return post_form(client, "/password/forgot", {"email": email}, token_from="/password/forgot", buffered=True)


def reset_link(inbox) -> str:
    (_recipients, message), = inbox.wait()
    body = message.get_payload(decode=True).decode()
    return re.search(r"http://localhost(/password/reset/\S+)", body)[1]


def test_change_password_ends_other_sessions(app, client, factory):
    user = factory.user()
    sign_in(client, user)
    other_device = app.test_client()
    sign_in(other_device, user)
    new = "a much longer new password"
    response = post_form(client, "/account/password", {"current": user.password, "password": new, "confirm": new},
                         token_from="/account/password")
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other_device.get("/").status_code == 302
    assert post_form(app.test_client(), "/login", {"email": user.email, "password": new}).status_code == 302


@pytest.mark.parametrize("data, error", [
    ({"current": "wrong current pw", "password": "long enough password", "confirm": "long enough password"},
     "The current password is not correct."),
    ({"current": "correct horse battery", "password": "short", "confirm": "short"}, "Use at least 12 characters."),
    ({"current": "correct horse battery", "password": "long enough password", "confirm": "different password!"},
     "The two passwords are not the same."),
])
def test_bad_password_change_is_refused_and_changes_nothing(app, client, factory, data, error):
    user = factory.user()
    sign_in(client, user)
    response = post_form(client, "/account/password", data, token_from="/account/password")
    assert response.status_code == 422
    assert error in messages(response)
    with app.app_context():
        assert db.session.get(User, user.id).password_hash == PASSWORD_HASH


def test_wrong_current_password_is_audited(app, client, factory):
    user = factory.user()
    sign_in(client, user)
    new = "long enough password"
    post_form(client, "/account/password", {"current": "not my password", "password": new, "confirm": new},
              token_from="/account/password")
    with app.app_context():
        entry = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.actor_id) == ("auth.password_change_failed", user.id)


def test_password_reset_by_e_mail_works_once(app, client, factory, smtp):
    user = factory.user(language="fr")
    response = ask_for_reset(client, user.email)
    assert response.status_code == 302
    recipients, message = smtp.wait()[0]
    assert recipients == [user.email]
    assert "mot de passe" in message["Subject"]
    path = reset_link(smtp)
    new = "brand new password 2026"
    response = post_form(client, path, {"password": new, "confirm": new}, token_from=path)
    assert response.status_code == 302
    sign_in(app.test_client(), user, password=new)
    again = client.get(path)
    assert again.status_code == 404
    assert "This link does not work" in page(again).get_text()


def test_unknown_address_gets_the_same_answer_and_no_mail(client, smtp):
    response = post_form(client, "/password/forgot", {"email": "nobody@example.org"}, token_from="/password/forgot",
                         follow_redirects=True)
    assert any("If an account uses that address" in text for text in messages(response))
    time.sleep(0.2)
    assert smtp.messages == []


def test_expired_reset_link_is_refused(app, client, factory, smtp, monkeypatch):
    user = factory.user()
    ask_for_reset(client, user.email)
    path = reset_link(smtp)
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", -1)
    assert client.get(path).status_code == 404


def test_tampered_reset_link_is_refused(client):
    assert client.get("/password/reset/not-a-real-token").status_code == 404


def test_malformed_address_gets_a_clear_message(client, smtp):
    response = post_form(client, "/password/forgot", {"email": "not an address"}, token_from="/password/forgot")
    assert response.status_code == 422
    assert "Enter an e-mail address in the form name@example.org." in messages(response)


def test_development_mail_goes_to_the_log(app, factory, caplog, monkeypatch):
    from portal import mailer

    monkeypatch.setitem(app.config, "ENVIRONMENT", "development")
    with app.test_request_context():
        mailer.send("Subject line", ["someone@example.org"], "Body text")
    assert "Subject line" in caplog.text and "someone@example.org" in caplog.text


def test_passwords_are_stored_with_a_slow_salted_hash(app, factory):
    from portal.auth.operations import create_user
    from portal.security import Role

    with app.test_request_context():
        first = create_user("one@example.org", "One", "same password 123", {Role.STAFF})
        second = create_user("two@example.org", "Two", "same password 123", {Role.STAFF})
        assert first.password_hash.startswith("scrypt:") and first.password_hash != second.password_hash
        db.session.rollback()


def test_a_completed_password_reset_lifts_the_lock(app, client, factory, smtp):
    user = factory.user()
    for _ in range(app.config["LOGIN_ACCOUNT_MAX_FAILURES"]):
        post_form(app.test_client(), "/login", {"email": user.email, "password": "wrong password!"})
    ask_for_reset(client, user.email)
    path = reset_link(smtp)
    new = "brand new password 2026"
    assert post_form(client, path, {"password": new, "confirm": new}, token_from=path).status_code == 302
    sign_in(app.test_client(), user, password=new)


def test_a_password_reset_is_audited(app, client, factory, smtp):
    user = factory.user()
    ask_for_reset(client, user.email)
    path = reset_link(smtp)
    new = "brand new password 2026"
    post_form(client, path, {"password": new, "confirm": new}, token_from=path)
    with app.app_context():
        entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(entry.action, entry.subject) for entry in entries] == [
            ("auth.password_reset_requested", user.email), ("auth.password_reset", user.email)]


def test_the_reset_link_of_a_deactivated_account_is_refused(app, client, factory, smtp):
    user = factory.user()
    ask_for_reset(client, user.email)
    path = reset_link(smtp)
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert client.get(path).status_code == 404
    new = "brand new password 2026"
    refused = post_form(client, path, {"password": new, "confirm": new}, token_from="/password/forgot")
    assert refused.status_code == 404
    with app.app_context():
        assert db.session.get(User, user.id).password_hash == PASSWORD_HASH


def test_the_forgot_password_form_is_rate_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_LIMIT", "2 per minute")
    statuses = [post_form(client, "/password/forgot", {"email": f"someone{i}@example.org"},
                          token_from="/password/forgot").status_code for i in range(3)]
    assert statuses == [302, 302, 429]


@pytest.mark.parametrize("variant", [str.lower, str.upper, str.title, lambda email: f"  {email}  ",
                                     lambda email: email[0].upper() + email[1:]])
def test_a_password_cannot_be_the_accounts_e_mail_address(app, client, factory, smtp, variant):
    user = factory.user(email="lee.longname@example.org")
    sign_in(client, user)
    same = variant(user.email)
    changed = post_form(client, "/account/password", {"current": user.password, "password": same, "confirm": same},
                        token_from="/account/password")
    assert changed.status_code == 422
    assert "Do not use your e-mail address as your password." in messages(changed)
    ask_for_reset(app.test_client(), user.email)
    path = reset_link(smtp)
    reset = post_form(client, path, {"password": same, "confirm": same}, token_from=path)
    assert reset.status_code == 422
    assert "Do not use your e-mail address as your password." in messages(reset)
    with app.app_context():
        assert db.session.get(User, user.id).password_hash == PASSWORD_HASH


def test_a_password_that_only_contains_the_e_mail_address_is_accepted(app, client, factory):
    user = factory.user(email="lee.longname@example.org")
    sign_in(client, user)
    longer = f"{user.email}!"
    changed = post_form(client, "/account/password", {"current": user.password, "password": longer,
                                                      "confirm": longer}, token_from="/account/password")
    assert changed.status_code == 302


def test_a_new_account_cannot_take_its_e_mail_address_as_password(app, cli):
    result = cli("users", "create", "--email", "lee.longname@example.org", "--name", "Lee",
                 input="LEE.LONGNAME@EXAMPLE.ORG\nLEE.LONGNAME@EXAMPLE.ORG\n")
    assert result.exit_code != 0 and "Do not use your e-mail address as your password." in result.output
