from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from .. import mailer
from ..extensions import db, limiter
from ..forms import render_form
from ..security import PUBLIC, requires, safe_next
from . import interrupted, operations
from .forms import ChangePasswordForm, ForgotPasswordForm, LanguageForm, LoginForm, NewPasswordForm
from .operations import SignInOutcome

bp = Blueprint("auth", __name__)


def _address_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_LIMIT"]


def _failed(response) -> bool:
    """Only refused sign-ins count against an address, so a busy office behind one address is not locked out."""
    return response.status_code >= 400


def _start_session(user) -> None:
    """A new session: of the signed-out one only the chosen language is kept, and what was typed into a form that
    the end of the last session refused. Its form secret is made now, with the sign-in, rather than by the first
    page, which would otherwise have to write the session cookie again."""
    chosen_language = session.get("lang")
    typed = interrupted.keep_across_sign_in()
    session.clear()
    if chosen_language:
        operations.set_language(user, chosen_language)
    login_user(user)
    interrupted.restore_after_sign_in(typed, user.id)
    g.pop("csrf_token", None)
    generate_csrf()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
@requires(PUBLIC)
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data, url_for("home.index")))
    if form.validate_on_submit():
        result = operations.sign_in(form.email.data, form.password.data)
        if result.outcome is SignInOutcome.SIGNED_IN:
            _start_session(result.user)
            db.session.commit()
            return redirect(safe_next(form.next.data, url_for("home.index")))
        db.session.commit()
        if result.outcome is SignInOutcome.LOCKED:
            form.form_errors.append(ngettext(
                "Too many failed attempts for this account. Wait %(num)d minute and try again, or reset your "
                "password.",
                "Too many failed attempts for this account. Wait %(num)d minutes and try again, or reset your "
                "password.", current_app.config["LOGIN_ACCOUNT_WINDOW_MINUTES"]))
        else:
            form.form_errors.append(_("The e-mail address or password is not correct."))
    return render_form("auth/login.html", form)


@bp.route("/logout", methods=["POST"])
@requires("account.own")
def logout():
    operations.sign_out(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@requires("account.own")
def change_password():
    form = ChangePasswordForm()
    form.account_email = current_user.email
    if form.validate_on_submit():
        user = current_user._get_current_object()
        changed = operations.change_password(user, form.current.data, form.password.data)
        db.session.commit()
        if changed:
            login_user(user)
            flash(_("Your password is changed. Any other session you had open has ended."), "success")
            return redirect(url_for("home.index"))
        form.current.errors.append(_("The current password is not correct."))
    return render_form("auth/change_password.html", form)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
@requires(PUBLIC)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        operations.request_password_reset(form.email.data)
        db.session.commit()
        mailer.deliver_queued()
        flash(ngettext("If an account uses that address, a link to choose a new password is on its way. "
                       "The link works once, for %(num)d minute.",
                       "If an account uses that address, a link to choose a new password is on its way. "
                       "The link works once, for %(num)d minutes.",
                       current_app.config["PASSWORD_RESET_MAX_AGE"] // 60), "success")
        return redirect(url_for("auth.login"))
    return render_form("auth/forgot_password.html", form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@requires(PUBLIC)
def reset_password(token: str):
    user = operations.user_for_reset_token(token)
    if user is None:
        return render_template("auth/reset_invalid.html"), 404
    form = NewPasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        operations.reset_password(user, form.password.data)
        db.session.commit()
        flash(_("Your password is changed. Sign in with the new password."), "success")
        return redirect(url_for("auth.login"))
    return render_form("auth/reset_password.html", form, token=token)


@bp.route("/language", methods=["POST"])
@requires(PUBLIC)
def set_language():
    form = LanguageForm()
    target = safe_next(form.next.data, url_for("home.index"))
    if not form.validate_on_submit() or form.language.data not in current_app.config["LANGUAGES"]:
        flash(_("That language is not available."), "error")
        return redirect(target)
    session["lang"] = form.language.data
    if current_user.is_authenticated:
        operations.set_language(current_user._get_current_object(), form.language.data)
        db.session.commit()
    return redirect(target)
