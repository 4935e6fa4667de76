"""Signing a bench account in through the login form, in process or over HTTP, and checking a page."""
import http.client
import re
from urllib.parse import urlencode, urlsplit

from .pages import PASSWORD, Account

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class SignInError(RuntimeError):
    """The login form did not sign the bench account in."""


def csrf_token(html: str) -> str:
    found = CSRF_FIELD.search(html)
    if found is None:
        raise SignInError("the login form has no CSRF token")
    return found.group(1)


def sign_in_client(client, account: Account, base_url: str) -> None:
    """Signs in with a Flask test client, which keeps the session cookie."""
    token = csrf_token(client.get("/login", base_url=base_url).get_data(as_text=True))
    response = client.post("/login", base_url=base_url,
                           data={"email": account.email, "password": PASSWORD, "csrf_token": token})
    if response.status_code != 302:
        raise SignInError(f"signing in {account.email} answered {response.status_code}")


def _request(base_url: str, method: str, path: str, cookie: str = "", body: str = ""):
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Set-Cookie") or "", response.read()
    finally:
        connection.close()


def _cookie(set_cookie: str) -> str:
    return set_cookie.split(";", 1)[0]


def sign_in_http(base_url: str, account: Account) -> str:
    """Signs in over HTTP; returns the `name=value` session cookie to send with every request."""
    _status, set_cookie, html = _request(base_url, "GET", "/login")
    form = urlencode({"email": account.email, "password": PASSWORD, "csrf_token": csrf_token(html.decode())})
    status, signed_in, _body = _request(base_url, "POST", "/login", _cookie(set_cookie), form)
    if status != 302 or not signed_in:
        raise SignInError(f"signing in {account.email} at {base_url} answered {status}")
    return _cookie(signed_in)


def fetch(base_url: str, path: str, cookie: str = "") -> tuple[int, int]:
    """The status and body size of one GET."""
    status, _set_cookie, body = _request(base_url, "GET", path, cookie)
    return status, len(body)
