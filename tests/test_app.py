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


def test_production_refuses_to_start_without_a_server_name(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.delenv("SERVER_NAME", raising=False)
    with pytest.raises(ConfigurationError, match="SERVER_NAME"):
        create_app("production")


def test_production_takes_its_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("DATABASE_URL", "postgres://someone@127.0.0.1:5432/portal")
    monkeypatch.setenv("SERVER_NAME", "portal.city.example:8443")
    monkeypatch.setenv("TRUSTED_HOSTS", "portal-internal.city.example")
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    settings = settings_for("production")
    assert settings["SECRET_KEY"] == "from-the-environment"
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://someone@127.0.0.1:5432/portal"
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SERVER_NAME"] == "portal.city.example:8443"
    assert settings["TRUSTED_HOSTS"] == ["portal.city.example", "portal-internal.city.example"]
    assert settings["TRUSTED_PROXIES"] == 2
    monkeypatch.setenv("TRUSTED_PROXIES", "two")
    with pytest.raises(ConfigurationError, match="TRUSTED_PROXIES"):
        settings_for("production")


def test_requests_for_another_host_are_refused(client):
    response = client.get("/login", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.headers["Content-Security-Policy"]
    assert client.get("/login", headers={"Host": "localhost"}).status_code == 200


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
                       base_url="http://portal.city.example")
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
