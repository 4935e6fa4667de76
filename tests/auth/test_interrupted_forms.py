"""A form sent after the session ended or the form expired: the person goes back to the page (signing in first when
the session had ended) with what they typed, never a password; a form from elsewhere still gets the plain 400."""
from datetime import timedelta

import pytest
from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

from portal import create_app
from portal.adoption.models import PhaseChange
from portal.auth.models import User
from portal.extensions import db
from portal.security import requires
from tests.conftest import csrf_token, messages, page, post_form, settings_for_tests, sign_in

SESSION_ENDED = ("Your session had ended, so the form was not sent. Sign in to go back to it: what you typed is "
                 "kept, apart from passwords.")
OPEN_TOO_LONG = ("This form was open too long, so it was not sent. What you typed is back in the form, apart from "
                 "passwords: check it and send it again.")
TOO_LONG_TO_KEEP = ("This form was open too long, so it was not sent, and what you typed was too long to keep. "
                    "Fill it in again and send it.")
BACK_AFTER_SIGN_IN = "What you typed before your session ended is back in the form: check it and send it again."
HTTPS_NEEDED = ("The portal must be reached over HTTPS: the browser keeps the sign-in cookie only on a secure "
                "connection. Open the portal's address that starts with https://.")
FROM_THE_PAGE = {"Origin": "http://localhost", "Referer": "http://localhost/notes?draft=1"}
NOTE = {"title": "Counter hours", "note": "Open the counter at 8 on Mondays.\nAsk the union first.",
        "signature": "my secret phrase 1"}


class NoteForm(FlaskForm):
    title = StringField("Title")
    note = TextAreaField("Note")
    signature = PasswordField("Password to sign")


@pytest.fixture
def notes_app(app, database_url):
    """The portal with one more page behind sign-in: a form with text, a long text and a password."""
    portal = create_app(settings_for_tests(database_url))
    saved = []

    @portal.route("/notes", methods=["GET", "POST"])
    @requires("account.own")
    def notes():
        form = NoteForm()
        if form.validate_on_submit():
            saved.append(form.data)
            return "saved"
        return render_template_string(
            '{% extends "base.html" %}{% block content %}<form method="post">{{ form.csrf_token }}{{ form.title }}'
            '{{ form.note }}{{ form.signature }}</form>{% endblock %}', form=form)

    portal.saved = saved
    return portal


def shown(response) -> dict:
    soup = page(response)
    return {"title": soup.find("input", attrs={"name": "title"}).get("value", ""),
            "note": soup.find("textarea", attrs={"name": "note"}).get_text().removeprefix("\r\n"),
            "signature": soup.find("input", attrs={"name": "signature"}).get("value", "")}


def session_text(app, client) -> str:
    """What the session cookie holds, decoded."""
    serializer = app.session_interface.get_signing_serializer(app)
    return repr(serializer.loads(client.get_cookie("portal_session").value))


def sent_after_the_session_ended(app, client, user, monkeypatch):
    """The note sent by `user` from the notes page after their session outlived its lifetime."""
    sign_in(client, user)
    token = csrf_token(client, "/notes")
    monkeypatch.setitem(app.config, "PERMANENT_SESSION_LIFETIME", timedelta(seconds=-1))
    response = client.post("/notes", data={"csrf_token": token, **NOTE}, headers=FROM_THE_PAGE)
    monkeypatch.undo()
    return response


def test_a_signed_out_form_goes_to_sign_in_and_back_with_what_was_typed(notes_app, factory, monkeypatch):
    user = factory.user()
    client = notes_app.test_client()
    response = sent_after_the_session_ended(notes_app, client, user, monkeypatch)
    assert response.status_code == 303
    assert response.headers["Location"] == "/login?next=/notes?draft%3D1"
    assert "my secret phrase" not in session_text(notes_app, client)
    login = client.get(response.headers["Location"])
    assert SESSION_ENDED in messages(login)
    assert page(login).select_one("main form input[name=next]")["value"] == "/notes?draft=1"
    signed_in = post_form(client, "/login", {"email": user.email, "password": user.password, "next": "/notes?draft=1"})
    assert signed_in.headers["Location"] == "/notes?draft=1"
    back = client.get("/notes?draft=1")
    assert shown(back) == {**NOTE, "signature": ""}
    assert messages(back) == [BACK_AFTER_SIGN_IN]
    assert notes_app.saved == []
    assert shown(client.get("/notes?draft=1")) == {"title": "", "note": "", "signature": ""}


