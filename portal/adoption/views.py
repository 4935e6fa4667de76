from dataclasses import dataclass
from datetime import UTC, date

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.queries import visible_division, visible_division_name
from ..database import utcnow
from ..extensions import db
from ..formatting import reader_language
from ..forms import render_form
from ..fragments import render_part, render_part_made
from ..numbers import number_or_none
from ..pagination import requested_page
from ..pdf import kept_pdf_response
from ..security import accepts_upload, found_and_allowed, requires
from . import exports, operations, queries
from .forms import InquiryLogForm, PeriodForm, PhaseForm, ReviewForm, counts_form, initial_data
from .forms import report_form as build_report_form
from .inquiry_log import CHANNELS, MAX_BYTES, LogRefused, check_upload, figures_from_counts, read_inquiry_log
from .models import Phase, PhaseStatus, ReportRevision
from .operations import CHANGED_MEANWHILE, Refused, Stale
from .pages import adoption_navigation, dashboard_parts, division_parts, indicators_of
from .titles import channel_title

bp = Blueprint("adoption", __name__)
bp.context_processor(lambda: {"adoption_navigation": adoption_navigation})
TIMELINE_PAGE = 50
UPLOAD_REQUEST_BYTES = MAX_BYTES + 1024 * 1024


@bp.route("/adoption/")
@requires("adoption.report")
def dashboard():
    if current_user.visible_division_ids("adoption") is not None:
        if current_user.division is None:
            abort(403)
        return redirect(url_for("adoption.division", code=current_user.division.code))
    sources = _chosen_sources()
    return render_template("adoption/dashboard.html", has_periods=bool(sources.period_ids), chosen=_chosen_arg(),
                           parts=dashboard_parts(sources), language=reader_language())


def _chosen_arg() -> str | None:
    return request.args.get("period") or None


def _chosen_sources():
    """The dashboard's sources on the quarter named by ?period=, or on the latest quarter already due. A quarter
    that is not one of the periods answers 400 with the portal's error page, saying so."""
    sources, chosen = queries.dashboard_sources(), _chosen_arg()
    if chosen is None:
        return sources
    period_id = number_or_none(chosen)
    if period_id not in sources.period_ids:
        abort(make_response(render_template("errors/error.html", code=400, message=_(
            "There is no reporting period with that number. Choose a quarter from the list on the dashboard.")), 400))
    return sources.choose(period_id)


@bp.route("/adoption/divisions/<code>")
@requires("adoption.report")
def division(code: str):
    found = visible_division_name(code, current_user, "adoption")
    history, logs = queries.phase_history(found), queries.latest_logs(found)
    records = render_part("adoption/_division_records.html", (tuple(history), tuple(logs)), history=history,
                          logs=logs)
    return render_template("adoption/division.html", division=found, phase=queries.phase_of(found.id),
                           parts=division_parts(found), records=records, language=reader_language(),
                           can_report=current_user.can("adoption.submit") and current_user.division_id == found.id)


@bp.route("/adoption/divisions/<code>/phase", methods=["GET", "POST"])
@requires("adoption.manage")
def phase(code: str):
    found = visible_division(code, current_user, "adoption")
    current = queries.phases().get(found.id)
    form = PhaseForm(data={"phase": current.phase.value, "status": current.status.value} if current else None)
    if form.validate_on_submit():
        try:
            operations.set_phase(found, Phase(form.phase.data), PhaseStatus(form.status.data), form.reason.data.strip(),
                                 current_user)
        except Refused as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("The phase of %(division)s is saved.", division=found.name(reader_language())), "success")
            return redirect(url_for("adoption.division", code=found.code))
    return render_form("adoption/phase_form.html", form, division=found, current=current,
                       language=reader_language())


@bp.route("/adoption/timeline")
@requires("adoption.manage")
def timeline():
    page = requested_page()
    changes, more = queries.city_timeline(page, TIMELINE_PAGE)
    return render_template("adoption/timeline.html", changes=changes, page=page, more=more,
                           language=reader_language())


@bp.route("/adoption/periods/", methods=["GET", "POST"])
@requires("adoption.manage")
def periods():
    form = PeriodForm()
    if form.validate_on_submit():
        try:
            period = operations.open_period(form.year.data, form.quarter.data, form.due_on.data, current_user)
        except Refused as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("%(period)s is open for reporting.", period=period.name), "success")
            return redirect(url_for("adoption.period", period_id=period.id))
    elif request.method == "GET":
        today = date.today()
        form.year.data, form.quarter.data = today.year, (today.month - 1) // 3 + 1
    return render_form("adoption/periods.html", form, periods=queries.periods(),
                       indicators=queries.current_indicators(), language=reader_language(), today=date.today())


def _period(period_id: int):
    return found_and_allowed(queries.period(period_id), lambda found: True)


@bp.route("/adoption/periods/<int:period_id>")
@requires("adoption.manage")
def period(period_id: int):
    found = _period(period_id)
    return render_template("adoption/period.html", period=found, rows=queries.period_status(found),
                           language=reader_language(), today=date.today())


