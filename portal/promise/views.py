from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.queries import division_names, visible_division_name
from ..csv_export import csv_response
from ..extensions import db
from ..formatting import reader_language
from ..forms import render_form
from ..fragments import render_part_made
from ..pagination import page_count, requested_page
from ..pdf import pdf_response
from ..security import requires
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



def _document_page(kind: DocumentKind, versions, form: AttestationForm):
    """The document, the reader's attestation, and the next document they still have to attest to."""
    statuses = queries.status_for(current_user, versions)
    status = next(status for status in statuses if status.kind is kind)
    still_to_do = [other for other in statuses if not other.done and other.kind is not kind]
    version = versions[kind]
    return render_form("promise/document.html", form, kind=kind, version=version, first=version.first, status=status,
                       next_status=still_to_do[0] if still_to_do else None, text=version.text(reader_language()))


@bp.route(f"/{DOCUMENT}")
@requires("content.read")
def document(kind: DocumentKind):
    kind, versions = _current(kind)
    return _document_page(kind, versions, AttestationForm())


@bp.route(f"/{DOCUMENT}/attest", methods=["POST"])
@requires("attestation.submit")
def attest(kind: DocumentKind):
    kind, versions = _current(kind)
    version = versions[kind]
    form = AttestationForm()
    if not form.validate_on_submit():
        return _document_page(kind, versions, form)
    operations.attest(current_user, version, reader_language())
    db.session.commit()
    flash(_("Thank you. Your attestation to version %(version)s is recorded.", version=version.label), "success")
    return redirect(url_for("promise.document", kind=kind, _anchor="attestation"))


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
    return render_template("promise/version.html", kind=kind, version=found, first=queries.is_first(found),
                           text=found.text(reader_language()))


@bp.route(f"/{DOCUMENT}/pdf")
@requires("content.read")
def pdf(kind: DocumentKind):
    kind, versions = _current(kind)
    version = versions[kind]
    language = reader_language()
    html = render_template("promise/document_pdf.html", kind=kind, version=version, first=version.first,
                           text=version.text(language))
    return pdf_response(html, f"{kind.value}-{version.label}-{language}.pdf")


def _visible_summary(versions):
    return queries.division_summary(versions, current_user.visible_division_ids("attestation"))


def _percent(count: int, total: int) -> str:
    return f"{round(100 * count / total)}" if total else ""


@bp.route("/attestation/")
@requires("attestation.report")
def report():
    versions = queries.current_versions()
    order = request.args.get("sort", "name")
    order = order if order in queries.SORT_ORDERS else "name"
    divisions, language = division_names(current_user.visible_division_ids("attestation")), reader_language()

    def drawn() -> dict:
        summary = queries.sorted_summary(queries.summary_of(versions, divisions), order, language)
        return {"versions": versions, "order": order, "language": language, "summary": summary,
                "total": queries.city_total(summary)}

    key = (order, queries.tallies_mark(), tuple((kind.value, version.id) for kind, version in versions.items()),
           tuple(divisions))
    table = render_part_made("promise/_report_table.html", key, drawn) if divisions else None
    return render_template("promise/report.html", order=order, table=table)


@bp.route("/attestation/export.csv")
@requires("attestation.report")
def report_csv():
    versions = queries.current_versions()
    language = reader_language()
    header = [_("Division code"), _("Division"), _("Active staff")]
    for kind, version in versions.items():
        header += [_("%(title)s %(version)s: attested", title=kind.title, version=version.label), _("%")]
    header += [_("All documents: attested"), _("%")]
    rows = []
    for row in _visible_summary(versions):
        cells = [row.division.code, row.division.name(language), row.staff]
        for kind in versions:
            cells += [row.attested[kind], _percent(row.attested[kind], row.staff)]
        rows.append(cells + [row.attested_all, _percent(row.attested_all, row.staff)])
    return csv_response(f"attestation-{date.today().isoformat()}.csv", header, rows)


@bp.route("/attestation/<code>")
@requires("attestation.report")
def division_report(code: str):
    division = visible_division_name(code, current_user, "attestation")
    versions = queries.current_versions()
    page, per_page = requested_page(), current_app.config["PAGE_SIZE"]

    def report_context() -> dict:
        summary = queries.summary_of(versions, [division])[0]
        return {"division": division, "summary": summary, "versions": versions, "page": page,
                "pages": page_count(summary.staff - summary.attested_all, per_page),
                "outstanding": queries.outstanding_in_division(division.id, versions, page, per_page)}

    key = (queries.tallies_mark(), division.id, division.code, page, per_page,
           tuple((kind.value, version.id) for kind, version in versions.items()))
    report = render_part_made("promise/_division_report.html", key, report_context)
    return render_template("promise/division_report.html", division=division, report=report,
                           language=reader_language())


@bp.route("/attestation/<code>/export.csv")
@requires("attestation.report")
def division_report_csv(code: str):
    division = visible_division_name(code, current_user, "attestation")
    outstanding = queries.outstanding_in_division(division.id, queries.current_versions(), 1, None)
    header = [_("Name"), _("E-mail address"), _("Start date"), _("Documents not attested")]
    rows = [(item.full_name, item.email, item.start_date.isoformat() if item.start_date else "",
             "; ".join(kind.title for kind in item.missing)) for item in outstanding]
    return csv_response(f"attestation-{division.code}-{date.today().isoformat()}.csv", header, rows)
