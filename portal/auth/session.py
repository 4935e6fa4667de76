"""Loading the signed-in user from the session and sending anonymous visitors to sign in."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import make_transient_to_detached

from ..extensions import db
from ..numbers import number_or_none
from ..security import Role
from .interrupted import signed_out_form
from .models import User, UserRole

_ACCOUNTS, _ROLES = User.__table__, UserRole.__table__
# Every page reads the account with its roles, so it is read as one plain row (the ORM's own query cost as much
# again) and made into the session's User as if the ORM had loaded it. The division is loaded only when a page
# asks for it: most pages need its id alone.
SIGNED_IN_ACCOUNT = select(
    *_ACCOUNTS.c,
    select(func.aggregate_strings(_ROLES.c.role, ",")).where(_ROLES.c.user_id == _ACCOUNTS.c.id)
    .scalar_subquery().label("role_names"),
).where(_ACCOUNTS.c.id == bindparam("user_id"))
ACCOUNT_FIELDS = tuple(column.key for column in _ACCOUNTS.c)


def signed_in_user(user_id: int) -> User | None:
    """The account as a User in the session, its roles read with it; the one already there if any."""
    kept = db.session.identity_map.get(db.session.identity_key(User, user_id))
    if kept is not None:
        return kept
    row = db.session.connection().execute(SIGNED_IN_ACCOUNT, {"user_id": user_id}).one_or_none()
    if row is None:
        return None
    values = row._mapping
    user = User(**{field: values[field] for field in ACCOUNT_FIELDS})
    make_transient_to_detached(user)
    db.session.add(user)
    user.roles_read_with_account = frozenset(Role(name) for name in (values["role_names"] or "").split(",") if name)
    return user


def register_user_loader(login_manager) -> None:
    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        user_id, _sep, token = (session_id or "").partition(":")
        number = number_or_none(user_id, 1)
        if number is None or not token:
            return None
        user = signed_in_user(number)
        if user is None or not user.active or not user.token_matches(token):
            return None
        return user

    @login_manager.unauthorized_handler
    def send_to_sign_in():
        if request.method == "POST":
            return signed_out_form()
        flash(_("Sign in to see this page."), "info")
        target = request.full_path if request.query_string else request.path
        return redirect(url_for("auth.login", next=target))
