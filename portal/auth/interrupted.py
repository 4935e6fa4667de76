"""A form sent after its session ended or its token expired. Nothing it asked for is done; the person is sent back
to the page the form was on (through signing in, when the session had ended), and what they typed is put back into
that page's form, apart from passwords and other secrets.

What was typed travels in the session cookie, so it is kept only while the cookie stays well within the 4 kB a
browser keeps. It is offered to the next page shown (the sign-in page aside) and then dropped, and it goes only
into a form that has every field it holds. Only a form sent from one of this site's own pages is answered this
way; anything else still gets the plain 400 page and leaves the session alone."""
import re
from urllib.parse import urlsplit

from flask import current_app, flash, g, has_request_context, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from itsdangerous import BadSignature
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField
from wtforms.fields.core import UnboundField

from ..formatting import reader_language
from ..security import PUBLIC, safe_next

TYPED = "typed"
SECRET_FIELD = re.compile(r"password|passphrase|secret|token|current|confirm", re.IGNORECASE)
FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]{0,63}")
LONGEST_TYPED = 6000  # characters of text at most; the signed cookie is checked too
LARGEST_COOKIE = 3000  # bytes of the signed session with what was typed, leaving room for messages
SHOWN_WITHOUT_DROPPING = frozenset({"auth.login", "auth.set_language", "static"})


def https_needed() -> str:
    return _("The portal must be reached over HTTPS: the browser keeps the sign-in cookie only on a secure "
             "connection. Open the portal's address that starts with https://.")


def answer_refused_form():
    """The answer to a form the CSRF check refused, or None for the plain 400 page: a form that did not come from
    one of this site's pages, or something other than a form."""
    if _cookie_dropped_over_http():
        return _https_needed_page()
    if request.method != "POST" or not from_this_site():
        return None
    if request.endpoint == "auth.logout" and not current_user.is_authenticated:
        flash(_("You are signed out."), "success")
        return redirect(url_for("auth.login"), 303)
    page = form_page()
    if current_user.is_authenticated or _is_public(request.endpoint):
        kept = keep_typed(page)
        flash(_("This form was open too long, so it was not sent. What you typed is back in the form, apart from "
                "passwords: check it and send it again.") if kept else
              _("This form was open too long, so it was not sent, and what you typed was too long to keep. Fill "
                "it in again and send it."), "error")
        return redirect(page, 303)
    return send_to_sign_in(page)


def send_to_sign_in(page: str):
    """To the sign-in page, then back to the page the form was on with what was typed."""
    kept = keep_typed(page, after_sign_in=True)
    flash(_("Your session had ended, so the form was not sent. Sign in to go back to it: what you typed is kept, "
            "apart from passwords.") if kept else
          _("Your session had ended, so the form was not sent, and what you typed was too long to keep. Sign in "
            "to go back to it."), "error")
    return redirect(url_for("auth.login", next=page), 303)


def signed_out_form():
    """A form sent by someone whose session ended since the page was shown (signed out elsewhere, account
    changed): to sign in and back, keeping what was typed."""
    return send_to_sign_in(form_page())