def test_what_one_person_typed_is_never_given_to_another_who_signs_in_after_them(notes_app, factory, monkeypatch):
    """On a shared computer: the session ended with a form unsent, and someone else signs in on the same browser."""
    typist, next_person = factory.user(), factory.user()
    client = notes_app.test_client()
    response = sent_after_the_session_ended(notes_app, client, typist, monkeypatch)
    assert response.headers["Location"] == "/login?next=/notes?draft%3D1"
    post_form(client, "/login", {"email": next_person.email, "password": next_person.password,
                                 "next": "/notes?draft=1"})
    back = client.get("/notes?draft=1")
    assert shown(back) == {"title": "", "note": "", "signature": ""} and BACK_AFTER_SIGN_IN not in messages(back)
    assert "Counter hours" not in session_text(notes_app, client)


def test_a_form_sent_with_no_session_at_all_keeps_nothing_across_sign_in(notes_app, factory):
    user = factory.user()
    client = notes_app.test_client()
    client.post("/notes", data={"csrf_token": "from nowhere", **NOTE}, headers=FROM_THE_PAGE)
    sign_in(client, user)
    assert shown(client.get("/notes?draft=1")) == {"title": "", "note": "", "signature": ""}


def test_a_form_of_someone_signed_out_elsewhere_goes_to_sign_in_and_back(notes_app, factory):
    """The token is still good, but the account's sessions were ended (signed out on another device)."""
    user = factory.user()
    client, other_device = notes_app.test_client(), notes_app.test_client()
    sign_in(client, user)
    token = csrf_token(client, "/notes")
    sign_in(other_device, user)
    post_form(other_device, "/logout", {}, token_from="/")
    response = client.post("/notes", data={"csrf_token": token, **NOTE}, headers=FROM_THE_PAGE)
    assert response.status_code == 303 and response.headers["Location"] == "/login?next=/notes?draft%3D1"
    sign_in(client, user)
    assert shown(client.get("/notes?draft=1")) == {**NOTE, "signature": ""}
    assert notes_app.saved == []


def test_an_expired_form_of_someone_signed_in_comes_back_with_what_was_typed(notes_app, factory, monkeypatch):
    client = notes_app.test_client()
    sign_in(client, factory.user())
    token = csrf_token(client, "/notes")
    monkeypatch.setitem(notes_app.config, "WTF_CSRF_TIME_LIMIT", -1)
    response = client.post("/notes", data={"csrf_token": token, **NOTE}, headers=FROM_THE_PAGE)
    assert response.status_code == 303 and response.headers["Location"] == "/notes?draft=1"
    again = client.get("/notes?draft=1")
    assert messages(again) == [OPEN_TOO_LONG]
    assert shown(again) == {**NOTE, "signature": ""}
    monkeypatch.setitem(notes_app.config, "WTF_CSRF_TIME_LIMIT", 3600)
    token = page(again).find("input", attrs={"name": "csrf_token"})["value"]
    assert client.post("/notes", data={"csrf_token": token, **NOTE}).get_data(as_text=True) == "saved"


def test_what_was_typed_goes_only_to_the_next_page_if_it_is_the_forms(notes_app, factory, monkeypatch):
    client = notes_app.test_client()
    sign_in(client, factory.user())
    token = csrf_token(client, "/notes")
    monkeypatch.setitem(notes_app.config, "WTF_CSRF_TIME_LIMIT", -1)
    client.post("/notes", data={"csrf_token": token, **NOTE}, headers=FROM_THE_PAGE)
    assert client.get("/help").status_code == 200
    assert shown(client.get("/notes?draft=1"))["title"] == ""


def test_too_much_text_to_keep_is_said_and_the_cookie_stays_small(notes_app, factory, monkeypatch):
    client = notes_app.test_client()
    sign_in(client, factory.user())
    token = csrf_token(client, "/notes")
    monkeypatch.setitem(notes_app.config, "WTF_CSRF_TIME_LIMIT", -1)
    long_note = " ".join(f"word{number}" for number in range(900))
    response = client.post("/notes", data={"csrf_token": token, "title": "Long", "note": long_note},
                           headers=FROM_THE_PAGE)
    assert response.status_code == 303
    assert all(len(cookie) < 3500 for cookie in response.headers.getlist("Set-Cookie"))
    again = client.get("/notes?draft=1")
    assert TOO_LONG_TO_KEEP in messages(again) and shown(again)["note"] == ""


@pytest.mark.parametrize("headers", [{}, {"Origin": "https://evil.example"},
                                     {"Referer": "https://evil.example/notes"},
                                     {"Origin": "http://localhost", "Sec-Fetch-Site": "cross-site"},
                                     {"Referer": "http://[::1"}])
