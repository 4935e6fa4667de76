"""Roles, named permissions, the permission decorator, object access and security headers."""
from collections.abc import Callable, Iterable
from functools import wraps
from typing import TypeVar
from urllib.parse import urlsplit

from flask import abort, current_app, make_response, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .config import host_and_port
from .enums import TitledEnum
from .extensions import login_manager
from .signatures import CheckedSessionInterface


T = TypeVar("T")


class Role(TitledEnum):
    STAFF = "staff"
    LEAD = "lead"
    STEWARD = "steward"
    COMMITTEE = "committee"
    ADMIN = "admin"

    @classmethod
    def titles(cls) -> dict:
        return {cls.STAFF: _l("Staff member"), cls.LEAD: _l("Divisional lead"), cls.STEWARD: _l("Steward"),
                cls.COMMITTEE: _l("Awards committee member"), cls.ADMIN: _l("Administrator")}

EVERYONE = frozenset(Role)
PUBLIC = "public"

PERMISSIONS: dict[str, frozenset[Role]] = {
    "account.own": EVERYONE,
    "content.read": EVERYONE,
    "attestation.submit": EVERYONE,
    "attestation.report": frozenset({Role.LEAD, Role.STEWARD}),
    "attestation.report_all": frozenset({Role.STEWARD}),
    "learning.take": EVERYONE,
    "learning.report": frozenset({Role.LEAD, Role.STEWARD}),
    "learning.report_all": frozenset({Role.STEWARD}),
    "learning.analysis": frozenset({Role.STEWARD}),
    "recognition.nominate": EVERYONE,
    "recognition.showcase": EVERYONE,
    "recognition.review": frozenset({Role.COMMITTEE}),
    "recognition.manage": frozenset({Role.STEWARD}),
    "recognition.report": frozenset({Role.LEAD, Role.STEWARD}),
    "recognition.report_all": frozenset({Role.STEWARD}),
    "adoption.submit": frozenset({Role.LEAD}),
    "adoption.report": frozenset({Role.LEAD, Role.STEWARD}),
    "adoption.report_all": frozenset({Role.STEWARD}),
    "adoption.manage": frozenset({Role.STEWARD}),
    "audit.read": frozenset({Role.ADMIN}),
    "users.manage": frozenset({Role.ADMIN}),
}


class UnknownPermission(LookupError):
    """A route named a permission that does not exist."""


def roles_with(permission: str) -> frozenset[Role]:
    try:
        return PERMISSIONS[permission]
    except KeyError:
        raise UnknownPermission(permission) from None


def has_permission(roles: Iterable[Role], permission: str) -> bool:
    return not roles_with(permission).isdisjoint(roles)


def requires(*permissions: str) -> Callable:
    """Declares who may use a route: `public`, or signed-in users holding every named permission."""
    if not permissions:
        raise UnknownPermission("a route must name at least one permission")
    for name in permissions:
        if name != PUBLIC:
            roles_with(name)
    is_public = PUBLIC in permissions

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not is_public:
                if not current_user.is_authenticated:
                    return login_manager.unauthorized()
                if not all(current_user.can(name) for name in permissions):
                    abort(403)
            return view(*args, **kwargs)

        guarded.permissions = frozenset(permissions)
        return guarded

    return decorate


def shared_cache(max_age: int) -> Callable:
    """Marks a route's pages as the same for everyone: public caches may keep them for max_age seconds and
    revalidate them by the ETag the view sets, and they never carry the session (see apply_security_headers)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def cached(*args, **kwargs):
            response = make_response(view(*args, **kwargs))
            if response.status_code == 200:
                response.cache_control.public = True
                response.cache_control.max_age = max_age
                response.make_conditional(request)
            return response

        return cached

    return decorate


def found_and_allowed(obj: T | None, allowed: Callable[[T], bool], *, hidden: bool = False) -> T:
    """Object access: 404 when it does not exist, 403 when the user may not see it; for a `hidden` object, whose
    very existence is confidential (a nomination), 404 in both cases, so no address tells that it exists."""
    if obj is None:
        abort(404)
    if not allowed(obj):
        abort(404 if hidden else 403)
    return obj


def safe_next(target: str | None, fallback: str) -> str:
    """A local path to go back to, never another site, and nothing that could split a header."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    if len(target) > 2000 or any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def accepts_upload(max_bytes: int) -> Callable:
    """Lets one route take a request body up to max_bytes instead of MAX_CONTENT_LENGTH (an inquiry log)."""

    def mark(view: Callable) -> Callable:
        view.accepts_upload = max_bytes
        return view

    return mark


def allow_marked_uploads() -> None:
    """Runs before anything reads the form (the CSRF check included), so the route's own limit applies."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    limit = getattr(view, "accepts_upload", None)
    if limit:
        request.max_content_length = limit


def refuse_nul_bytes() -> None:
    """No field or address of the portal takes a NUL byte, and the database could not store one."""
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400)


DEFAULT_PORTS = {"http": "80", "https": "443"}


def refuse_another_port() -> None:
    """A Host naming the portal's own host must name SERVER_NAME's port too (the trusted-host check ignores ports)."""
    server_name = current_app.config.get("SERVER_NAME")
    if not server_name:
        return
    name, port = host_and_port(server_name)
    asked_name, asked_port = host_and_port(request.host)
    default = DEFAULT_PORTS.get(request.scheme)
    if asked_name == name and (asked_port or default) != (port or default):
        abort(400)


def apply_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if not response.cache_control.public and current_user.is_authenticated and request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    return response


class PortalSessionInterface(CheckedSessionInterface):
    """The signed session cookie, left out of responses any cache may share: they neither set it nor vary on it."""

    def save_session(self, app, session, response) -> None:
        if not response.cache_control.public:
            super().save_session(app, session, response)
