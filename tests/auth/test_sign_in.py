from datetime import timedelta

import pytest

from portal.audit import AuditEntry
from portal.auth.models import User
from portal.database import utcnow
from portal.extensions import db
from tests.conftest import messages, page, post_form, sign_in


def test_sign_in_and_go_to_the_page_asked_for(client, factory, content):
    user = factory.user()
    first = client.get("/standards")
    assert first.status_code == 302 and first.headers["Location"].startswith("/login?next=/standards")
    response = post_form(client, "/login", {"email": user.email.upper(), "password": user.password,
                                            "next": "/standards"})
    assert response.headers["Location"] == "/standards"


def test_next_never_leads_to_another_site(app, factory):
    user = factory.user()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        response = post_form(app.test_client(), "/login",
                             {"email": user.email, "password": user.password, "next": target})
        assert response.headers["Location"] == "/", target


def test_wrong_password_is_refused_with_a_clear_message(client, factory):
    user = factory.user()
    response = post_form(client, "/login", {"email": user.email, "password": "not the password"})
    assert response.status_code == 422
    assert "The e-mail address or password is not correct." in messages(response)
    assert client.get("/").status_code == 302


def test_empty_form_names_each_missing_field(client):
    response = post_form(client, "/login", {"email": "", "password": ""})
    assert response.status_code == 422
    summary = page(response).select_one(".error-summary")
    assert summary["role"] == "alert"
    assert [link["href"] for link in summary.select("a")] == ["#email", "#password"]


def test_inactive_account_cannot_sign_in(client, factory):
    user = factory.user(active=False)
    response = post_form(client, "/login", {"email": user.email, "password": user.password})
    assert response.status_code == 422


def test_account_is_throttled_after_repeated_failures(app, client, factory):
    user = factory.user()
    limit = app.config["LOGIN_ACCOUNT_MAX_FAILURES"]
    for _ in range(limit):
        post_form(client, "/login", {"email": user.email, "password": "wrong password!"})
    response = post_form(client, "/login", {"email": user.email, "password": user.password})
    assert response.status_code == 422
    assert any("Too many failed attempts for this account" in text for text in messages(response))
    other = factory.user()
    sign_in(app.test_client(), other)
    with app.app_context():
        refused = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "auth.sign_in_refused")).all()
        assert [entry.subject for entry in refused] == [user.email]


def test_address_is_throttled_after_failed_sign_ins(app, client, factory, monkeypatch):
    user = factory.user()
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_LIMIT", "3 per minute")
    statuses = [post_form(client, "/login", {"email": f"nobody{i}@example.org", "password": "x" * 12}).status_code
                for i in range(3)]
    blocked = post_form(client, "/login", {"email": user.email, "password": user.password})
    assert statuses == [422, 422, 422]
    assert blocked.status_code == 429
    assert "Too many attempts from your address" in page(blocked).get_text()


