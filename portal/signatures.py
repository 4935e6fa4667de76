"""The session cookie's signature checked, and the form token signed, once per process rather than on every page.

A reader sends the same session cookie with every page until it changes. Checking its signature and reading it
again gives the same session each time, so what it held is kept under the cookie's exact value, with when it was
signed; it is still refused once older than the session's lifetime. A form token is the session's form secret
signed with the time: the same signed token serves a session's pages for a minute, which leaves it valid for all
but that minute of its eight hours."""
import time
from copy import deepcopy
from datetime import datetime

from flask import g, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

from .kept import KeptByKey

KEPT_COOKIES = 4096
FORM_TOKEN_SECONDS = 60
FORM_TOKEN = "csrf_token"
IMMUTABLE = (str, int, float, bool, bytes, type(None), datetime)


class CheckedSessionInterface(SecureCookieSessionInterface):
    """The signed session cookie, its signature checked once per value and age checked on every request."""

    def __init__(self) -> None:
        self.opened = KeptByKey(KEPT_COOKIES)

    def open_session(self, app, request):
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = app.permanent_session_lifetime.total_seconds()
        known = self.opened.peek((app.secret_key, value))
        if known is None:
            serializer = self.get_signing_serializer(app)
            if serializer is None:
                return None
            try:
                data, signed_at = serializer.loads(value, max_age=int(max_age), return_timestamp=True)
            except BadSignature:
                return self.session_class()
            known = (data, signed_at.timestamp())
            self.opened.put((app.secret_key, value), known)
        data, signed_at = known
        if time.time() - signed_at > max_age:
            return self.session_class()
        plain = all(isinstance(item, IMMUTABLE) for item in data.values())
        return self.session_class(dict(data) if plain else deepcopy(data))

    def save_session(self, app, session, response) -> None:
        """An unchanged session that needs no new cookie only varies the response; most pages are such."""
        if session.modified or self.should_set_cookie(app, session):
            super().save_session(app, session, response)
        elif session.accessed:
            if "Vary" in response.headers:
                response.vary.add("Cookie")
            else:
                response.headers["Vary"] = "Cookie"


_form_tokens = KeptByKey(KEPT_COOKIES)


def reuse_form_token() -> None:
    """Gives the page the form token signed for this session's form secret within the last minute, if any;
    Flask-WTF signs a new one (and it is kept) only when there is none."""
    secret = session.get(FORM_TOKEN)
    if not secret or FORM_TOKEN in g:
        return
    known = _form_tokens.peek(secret)
    if known is not None and time.monotonic() - known[1] < FORM_TOKEN_SECONDS:
        setattr(g, FORM_TOKEN, known[0])


def keep_form_token(response):
    """After the page: the token it signed, if it signed one, kept for the next pages of the same session."""
    token = g.get(FORM_TOKEN)
    secret = session.get(FORM_TOKEN) if token else None
    if secret:
        known = _form_tokens.peek(secret)
        if known is None or known[0] != token:
            _form_tokens.put(secret, (token, time.monotonic()))
    return response

