import os
import subprocess
import sys

import pytest
from flask import abort

from portal import create_app
from portal.config import BASE_DIR, ConfigurationError, settings_for
from portal.security import PUBLIC, requires
from tests.conftest import page, sign_in, settings_for_tests

LONG_ENOUGH_SECRET = "s" * 32


@pytest.fixture
def production(monkeypatch):
    """A complete production environment; each test takes out or spoils one setting."""
    for name in ("MAIL_DISABLED", "MAIL_PORT", "TRUSTED_HOSTS", "TRUSTED_PROXIES", "MAIL_DEFAULT_SENDER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", LONG_ENOUGH_SECRET)
    monkeypatch.setenv("DATABASE_URL", "postgres://someone@127.0.0.1:5432/portal")
    monkeypatch.setenv("SERVER_NAME", "portal.city.example")
    monkeypatch.setenv("MAIL_SERVER", "smtp.city.example")
    return monkeypatch


def test_production_refuses_to_start_without_a_secret_key(production):
    production.delenv("SECRET_KEY")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app("production")


def test_a_secret_key_shorter_than_32_characters_is_refused(production):
    for environment in ("production", "development"):
        production.setenv("SECRET_KEY", "s" * 31)
        with pytest.raises(ConfigurationError, match="^SECRET_KEY must be at least 32 characters"):
            settings_for(environment)
    production.setenv("SECRET_KEY", "s" * 32)
    assert settings_for("production")["SECRET_KEY"] == "s" * 32


def test_production_refuses_to_start_without_a_server_name(production):
    production.delenv("SERVER_NAME")
    with pytest.raises(ConfigurationError, match="SERVER_NAME"):
        create_app("production")


def test_production_needs_a_database_url_and_takes_sqlite_only_when_named(production, tmp_path):
    production.delenv("DATABASE_URL")
    with pytest.raises(ConfigurationError, match="^DATABASE_URL must be set"):
        settings_for("production")
    production.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/portal.db")
    assert settings_for("production")["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/portal.db"
    for address in ("mysql://someone@db.city.example/portal", "portal.db", "sqlite://"):
        production.setenv("DATABASE_URL", address)
        with pytest.raises(ConfigurationError, match="^DATABASE_URL must be a PostgreSQL address"):
            settings_for("production")
    production.delenv("DATABASE_URL")
    assert settings_for("development")["SQLALCHEMY_DATABASE_URI"].endswith("instance/portal.db")


def test_production_needs_a_mail_server_unless_mail_is_disabled(production):
    production.delenv("MAIL_SERVER")
    with pytest.raises(ConfigurationError, match="^MAIL_SERVER must be set"):
        settings_for("production")
    production.setenv("MAIL_DISABLED", "true")
    assert settings_for("production")["MAIL_DISABLED"] is True
    production.delenv("MAIL_DISABLED")
    assert settings_for("development")["MAIL_SERVER"] == settings_for("test")["MAIL_SERVER"] == ""


def test_production_takes_its_settings_from_the_environment(production):
    production.setenv("SERVER_NAME", "portal.city.example:8443")
    production.setenv("TRUSTED_HOSTS", "portal-internal.city.example")
    production.setenv("TRUSTED_PROXIES", "2")
    production.setenv("MAIL_PORT", "587")
    settings = settings_for("production")
    assert settings["SECRET_KEY"] == LONG_ENOUGH_SECRET
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://someone@127.0.0.1:5432/portal"
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SERVER_NAME"] == "portal.city.example:8443"
    assert settings["TRUSTED_HOSTS"] == ["portal.city.example", "portal-internal.city.example"]
    assert settings["TRUSTED_PROXIES"] == 2
    assert (settings["MAIL_SERVER"], settings["MAIL_PORT"], settings["MAIL_DISABLED"]) == (
        "smtp.city.example", 587, False)
    for name, value in (("TRUSTED_PROXIES", "two"), ("MAIL_PORT", "25x")):
        production.setenv(name, value)
        with pytest.raises(ConfigurationError, match=f"^{name} must be a whole number"):
            settings_for("production")
        production.delenv(name)


@pytest.mark.parametrize("spoil, setting", [
    ({"SECRET_KEY": "short"}, "SECRET_KEY"), ({"DATABASE_URL": None}, "DATABASE_URL"),
    ({"MAIL_SERVER": None}, "MAIL_SERVER"), ({"MAIL_PORT": "twenty-five"}, "MAIL_PORT"),
])
def test_a_setting_error_is_one_line_and_a_failed_start(spoil, setting):
    """As the flask command and gunicorn start the portal: wsgi.py prints one line and exits non-zero."""
    env = {"PATH": os.environ["PATH"], "PORTAL_ENV": "production", "SECRET_KEY": LONG_ENOUGH_SECRET,
           "DATABASE_URL": "sqlite:////nonexistent/portal.db", "SERVER_NAME": "portal.city.example",
           "MAIL_SERVER": "smtp.city.example"}
    env.update(spoil)
    env = {name: value for name, value in env.items() if value is not None}
    flask = [str(BASE_DIR / ".venv" / "bin" / "flask"), "--app", "wsgi", "routes"]
    for command in (flask, [sys.executable, "-c", "import wsgi"]):
        started = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60)
        assert started.returncode != 0
        lines = started.stderr.strip().splitlines()
        assert len(lines) == 1 and setting in lines[0] and "Traceback" not in started.stderr, started.stderr
        assert started.stdout == ""