def test_an_office_signing_in_behind_one_address_is_not_throttled(app, factory, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_LIMIT", "3 per minute")
    for _ in range(8):
        sign_in(app.test_client(), factory.user())


def test_failures_older_than_the_lock_out_window_no_longer_count(app, client, factory):
    user = factory.user()
    window = app.config["LOGIN_ACCOUNT_WINDOW_MINUTES"]
    with app.app_context():
        for minutes in range(window + 1, window + 1 + app.config["LOGIN_ACCOUNT_MAX_FAILURES"]):
            db.session.add(AuditEntry(action="auth.sign_in_failed", subject=user.email,
                                      occurred_at=utcnow() - timedelta(minutes=minutes)))
        db.session.commit()
    sign_in(client, user)


def test_failures_inside_the_window_still_count(app, client, factory):
    user = factory.user()
    with app.app_context():
        for minutes in range(app.config["LOGIN_ACCOUNT_MAX_FAILURES"]):
            db.session.add(AuditEntry(action="auth.sign_in_failed", subject=user.email,
                                      occurred_at=utcnow() - timedelta(minutes=minutes)))
        db.session.commit()
    response = post_form(client, "/login", {"email": user.email, "password": user.password})
    assert any("Too many failed attempts for this account" in text for text in messages(response))


def test_a_successful_sign_in_clears_earlier_failures(app, factory):
    user = factory.user()
    below_limit = app.config["LOGIN_ACCOUNT_MAX_FAILURES"] - 1
    for _round in range(2):
        client = app.test_client()
        for _ in range(below_limit):
            post_form(client, "/login", {"email": user.email, "password": "wrong password!"})
        sign_in(client, user)


def test_an_unknown_address_costs_the_same_password_check_as_a_known_one(app, client, factory, monkeypatch):
    """Both paths verify one password hash of the same kind, so timing does not tell accounts apart."""
    from portal.auth import operations

    checked = []
    real_check = operations.check_password_hash

    def spy(stored_hash, password):
        checked.append(stored_hash.split("$", 1)[0])
        return real_check(stored_hash, password)

    monkeypatch.setattr(operations, "check_password_hash", spy)
    user = factory.user()
    with app.app_context():
        method = db.session.get(User, user.id).password_hash.split("$", 1)[0]
    post_form(client, "/login", {"email": user.email, "password": "wrong password!"})
    known = list(checked)
    checked.clear()
    post_form(client, "/login", {"email": "nobody@example.org", "password": "wrong password!"})
    assert known == checked == [method]


def test_the_session_cookie_is_http_only(client, factory):
    response = sign_in(client, factory.user())
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("portal_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("target", ["/promise\r\nSet-Cookie: stolen=1", "/promise\nX: 1", "/\x07promise"])
def test_a_next_with_control_characters_goes_home(client, factory, target):
    user = factory.user()
    response = post_form(client, "/login", {"email": user.email, "password": user.password, "next": target})
    assert response.headers["Location"] == "/"
    assert client.get("/login?next=/a%0d%0aSet-Cookie:%20x=1").status_code == 302


def test_sign_out_ends_the_session_even_for_a_copied_cookie(app, client, factory):
    sign_in(client, factory.user())
    copied = client.get_cookie("portal_session").value
    response = post_form(client, "/logout", {}, token_from="/")
    assert response.headers["Location"] == "/login"
    thief = app.test_client()
    thief.set_cookie("portal_session", copied)
    assert thief.get("/").status_code == 302


def test_sign_out_needs_a_post_with_a_token(client, factory):
    sign_in(client, factory.user())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_sign_in_and_failures_are_audited(app, client, factory):
    user = factory.user()
    post_form(client, "/login", {"email": user.email, "password": "wrong password!"},
              environ_base={"REMOTE_ADDR": "127.0.0.9"})
    sign_in(client, user)
    with app.app_context():
        entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(entry.action, entry.subject) for entry in entries] == [
            ("auth.sign_in_failed", user.email), ("auth.sign_in", user.email)]
        assert entries[0].ip_address == "127.0.0.9"
        assert entries[1].actor_id == user.id


def test_sign_out_is_audited(app, client, factory):
    user = factory.user()
    sign_in(client, user)
    post_form(client, "/logout", {}, token_from="/")
    with app.app_context():
        entry = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.subject, entry.actor_id) == ("auth.sign_out", user.email, user.id)


def test_signing_in_makes_the_form_secret_so_pages_leave_the_session_cookie_alone(client, factory):
    """The sign-in answer carries the new session with its form secret; the first pages then set no cookie, and the
    token they show is accepted."""
    signed_in = sign_in(client, factory.user())
    assert "portal_session=" in signed_in.headers.get("Set-Cookie", "")
    first = client.get("/")
    again = client.get("/help")
    assert first.status_code == again.status_code == 200
    assert "Set-Cookie" not in first.headers and "Set-Cookie" not in again.headers
    token = page(first).find("input", attrs={"name": "csrf_token"})["value"]
    switched = client.post("/language", data={"csrf_token": token, "language": "fr", "next": "/"})
    assert switched.status_code == 302
