from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import User
from ..extensions import db
from ..forms import render_form
from ..pagination import page_count, requested_page
from ..security import Role, requires
from ..auth import operations
from . import queries
from .forms import RolesForm

bp = Blueprint("admin", __name__, url_prefix="/admin")



@bp.route("/")
@requires("audit.read")
def audit_log():
    action = request.args.get("action") or None
    actions = queries.audit_actions()
    if action is not None and action not in actions:
        action = None
        flash(_("There is no entry of that kind; showing every entry."), "error")
    per_page = current_app.config["PAGE_SIZE"]
    page = requested_page()
    entries, total = queries.audit_page(page, per_page, action)
    return render_template("admin/audit_log.html", entries=entries, total=total, page=page,
                           pages=page_count(total, per_page), actions=actions, action=action)


@bp.route("/users")
@requires("users.manage")
def users():
    per_page = current_app.config["PAGE_SIZE"]
    page = requested_page()
    rows, total = queries.users_page(page, per_page)
    return render_template("admin/users.html", users=rows, page=page, pages=page_count(total, per_page),
                           total=total)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires("users.manage")
def user_roles(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = RolesForm(roles=[role.value for role in user.roles])
    form.translate_choices()
    if form.validate_on_submit():
        chosen = {Role(value) for value in form.roles.data}
        if not chosen:
            form.roles.errors.append(_("Choose at least one role."))
        elif user.id == current_user.id and Role.ADMIN not in chosen:
            form.roles.errors.append(_("You cannot remove your own administrator role."))
        else:
            if operations.set_roles(user, chosen):
                flash(_("Roles of %(name)s are saved.", name=user.full_name), "success")
            db.session.commit()
            return redirect(url_for("admin.users"))
    return render_form("admin/user_roles.html", form, user=user)
