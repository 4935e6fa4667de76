import pytest
from flask import abort

from portal import create_app
from portal.config import ConfigurationError, settings_for
from portal.security import PUBLIC, requires
from tests.conftest import page, sign_in, settings_for_tests


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app("production")


def test_production_takes_the_secret_key_and_database_from_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("DATABASE_URL", "postgres://someone@127.0.0.1:5432/portal")
    settings = settings_for("production")
    assert settings["SECRET_KEY"] == "from-the-environment"
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://someone@127.0.0.1:5432/portal"
    assert settings["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("SERVER_NAME", "portal.city.example")
    assert settings_for("production")["SERVER_NAME"] == "portal.city.example"


def test_reset_links_use_the_configured_host_not_the_request_host(database_url, factory):
    from portal.auth.models import User
    from portal.auth.operations import reset_token
    from portal.extensions import db

    app = create_app(settings_for_tests(database_url, SERVER_NAME="portal.city.example"))
    user_id = factory.user().id
    with app.test_request_context("/", base_url="http://attacker.example"):
        from flask import url_for

        link = url_for("auth.reset_password", token=reset_token(db.session.get(User, user_id)), _external=True)
    assert link.startswith("http://portal.city.example/password/reset/")


def test_unknown_environment_is_a_start_up_error():
    with pytest.raises(ConfigurationError, match="PORTAL_ENV"):
        settings_for("staging")


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database(tmp_path):
    broken = create_app(settings_for_tests(f"sqlite:///{tmp_path}/missing-folder/nothing.db"))
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_security_headers_on_every_page(client):
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_pages_behind_sign_in_are_not_cached(client, factory, content):
    sign_in(client, factory.user())
    assert client.get("/promise").headers["Cache-Control"] == "no-store"


def test_error_page_shows_no_internals(database_url):
    app = create_app(settings_for_tests(database_url))

    @app.route("/explode")
    @requires(PUBLIC)
    def explode():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/explode")
    assert response.status_code == 500
    text = page(response).get_text(" ", strip=True)
    assert "secret internal detail" not in text and "Traceback" not in text
    assert "Something went wrong on our side" in text


def test_not_found_page_explains_itself(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "There is no page at this address." in page(response).get_text()


def test_request_larger_than_the_limit_is_refused(client):
    response = client.post("/login", data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in page(response).get_text()


@pytest.mark.parametrize("code, message", [
    (403, "You do not have permission"), (410, "The request could not be understood."),
    (500, "Something went wrong on our side"), (503, "Something went wrong on our side"),
])
def test_abort_inside_a_view_keeps_its_status_and_explains_it(database_url, code, message):
    app = create_app(settings_for_tests(database_url))

    @app.route("/aborts")
    @requires(PUBLIC)
    def aborts():
        abort(code)

    response = app.test_client().get("/aborts")
    assert response.status_code == code
    assert message in page(response).get_text()
