"""Sessions end when the account is deactivated or the session is older than its lifetime, and the session kept per
cookie value is never shared between requests."""
import time

from flask import jsonify, session

from portal import create_app
from portal.auth.models import User
from portal.extensions import db
from portal.kept import forget
from portal.security import PUBLIC, requires
from tests.conftest import settings_for_tests, sign_in


def test_a_deactivated_accounts_session_stops_working(app, client, factory):
    user = factory.user()
    sign_in(client, user)
    assert client.get("/").status_code == 200
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_session_older_than_its_lifetime_stops_working(app, client, factory, monkeypatch):
    sign_in(client, factory.user())
    assert client.get("/").status_code == 200  # the cookie is now checked and kept by this process
    cookie = client.get_cookie("portal_session").value
    lifetime = app.permanent_session_lifetime.total_seconds()
    started = time.time()

    def visit_at(seconds_later: float, kept: bool) -> int:
        monkeypatch.setattr(time, "time", lambda: started + seconds_later)
        if not kept:
            forget()  # a process that has not seen the cookie yet
        visitor = app.test_client()
        visitor.set_cookie("portal_session", cookie)
        return visitor.get("/").status_code

    assert visit_at(lifetime - 60, kept=True) == 200
    assert visit_at(lifetime - 60, kept=False) == 200
    assert visit_at(lifetime + 60, kept=True) == 302
    assert visit_at(lifetime + 60, kept=False) == 302


def test_the_session_kept_for_a_cookie_is_not_shared_between_requests(app, database_url):
    """A page that changes a nested value in place (without marking the session changed) writes no new cookie; the
    next request with the same cookie must see the session as the cookie holds it."""
    portal = create_app(settings_for_tests(database_url))

    @portal.route("/basket/<action>")
    @requires(PUBLIC)
    def basket(action: str):
        if action == "start":
            session["basket"] = {"items": ["first"]}
        elif action == "change":
            session["basket"]["items"].append("changed in place")
        return jsonify(session.get("basket"))

    client = portal.test_client()
    client.get("/basket/start")
    assert client.get("/basket/change").json == {"items": ["first", "changed in place"]}
    assert client.get("/basket/read").json == {"items": ["first"]}
    assert client.get("/basket/change").json == {"items": ["first", "changed in place"]}
    assert client.get("/basket/read").json == {"items": ["first"]}