@dataclass(frozen=True)
class Conflict:
    """The answers someone typed on a page that another save has since put out of date, beside the report as it is
    now (`saved`, its latest revision): `differing` are the indicators whose answers are not the same."""

    typed: dict
    saved: ReportRevision
    differing: list[dict]


def _report_page(period, division, report, form=None, review=None, conflict: Conflict | None = None):
    language = reader_language()
    editing = report.can_edit(current_user) if report else (current_user.can("adoption.submit")
                                                            and current_user.division_id == division.id)
    indicators = indicators_of(period)
    typed = [item for item in indicators if not item["computed"]]
    saved = initial_data(typed, report.answers if report else {}, None) if editing and form is None else None
    reviewing = report is not None and report.can_review(current_user)
    if reviewing and review is None:
        review = ReviewForm(data={"revision": report.revision})
    computed = (report.computed if report and not editing
                else operations.computed_for(period, [division.id])[division.id])
    status = 409 if conflict else 422 if any(part is not None and (part.errors or part.form_errors)
                                             for part in (form, review)) else 200
    # The fields of a report as saved are the same for the same period, answers and computed figures: kept, and
    # its form is built only to draw them.
    fields = render_part_made("adoption/_report_fields.html", (
        period.id, tuple(sorted(saved.items())), tuple(sorted(computed.items()))),
        lambda: {"period": period, "form": build_report_form(typed, language, data=saved), "computed": computed,
                 "language": language}) if saved is not None else None
    return render_template("adoption/report.html", period=period, division=division, report=report,
                           form=form if editing and fields is None else None, review=review if reviewing else None,
                           fields=fields, conflict=conflict,
                           computed=computed, language=language, today=date.today()), status


def _conflict_page(period, division, form):
    """The form as it was sent, beside the report as someone else has just saved it; the form is put on that
    revision, so that saving it again keeps what it holds then."""
    report = queries.report_for(period.id, division.id)
    if report is None:  # a revision was sent for a report that does not exist: there is nothing to compare it with
        form.form_errors.append(str(CHANGED_MEANWHILE))
        return _report_page(period, division, None, form=form)
    if report.can_edit(current_user):
        form.rebase(report.revision)
    conflict = Conflict(form.answers(), queries.revisions(report)[-1], form.differing(report.answers))
    return _report_page(period, division, report, form=form, conflict=conflict)


@bp.route("/adoption/reports/<int:period_id>/<code>", methods=["GET", "POST"])
@requires("adoption.report")
def report_form(period_id: int, code: str):
    found_period, found = _period(period_id), visible_division(code, current_user, "adoption")
    report = queries.report_for(found_period.id, found.id)
    if request.method == "GET":
        return _report_page(found_period, found, report)
    if not (current_user.can("adoption.submit") and current_user.division_id == found.id):
        abort(403)
    indicators = [item for item in indicators_of(found_period) if not item["computed"]]
    form = build_report_form(indicators, reader_language())
    valid = form.validate_on_submit()
    if report is not None and not report.can_edit(current_user):
        if form.revision.data == report.revision:
            abort(403)
        return _conflict_page(found_period, found, form)
    if not valid:
        return _report_page(found_period, found, report, form=form)
    try:
        saved = operations.save_report(found_period, found, form.answers(), form.revision.data, current_user,
                                       form.action.data == "submit", date.today())
    except Stale:
        db.session.rollback()
        return _conflict_page(found_period, found, form)
    except Refused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect(url_for("adoption.report_form", period_id=found_period.id, code=found.code))
    db.session.commit()
    flash(_("The report is submitted for review.") if form.action.data == "submit"
          else _("The draft is saved. Nothing is sent until you submit it."), "success")
    return redirect(url_for("adoption.report_form", period_id=saved.period_id, code=found.code))


@bp.route("/adoption/reports/<int:report_id>/review", methods=["POST"])
@requires("adoption.manage")
def review(report_id: int):
    found = found_and_allowed(queries.report(report_id), lambda report: report.can_view(current_user))
    form = ReviewForm()
    if not form.validate_on_submit():
        return _report_page(found.period, found.division, found, review=form)
    try:
        operations.review_report(found, form.decision.data == "accept", form.comment.data or "", form.revision.data,
                                 current_user)
    except Refused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    else:
        db.session.commit()
        flash(_("The report is accepted.") if form.decision.data == "accept"
              else _("The report is returned to the division with your comment."), "success")
    return redirect(url_for("adoption.report_form", period_id=found.period_id, code=found.division.code))


def _revision_number(name: str, default: int, last: int) -> int:
    found = number_or_none(request.args.get(name), 1, last)
    return default if found is None else found


@bp.route("/adoption/reports/<int:report_id>/revisions")
@requires("adoption.report")
def revisions(report_id: int):
    found = found_and_allowed(queries.report(report_id), lambda report: report.can_view(current_user))
    kept = queries.revisions(found)
    last = len(kept)
    older = _revision_number("from", max(1, last - 1), last)
    newer = _revision_number("to", last, last)
    return render_template("adoption/revisions.html", report=found, revisions=kept,
                           older=kept[older - 1] if kept else None, newer=kept[newer - 1] if kept else None,
                           indicators=indicators_of(found.period), language=reader_language())


