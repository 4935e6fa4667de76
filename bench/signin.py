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
    form = client.get("/login", base_url=base_url)
    if form.status_code != 200:
        raise SignInError(f"the login form answered {form.status_code}")
    token = csrf_token(form.get_data(as_text=True))
    response = client.post("/login", base_url=base_url,
                           data={"email": account.email, "password": PASSWORD, "csrf_token": token})
    if response.status_code != 302:
        raise SignInError(f"signing in {account.email} answered {response.status_code}")


def _request(base_url: str, method: str, path: str, cookies: dict[str, str] | None = None, body: str = ""):
    """One request; returns the status, the cookies it set and the body."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Cookie": cookie_header(cookies)} if cookies else {}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        set_cookies = dict(header.split(";", 1)[0].split("=", 1) for header in response.headers.get_all("Set-Cookie", []))
        return response.status, set_cookies, response.read()
    finally:
        connection.close()


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def sign_in_http(base_url: str, account: Account) -> dict[str, str]:
    """Signs in over HTTP; returns the cookies to send with every request."""
    status, cookies, html = _request(base_url, "GET", "/login")
    if status != 200:
        raise SignInError(f"the login form at {base_url} answered {status}")
    form = urlencode({"email": account.email, "password": PASSWORD, "csrf_token": csrf_token(html.decode())})
    status, signed_in, _body = _request(base_url, "POST", "/login", cookies, form)
    if status != 302 or not signed_in:
        raise SignInError(f"signing in {account.email} at {base_url} answered {status}")
    return cookies | signed_in


def fetch(base_url: str, path: str, cookies: dict[str, str] | None = None) -> tuple[int, int]:
    """The status and body size of one GET."""
    status, _set_cookies, body = _request(base_url, "GET", path, cookies)
    return status, len(body)
