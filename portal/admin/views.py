from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import action_titles
from ..auth.models import User
from ..csv_export import csv_response
from ..extensions import db
from ..forms import render_form
from ..fragments import render_part, render_part_made
from ..pagination import page_count, requested_page
from ..security import Role, requires
from ..auth import operations
from . import queries
from .forms import AuditFilterForm, RolesForm
from .subjects import describe

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _audit_filter() -> tuple[AuditFilterForm, queries.AuditFilter]:
    """The filters from the address; when any is wrong, the form shows why and nothing is filtered."""
    form = AuditFilterForm(action_titles(), formdata=request.args)
    if not request.args or not form.validate():
        return form, queries.AuditFilter()
    return form, queries.AuditFilter(form.action.data or None, form.person.data or None, form.start.data,
                                     form.end.data)


@bp.route("/")
@requires("audit.read")
def audit_log():
    form, chosen = _audit_filter()
    page = requested_page()
    entries, has_next = queries.audit_page(chosen, page, current_app.config["PAGE_SIZE"])
    named = queries.named_in(entries)

    def described() -> dict:
        titles = action_titles()
        return {"rows": [(entry, titles.get(entry.action, entry.action), describe(entry.subject, named))
                         for entry in entries]}

    table = render_part_made("admin/_audit_table.html", (tuple(map(tuple, entries)), named.key()),
                             described) if entries else None
    filters = {name: value for name, value in request.args.items() if name != "page"} if not form.errors else {}
    blank_filters = None if filters or form.errors else render_part("admin/_audit_filters.html", (), form=form)
    return render_form("admin/audit_log.html", form, table=table, page=page, has_next=has_next, filters=filters,
                       filtered=chosen != queries.AuditFilter(), blank_filters=blank_filters)


@bp.route("/audit.csv")
@requires("audit.read")
def audit_log_csv():
    _form, chosen = _audit_filter()
    header = [_("When (UTC)"), _("Who"), _("E-mail address"), _("What"), _("Action code"), _("Subject"),
              _("From")]

    titles = action_titles()

    def rows():
        for entry in queries.audit_entries(chosen):
            yield (entry.occurred_at.isoformat(timespec="seconds"), entry.actor_name or "", entry.actor_email or "",
                   titles.get(entry.action, entry.action), entry.action, entry.subject, entry.ip_address or "")

    return csv_response(f"audit-log-{date.today().isoformat()}.csv", header, rows())


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
