from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.queries import division_by_code
from ..extensions import db
from ..formatting import reader_language
from ..forms import render_form
from ..pagination import page_count, requested_page
from ..pdf import pdf_response
from ..security import found_and_allowed, requires
from ..urls import enum_converter
from . import operations, queries
from .forms import AttestationForm
from .models import DocumentKind

bp = Blueprint("promise", __name__)
bp.record_once(lambda state: state.app.url_map.converters.setdefault("document", enum_converter(DocumentKind)))
DOCUMENT = "<document:kind>"


def _current(kind: DocumentKind):
    versions = queries.current_versions()
    if kind not in versions:
        abort(404)
    return kind, versions



def _document_page(kind: DocumentKind, version, form: AttestationForm):
    status = queries.status_for(current_user, {kind: version})[0]
    return render_form("promise/document.html", form, kind=kind, version=version, status=status,
                       text=version.text(reader_language()))


@bp.route(f"/{DOCUMENT}")
@requires("content.read")
def document(kind: DocumentKind):
    kind, versions = _current(kind)
    return _document_page(kind, versions[kind], AttestationForm())


@bp.route(f"/{DOCUMENT}/attest", methods=["POST"])
@requires("attestation.submit")
def attest(kind: DocumentKind):
    kind, versions = _current(kind)
    version = versions[kind]
    form = AttestationForm()
    if not form.validate_on_submit():
        return _document_page(kind, version, form)
    operations.attest(current_user, version, reader_language())
    db.session.commit()
    flash(_("Thank you. Your attestation to version %(version)s is recorded.", version=version.label), "success")
    return redirect(url_for("promise.document", kind=kind))


@bp.route(f"/{DOCUMENT}/history")
@requires("content.read")
def history(kind: DocumentKind):
    versions = queries.history(kind)
    if not versions:
        abort(404)
    return render_template("promise/history.html", kind=kind, versions=versions, language=reader_language())


@bp.route(f"/{DOCUMENT}/versions/<int:major>.<int:minor>")
@requires("content.read")
def version(kind: DocumentKind, major: int, minor: int):
    found = queries.version(kind, major, minor) or abort(404)
    return render_template("promise/version.html", kind=kind, version=found, text=found.text(reader_language()))


@bp.route(f"/{DOCUMENT}/pdf")
@requires("content.read")
def pdf(kind: DocumentKind):
    kind, versions = _current(kind)
    version = versions[kind]
    language = reader_language()
    html = render_template("promise/document_pdf.html", kind=kind, version=version, text=version.text(language))
    return pdf_response(html, f"{kind.value}-{version.label}-{language}.pdf")


@bp.route("/attestation/")
@requires("attestation.report")
def report():
    versions = queries.current_versions()
    summary = queries.division_summary(versions, current_user.visible_division_ids("attestation"))
    return render_template("promise/report.html", versions=versions, summary=summary, language=reader_language())


@bp.route("/attestation/<code>")
@requires("attestation.report")
def division_report(code: str):
    division = found_and_allowed(division_by_code(code), lambda found: found.can_view(current_user, "attestation"))
    versions = queries.current_versions()
    page = requested_page()
    per_page = current_app.config["PAGE_SIZE"]
    outstanding, total = queries.outstanding_in_division(division, versions, page, per_page)
    summary = queries.division_summary(versions, [division.id])[0]
    return render_template("promise/division_report.html", division=division, versions=versions,
                           summary=summary, outstanding=outstanding, total=total, page=page,
                           pages=page_count(total, per_page), language=reader_language())


