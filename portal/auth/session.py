"""Loading the signed-in user from the session and sending anonymous visitors to sign in."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, lazyload

from ..extensions import db
from .models import User

# The roles come with the account, which every page checks; the division only when a page asks for it (most pages
# need its id alone, and joining it in cost half of loading the account).
SIGNED_IN_USER = (select(User).options(joinedload(User.role_rows), lazyload(User.division))
                  .where(User.id == bindparam("user_id")))


def register_user_loader(login_manager) -> None:
    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        user_id, _sep, token = (session_id or "").partition(":")
        if not user_id.isdigit() or not token:
            return None
        user = db.session.scalars(SIGNED_IN_USER, {"user_id": int(user_id)}).unique().one_or_none()
        if user is None or not user.active or not user.token_matches(token):
            return None
        return user

    @login_manager.unauthorized_handler
    def send_to_sign_in():
        flash(_("Sign in to see this page."), "info")
        target = request.full_path if request.query_string else request.path
        return redirect(url_for("auth.login", next=target))
