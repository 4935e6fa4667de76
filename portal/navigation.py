"""The site navigation, rendered once for each kind of page, set of permissions and language, and kept.

Which link is current depends on the page's endpoint and document kind; which links show, on the reader's
permissions. The reader's name and the sign-out form's token are personal, so the kept part holds markers that
are replaced with them (escaped), the name last so that nothing in a name is taken for a marker."""
from flask import render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from .formatting import reader_language
from .kept import KeptByKey

LINKED_PERMISSIONS = ("attestation.report", "learning.report", "adoption.report", "audit.read")
NAME_MARKER, TOKEN_MARKER = "reader-name-goes-here", "form-token-goes-here"
_KEPT = KeptByKey(limit=512)


def site_navigation() -> Markup:
    allowed = frozenset(permission for permission in LINKED_PERMISSIONS if current_user.can(permission))
    kind = (request.view_args or {}).get("kind")
    key = (request.endpoint, str(kind) if kind else None, allowed, reader_language())
    part = _KEPT.get(key, lambda: Markup(render_template("_navigation.html", allowed=allowed, name=NAME_MARKER,
                                                         token=TOKEN_MARKER)))
    return part.replace(TOKEN_MARKER, generate_csrf()).replace(NAME_MARKER, current_user.full_name)