def from_this_site() -> bool:
    """Whether the browser says the form was sent from one of this site's pages (Origin, else Referer)."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
        return False
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    return bool(source) and _netloc(source) == request.host.lower()


def form_page() -> str:
    """The page the form was on: the Referer on this site, else the address posted to when it shows a page."""
    home = url_for("home.index")
    referer = request.headers.get("Referer", "")
    if referer and _netloc(referer) == request.host.lower():
        parts = urlsplit(referer)
        return safe_next(parts.path + (f"?{parts.query}" if parts.query else ""), home)
    if request.url_rule is not None and "GET" in (request.url_rule.methods or ()):
        return safe_next(request.full_path if request.query_string else request.path, home)
    return home


def keep_typed(page: str, after_sign_in: bool = False) -> bool:
    """Keeps the form's fields, secrets left out, for the page's form; False when they are too long to keep (then
    nothing is kept)."""
    session.pop(TYPED, None)
    passwords = _password_field_names()
    fields = [[name, value] for name, value in request.form.items(multi=True)
              if FIELD_NAME.fullmatch(name) and not SECRET_FIELD.search(name) and name not in passwords
              and "\x00" not in value]
    if sum(len(value) for _name, value in fields) > LONGEST_TYPED:
        return False
    if not fields:
        return True
    session[TYPED] = {"page": page, "fields": fields, "after_sign_in": after_sign_in, "account": _account_typing()}
    serializer = current_app.session_interface.get_signing_serializer(current_app)
    if serializer is None or len(serializer.dumps(dict(session))) > LARGEST_COOKIE:
        session.pop(TYPED)
        return False
    return True


def offer_typed() -> None:
    """Before a page: what was typed into a refused form, offered to this page's form if it is the page the form
    was on; any other page (the sign-in page aside) drops it."""
    if request.method != "GET" or TYPED not in session:
        return
    kept = session[TYPED]
    here = request.full_path if request.query_string else request.path
    if isinstance(kept, dict) and kept.get("page") == here:
        session.pop(TYPED)
        g.typed = MultiDict([(str(name), str(value)) for name, value in kept.get("fields", ())])
        g.typed_after_sign_in = bool(kept.get("after_sign_in"))
    elif request.endpoint not in SHOWN_WITHOUT_DROPPING:
        session.pop(TYPED)


def _typed_for(form) -> MultiDict | None:
    typed = g.get("typed") if has_request_context() else None
    if typed and set(typed.keys()) <= set(form._fields):
        if g.get("typed_after_sign_in"):
            flash(_("What you typed before your session ended is back in the form: check it and send it again."),
                  "info")
        return g.pop("typed")
    return None


def put_typed_into_forms() -> None:
    """Makes a form shown with GET take what was typed into the refused form, when it has every field of it."""
    original = FlaskForm.Meta.wrap_formdata
    if getattr(original, "puts_typed", False):
        return

    def wrap_formdata(meta, form, formdata):
        wrapped = original(meta, form, formdata)
        if wrapped is None and formdata is not None:  # a form not sent (formdata=None would be asked explicitly)
            return _typed_for(form)
        return wrapped

    wrap_formdata.puts_typed = True
    FlaskForm.Meta.wrap_formdata = wrap_formdata


def keep_across_sign_in() -> dict | None:
    """What was typed, to put back into the session that signing in starts."""
    return session.get(TYPED)


def restore_after_sign_in(typed: dict | None, account_id: int) -> None:
    """Gives back what was typed only to the account that typed it: on a shared computer, the next person to sign
    in never sees what the last one left unsent."""
    if isinstance(typed, dict) and typed.get("account") == account_id:
        session[TYPED] = typed


def _account_typing() -> int | None:
    """The account whose session sent the form: the one signed in, or the one the session cookie named until it
    ended (its signature checked, its age not, since an ended session is the reason for asking)."""
    if current_user.is_authenticated:
        return current_user.id
    serializer = current_app.session_interface.get_signing_serializer(current_app)
    value = request.cookies.get(current_app.config.get("SESSION_COOKIE_NAME", "session"))
    if serializer is None or not value:
        return None
    try:
        named = str(serializer.loads(value).get("_user_id") or "")
    except (BadSignature, AttributeError):
        return None
    user_id = named.partition(":")[0]
    return int(user_id) if user_id.isascii() and user_id.isdigit() and len(user_id) < 12 else None


def _password_field_names() -> set[str]:
    """The names of every password field of every form the portal has."""
    names, pending = set(), [FlaskForm]
    while pending:
        form_class = pending.pop()
        pending.extend(form_class.__subclasses__())
        names.update(name for name, value in vars(form_class).items()
                     if isinstance(value, UnboundField) and issubclass(value.field_class, PasswordField))
    return names


def _netloc(address: str) -> str:
    try:
        return urlsplit(address).netloc.lower()
    except ValueError:
        return ""


def _is_public(endpoint: str | None) -> bool:
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return PUBLIC in getattr(view, "permissions", ())


def _cookie_dropped_over_http() -> bool:
    """Over plain HTTP with secure cookies a browser sends no session cookie, so every form fails its check."""
    config = current_app.config
    return bool(config.get("SESSION_COOKIE_SECURE")) and not request.is_secure \
        and config.get("SESSION_COOKIE_NAME", "session") not in request.cookies


def _https_needed_page():
    """Said in every language, since without a session the portal cannot know the reader's."""
    current = reader_language()
    also = [(language, _in_language(language)) for language in current_app.config["LANGUAGES"] if language != current]
    if request.endpoint == "auth.login":
        from .forms import LoginForm

        form = LoginForm()
        form.form_errors.append(https_needed())
        form.form_errors.extend(Markup('<span lang="{}">{}</span>').format(language, text) for language, text in also)
        return render_template("auth/login.html", form=form), 400
    return render_template("errors/error.html", code=400, message=https_needed(), also=also), 400


def _in_language(language: str) -> str:
    with force_locale(language):
        return https_needed()
