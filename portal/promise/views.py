from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..admin.queries import division_by_code
from ..extensions import db
from ..forms import render_form
from ..pagination import page_count, requested_page
from ..pdf import pdf_response
from ..security import Role, found_and_allowed, requires
from . import operations, queries
from .forms import AttestationForm
from .models import DocumentKind

bp = Blueprint("promise", __name__)
DOCUMENT = "<any(promise, standards, 'code-of-conduct'):slug>"


def _language() -> str:
    return str(get_locale())


def _current(slug: str):
    kind = DocumentKind(slug)
    versions = queries.current_versions()
    if kind not in versions:
        abort(404)
    return kind, versions



def _document_page(kind: DocumentKind, version, form: AttestationForm):
    status = queries.status_for(current_user, {kind: version})[0]
    return render_form("promise/document.html", form, kind=kind, version=version, status=status,
                       text=version.text(_language()))


@bp.route(f"/{DOCUMENT}")
@requires("content.read")
def document(slug: str):
    kind, versions = _current(slug)
    return _document_page(kind, versions[kind], AttestationForm())


@bp.route(f"/{DOCUMENT}/attest", methods=["POST"])
@requires("attestation.submit")
def attest(slug: str):
    kind, versions = _current(slug)
    version = versions[kind]
    form = AttestationForm()
    if not form.validate_on_submit():
        return _document_page(kind, version, form)
    operations.attest(current_user, version, _language())
    db.session.commit()
    flash(_("Thank you. Your attestation to version %(version)s is recorded.", version=version.label), "success")
    return redirect(url_for("promise.document", slug=slug))


@bp.route(f"/{DOCUMENT}/history")
@requires("content.read")
def history(slug: str):
    kind = DocumentKind(slug)
    versions = queries.history(kind)
    if not versions:
        abort(404)
    return render_template("promise/history.html", kind=kind, versions=versions, language=_language())


@bp.route(f"/{DOCUMENT}/versions/<int:major>.<int:minor>")
@requires("content.read")
def version(slug: str, major: int, minor: int):
    kind = DocumentKind(slug)
    found = queries.version(kind, major, minor) or abort(404)
    return render_template("promise/version.html", kind=kind, version=found, text=found.text(_language()))


@bp.route(f"/{DOCUMENT}/pdf")
@requires("content.read")
def pdf(slug: str):
    kind, versions = _current(slug)
    version = versions[kind]
    language = _language()
    html = render_template("promise/document_pdf.html", kind=kind, version=version, text=version.text(language))
    return pdf_response(html, f"{slug}-{version.label}-{language}.pdf")


def _visible_division_ids() -> list[int] | None:
    """None means every division (stewards); a lead sees only their own."""
    if Role.STEWARD in current_user.roles:
        return None
    return [current_user.division_id] if current_user.division_id else []


@bp.route("/attestation/")
@requires("attestation.report")
def report():
    versions = queries.current_versions()
    summary = queries.division_summary(versions, _visible_division_ids())
    return render_template("promise/report.html", versions=versions, summary=summary, language=_language())


@bp.route("/attestation/<code>")
@requires("attestation.report")
def division_report(code: str):
    visible = _visible_division_ids()
    division = found_and_allowed(division_by_code(code), lambda found: visible is None or found.id in visible)
    versions = queries.current_versions()
    page = requested_page()
    per_page = current_app.config["PAGE_SIZE"]
    outstanding, total = queries.outstanding_in_division(division, versions, page, per_page)
    summary = queries.division_summary(versions, [division.id])[0]
    return render_template("promise/division_report.html", division=division, versions=versions,
                           summary=summary, outstanding=outstanding, total=total, page=page,
                           pages=page_count(total, per_page), language=_language())