def test_a_form_not_sent_from_this_site_gets_the_plain_refusal_and_leaves_the_session(notes_app, factory, headers):
    client = notes_app.test_client()
    sign_in(client, factory.user())
    response = client.post("/notes", data={"csrf_token": "forged", **NOTE}, headers=headers)
    assert response.status_code == 400
    assert "This form expired or did not come from this site." in page(response).get_text()
    assert "Set-Cookie" not in response.headers
    assert client.get("/notes").status_code == 200 and shown(client.get("/notes"))["title"] == ""


def test_an_expired_sign_in_form_comes_back_with_the_address(client, factory):
    user = factory.user()
    client.get("/login?next=/standards")
    response = client.post("/login", data={"csrf_token": "expired", "email": user.email, "password": user.password,
                                           "next": "/standards"},
                           headers={"Origin": "http://localhost", "Referer": "http://localhost/login?next=/standards"})
    assert response.status_code == 303 and response.headers["Location"] == "/login?next=/standards"
    again = client.get("/login?next=/standards")
    assert OPEN_TOO_LONG in messages(again)
    form = page(again)
    assert form.find("input", attrs={"name": "email"})["value"] == user.email
    assert form.find("input", attrs={"name": "password"}).get("value", "") == ""
    assert form.select_one("main form input[name=next]")["value"] == "/standards"


def test_an_expired_form_on_a_real_page_comes_back_with_the_choices_and_the_reason(app, client, factory, monkeypatch):
    factory.division("CXD")
    sign_in(client, factory.user(roles=("staff", "steward")))
    path = "/adoption/divisions/CXD/phase"
    token = csrf_token(client, path)
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", -1)
    typed = {"phase": "walk", "status": "in_progress", "reason": "Every counter now shows the promise."}
    response = client.post(path, data={"csrf_token": token, **typed},
                           headers={"Origin": "http://localhost", "Referer": f"http://localhost{path}"})
    assert response.status_code == 303 and response.headers["Location"] == path
    again = page(client.get(path))
    assert again.find("input", attrs={"name": "phase", "checked": True})["value"] == "walk"
    assert again.find("input", attrs={"name": "status", "checked": True})["value"] == "in_progress"
    assert again.find("textarea", attrs={"name": "reason"}).get_text().strip() == typed["reason"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(PhaseChange.id))) == 0


def test_over_plain_http_with_secure_cookies_sign_in_says_to_use_https(app, client, factory, monkeypatch):
    user = factory.user()
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    token = csrf_token(client, "/login")
    browser = app.test_client(use_cookies=False)  # a browser keeps no secure cookie from a plain HTTP page
    response = browser.post("/login", data={"csrf_token": token, "email": user.email, "password": user.password},
                            headers={"Origin": "http://localhost", "Referer": "http://localhost/login"})
    assert response.status_code == 400
    assert messages(response)[0] == HTTPS_NEEDED
    assert page(response).select_one(".error-summary li span[lang=fr]").get_text().startswith(
        "Le portail doit être consulté en HTTPS")
    assert page(response).find("input", attrs={"name": "email"})["value"] == user.email
    assert "expired" not in page(response).get_text()
    elsewhere = browser.post("/account/password", data={"csrf_token": token},
                             headers={"Origin": "http://localhost"})
    assert elsewhere.status_code == 400 and page(elsewhere).h1.get_text() == HTTPS_NEEDED
    assert page(elsewhere).select_one("main p[lang=fr]").get_text().startswith("Le portail doit être consulté")
    secure = app.test_client(use_cookies=False).post(
        "/login", data={"csrf_token": token, "email": user.email}, base_url="https://localhost",
        headers={"Origin": "https://localhost", "Referer": "https://localhost/login"})
    assert secure.status_code == 303 and secure.headers["Location"] == "/login"


def test_nothing_secret_is_kept_whatever_the_form_calls_it(notes_app, factory):
    client = notes_app.test_client()
    secrets = {"password": "pw one two three", "current": "pw four five six", "confirm": "pw seven eight",
               "new_password": "pw nine ten", "api_token": "pw eleven", "csrf_token": "pw twelve"}
    client.post("/notes", data={**secrets, "title": "Kept title"}, headers=FROM_THE_PAGE)
    kept = session_text(notes_app, client)
    assert "Kept title" in kept and not any(value in kept for value in secrets.values())
    with notes_app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_signing_out_after_the_session_ended_just_says_so(client, factory):
    sign_in(client, factory.user())
    client.delete_cookie("portal_session")
    response = client.post("/logout", data={"csrf_token": "from the ended session"},
                           headers={"Origin": "http://localhost", "Referer": "http://localhost/promise"})
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert "You are signed out." in messages(client.get("/login"))