def test_the_portal_refuses_to_start_without_compiled_translations(database_url, tmp_path):
    catalogue = tmp_path / "fr" / "LC_MESSAGES"
    catalogue.mkdir(parents=True)
    (catalogue / "messages.po").write_text((BASE_DIR / "translations/fr/LC_MESSAGES/messages.po").read_text())
    with pytest.raises(ConfigurationError, match="^the fr translations are not compiled .*messages.mo is missing"):
        create_app(settings_for_tests(database_url, BABEL_TRANSLATION_DIRECTORIES=str(tmp_path)))
    (catalogue / "messages.mo").write_bytes((BASE_DIR / "translations/fr/LC_MESSAGES/messages.mo").read_bytes())
    create_app(settings_for_tests(database_url, BABEL_TRANSLATION_DIRECTORIES=str(tmp_path)))


def test_requests_for_another_host_are_refused(client):
    response = client.get("/login", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.headers["Content-Security-Policy"]
    assert client.get("/login", headers={"Host": "localhost"}).status_code == 200


@pytest.mark.parametrize("server_name, host, scheme, status", [
    ("portal.city.example:8443", "portal.city.example:8443", "https", 200),
    ("portal.city.example:8443", "portal.city.example:9443", "https", 400),
    ("portal.city.example:8443", "portal.city.example", "https", 400),
    ("portal.city.example:8443", "portal-internal.city.example:9000", "https", 200),
    ("portal.city.example", "portal.city.example", "https", 200),
    ("portal.city.example", "portal.city.example:443", "https", 200),
    ("portal.city.example", "portal.city.example:8080", "http", 400),
    ("portal.city.example", "portal.city.example:8443", "https", 400),
])
def test_the_port_in_host_is_checked_with_the_name(database_url, server_name, host, scheme, status):
    portal_app = create_app(settings_for_tests(database_url, SERVER_NAME=server_name, TRUSTED_HOSTS=[
        "portal.city.example", "portal-internal.city.example"]))
    response = portal_app.test_client().get("/login", headers={"Host": host}, base_url=f"{scheme}://{host}")
    assert response.status_code == status
    if status == 400:
        assert "The request could not be understood." in page(response).get_text()


def test_e_mailed_reset_links_never_take_their_host_from_the_request(database_url, factory, smtp):
    portal_app = create_app(settings_for_tests(database_url, SERVER_NAME="portal.city.example",
                                               TRUSTED_HOSTS=["portal.city.example"], MAIL_SERVER="127.0.0.1",
                                               MAIL_PORT=smtp.port))
    user = factory.user()
    client = portal_app.test_client()
    poisoned = client.post("/password/forgot", data={"email": user.email}, headers={"Host": "evil.example"})
    assert poisoned.status_code == 400
    form = page(client.get("/password/forgot", base_url="http://portal.city.example"))
    token = form.find("input", attrs={"name": "csrf_token"})["value"]
    sent = client.post("/password/forgot", data={"email": user.email, "csrf_token": token},
                       base_url="http://portal.city.example", buffered=True)
    assert sent.status_code == 302
    (_recipients, message), = smtp.wait()
    body = message.get_payload(decode=True).decode()
    assert "http://portal.city.example/password/reset/" in body and "evil.example" not in body


@pytest.mark.parametrize("host", ["evil..example", "x" * 300, "[::1", "a b", "host:99999", "évil.example"])
def test_a_malformed_host_gets_the_portals_own_400_page(client, host):
    response = client.get("/promise/versions/2.0", headers={"Host": host})
    assert response.status_code == 400
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "The request could not be understood." in page(response).get_text()


def test_https_answers_carry_strict_transport_security(client):
    assert "max-age=" in client.get("/login", base_url="https://localhost").headers["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_behind_a_trusted_proxy_the_real_client_address_is_recorded(database_url, factory):
    from portal.audit import AuditEntry
    from portal.extensions import db

    proxied = create_app(settings_for_tests(database_url, TRUSTED_PROXIES=1))
    user = factory.user()
    client = proxied.test_client()
    sign_in(client, user, headers={"X-Forwarded-For": "203.0.113.9"})
    direct = create_app(settings_for_tests(database_url))
    sign_in(direct.test_client(), user, headers={"X-Forwarded-For": "203.0.113.10"})
    with proxied.app_context():
        addresses = db.session.scalars(db.select(AuditEntry.ip_address).where(AuditEntry.action == "auth.sign_in")
                                       .order_by(AuditEntry.id)).all()
    assert addresses == ["203.0.113.9", "127.0.0.1"]


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


def test_a_nul_byte_anywhere_is_refused_before_it_reaches_the_database(client, factory):
    sign_in(client, factory.user(roles=("steward",)))
    assert client.get("/attestation/C%00D").status_code == 404
    assert client.get("/attestation/?sort=na%00me").status_code == 400
    assert client.post("/login", data={"email": "a\x00@example.org"}).status_code == 400


@pytest.mark.parametrize("value, cell", [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
                                         ("plain", "plain"), (None, ""), (42, "42")])
def test_csv_cells_that_could_be_formulas_are_neutralised(value, cell):
    from portal.csv_export import safe_cell

    assert safe_cell(value) == cell