def _inquiries_page(division, period, log_form=None, counts=None, problems=None, total=0):
    language = reader_language()
    log_form = log_form or InquiryLogForm()
    counts = counts or counts_form(period.months) if period else None
    status = 422 if problems or any(form is not None and (form.errors or form.form_errors)
                                    for form in (log_form, counts)) else 200
    return render_template("adoption/inquiries.html", division=division, period=period, periods=queries.periods(),
                           log_form=log_form, counts=counts, channels=CHANNELS, channel_title=channel_title,
                           problems=problems or [], total=total,
                           logs=queries.latest_logs(division), language=language), status


def _uploader(code: str):
    found = visible_division(code, current_user, "adoption")
    if not (current_user.can("adoption.submit") and current_user.division_id == found.id):
        abort(403)
    return found


@bp.route("/adoption/divisions/<code>/inquiries")
@requires("adoption.submit")
def inquiries(code: str):
    found = _uploader(code)
    chosen = number_or_none(request.args.get("period"))
    ordered = queries.periods()
    period = next((item for item in ordered if item.id == chosen), ordered[0] if ordered else None)
    return _inquiries_page(found, period)


@bp.route("/adoption/divisions/<code>/inquiries/<int:period_id>/log", methods=["POST"])
@requires("adoption.submit")
@accepts_upload(UPLOAD_REQUEST_BYTES)
def upload_log(code: str, period_id: int):
    found, period = _uploader(code), _period(period_id)
    form = InquiryLogForm()
    if not form.validate_on_submit():
        return _inquiries_page(found, period, log_form=form)
    upload = form.log.data
    data = upload.read(MAX_BYTES + 1)
    try:
        check_upload(upload.filename, upload.mimetype, data)
        rows = read_inquiry_log(data, utcnow().replace(tzinfo=UTC))
        log = operations.import_inquiry_log(found, period, upload.filename, rows, current_user)
    except LogRefused as refusal:
        db.session.rollback()
        return _inquiries_page(found, period, log_form=form, problems=refusal.problems, total=refusal.total)
    except Refused as refusal:
        db.session.rollback()
        form.form_errors.append(str(refusal))
        return _inquiries_page(found, period, log_form=form)
    db.session.commit()
    flash(ngettext("%(count)s inquiry imported for %(period)s.", "%(count)s inquiries imported for %(period)s.",
                   log.rows, count=format_decimal(log.rows), period=period.name), "success")
    return redirect(url_for("adoption.division", code=found.code))


@bp.route("/adoption/divisions/<code>/inquiries/<int:period_id>/counts", methods=["POST"])
@requires("adoption.submit")
def enter_counts(code: str, period_id: int):
    found, period = _uploader(code), _period(period_id)
    form = counts_form(period.months)
    if not form.validate_on_submit():
        return _inquiries_page(found, period, counts=form)
    try:
        operations.enter_counts(found, period, [figures_from_counts(*figure) for figure in form.figures],
                                current_user)
    except Refused as refusal:
        db.session.rollback()
        form.form_errors.append(str(refusal))
        return _inquiries_page(found, period, counts=form)
    db.session.commit()
    flash(_("The counts for %(period)s are saved.", period=period.name), "success")
    return redirect(url_for("adoption.division", code=found.code))


@bp.route("/adoption/network")
@requires("adoption.manage")
def network():
    return render_template("adoption/network.html", rows=queries.network(), language=reader_language())


@bp.route("/adoption/export.csv")
@requires("adoption.report_all")
def export_city():
    language = reader_language()
    return exports.city_csv(queries.dashboard(_chosen_sources(), language), language)


@bp.route("/adoption/divisions/<code>/export.csv")
@requires("adoption.report")
def export_division(code: str):
    found = visible_division(code, current_user, "adoption")
    return exports.division_csv(found, reader_language())


@bp.route("/adoption/pdf")
@requires("adoption.report_all")
def pdf_city():
    sources, language = _chosen_sources(), reader_language()
    html = render_template("adoption/city_pdf.html", has_periods=bool(sources.period_ids),
                           parts=dashboard_parts(sources, paper=True), language=language, today=date.today())
    return kept_pdf_response(html, f"service-promise-adoption-{date.today().isoformat()}-{language}.pdf")


@bp.route("/adoption/divisions/<code>/pdf")
@requires("adoption.report")
def pdf_division(code: str):
    found, language = visible_division_name(code, current_user, "adoption"), reader_language()
    html = render_template("adoption/division_pdf.html", division=found, phase=queries.phase_of(found.id),
                           history=queries.phase_history(found), parts=division_parts(found, paper=True),
                           language=language, today=date.today())
    return kept_pdf_response(html,
                             f"service-promise-adoption-{found.code}-{date.today().isoformat()}-{language}.pdf")
