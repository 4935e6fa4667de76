from datetime import date, datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from ..auth.queries import division_names, visible_division, visible_division_name
from ..clock import explain_acknowledgement
from ..collation import sort_key
from ..csv_export import csv_response
from ..database import write_after_reading
from ..extensions import LIMITED_READS, db, limiter
from ..formatting import reader_language
from ..forms import render_form
from ..fragments import render_part_made
from ..pagination import page_count, requested_page
from ..pdf import pdf_file_response
from ..security import PUBLIC, found_and_allowed, requires
from . import operations, queries, reports
from .codes import normalise_code
from .holidays import holiday_title
from .forms import QuizForm, ReplyByForm, StartQuizForm, VerifyForm, chosen_choices, chosen_values, quiz_form
from .quiz import chosen_keys, quiz_view, result_view
from .tags import tag_number, tag_title

bp = Blueprint("learning", __name__)
ALREADY_SUBMITTED = _l("This attempt was already submitted. Your first submission is the one that counts.")
REPORT_PAGES = frozenset({"learning.report", "learning.division_report", "learning.analysis", "learning.module_analysis"})
LEARNER_PAGES = frozenset({"learning.index", "learning.module", "learning.lesson", "learning.attempt", "learning.submit",
                           "learning.start", "learning.certificates", "learning.verify", "learning.verify_code",
                           "learning.reply_by"})


def _module(slug: str) -> queries.PublishedModule:
    module = queries.current_modules().get(slug)
    return found_and_allowed(module, lambda found: found.is_for(current_user))


def _progress(module: queries.PublishedModule) -> queries.ModuleProgress:
    return queries.progress_for(current_user, {module.slug: module})[0]


@bp.route("/learning/")
@requires("learning.take")
def index():
    return render_template("learning/index.html", progress=queries.progress_for(current_user, queries.current_modules()),
                           language=reader_language(), today=date.today())


def _whom_to_ask(progress: queries.ModuleProgress | None) -> queries.WhomToAsk | None:
    return queries.whom_to_ask(current_user) if progress and progress.out_of_attempts else None


def _module_page(module, form, progress):
    return render_form("learning/module.html", form, module=module, progress=progress, language=reader_language(),
                       today=date.today(), whom=_whom_to_ask(progress))


@bp.route("/learning/<slug>")
@requires("learning.take")
def module(slug: str):
    found = _module(slug)
    return _module_page(found, StartQuizForm(), _progress(found))


@bp.route("/learning/<slug>/lessons/<int:number>")
@requires("learning.take")
def lesson(slug: str, number: int):
    found = _module(slug)
    chosen = found.lesson(number) or abort(404)
    return render_template("learning/lesson.html", module=found, lesson=chosen, language=reader_language(),
                           previous=found.lesson(number - 1), following=found.lesson(number + 1))


@bp.route("/learning/<slug>/attempts", methods=["POST"])
@requires("learning.take")
def start(slug: str):
    found = _module(slug)
    form = StartQuizForm()
    progress = _progress(found)
    if progress.passed:
        flash(_("You have already passed this module."), "info")
        return redirect(url_for("learning.module", slug=slug))
    if not form.validate_on_submit():
        return _module_page(found, form, progress)
    try:
        attempt = operations.start_attempt(current_user, found)
    except operations.QuizUnavailable as refusal:
        form.form_errors.append(str(refusal))
        return _module_page(found, form, progress)
    db.session.commit()
    return redirect(url_for("learning.attempt", attempt_id=attempt.id))


def _attempt(attempt_id: int):
    attempt = found_and_allowed(queries.attempt(attempt_id), lambda found: found.can_view(current_user))
    return attempt, queries.published(attempt.version_id)


def _questions(form, questions) -> dict:
    return {"form": form, "questions": questions, "chosen": chosen_choices(form, questions)}


def _quiz_page(attempt, module, form, questions_part: Markup):
    return render_form("learning/quiz.html", form, attempt=attempt, module=module, questions_part=questions_part,
                       language=reader_language())


@bp.route("/learning/attempts/<int:attempt_id>")
@requires("learning.take")
def attempt(attempt_id: int):
    heading = found_and_allowed(queries.attempt_heading(attempt_id), lambda found: found.can_view(current_user))
    module = queries.published(heading.version_id)
    language = reader_language()
    if heading.submitted:
        attempt = queries.attempt(attempt_id)
        progress = _progress(module) if module.slug in queries.current_modules() else None
        return render_template("learning/result.html", attempt=attempt, module=module, language=language,
                               results=result_view(attempt, module, language), progress=progress,
                               whom=_whom_to_ask(progress))

    def drawn() -> dict:
        questions = quiz_view(queries.attempt(attempt_id), module, language)
        return _questions(quiz_form(questions, formdata=None), questions)

    part = render_part_made("learning/_quiz_questions.html",
                            ("open attempt", heading.id, heading.started_at, module.id, module.checksum), drawn)
    return _quiz_page(heading, module, QuizForm(formdata=None), part)


@bp.route("/learning/attempts/<int:attempt_id>", methods=["POST"])
@requires("learning.take")
def submit(attempt_id: int):
    attempt, module = _attempt(attempt_id)
    if attempt.submitted:
        flash(ALREADY_SUBMITTED, "info")
        return redirect(url_for("learning.attempt", attempt_id=attempt.id))
    language = reader_language()
    questions = quiz_view(attempt, module, language)
    form = quiz_form(questions)
    if not form.validate_on_submit():
        return _quiz_page(attempt, module, form,
                          Markup(render_template("learning/_quiz_questions.html", **_questions(form, questions))))
    answers = chosen_keys(attempt, chosen_values(form, questions))
    if operations.submit_attempt(current_user, attempt, module, answers, language):
        db.session.commit()
    else:
        flash(ALREADY_SUBMITTED, "info")
    return redirect(url_for("learning.attempt", attempt_id=attempt.id))


@bp.route("/certificates/")
@requires("learning.take")
def certificates():
    return render_template("learning/certificates.html", certificates=queries.certificates_of(current_user),
                           language=reader_language())


@bp.route("/certificates/<int:certificate_id>.pdf")
@requires("learning.take")
def certificate_pdf(certificate_id: int):
    certificate = found_and_allowed(queries.certificate(certificate_id), lambda found: found.can_download(current_user))
    language = reader_language()
    pdf = queries.certificate_pdf(certificate, language)
    if pdf is None:
        write_after_reading(db.session())
        pdf = queries.certificate_pdf(certificate, language) or operations.keep_certificate_pdf(
            certificate, current_user, queries.published(certificate.version_id), language)
        db.session.commit()
    return pdf_file_response(pdf, f"certificate-{certificate.code}-{language}.pdf")


def _lookup_limit() -> str:
    return current_app.config["CERTIFICATE_LOOKUP_LIMIT"]


# Anyone handed a certificate may check it, signed in or not; lookups count per client address (the proxy's
# forwarded address when TRUSTED_PROXIES is set), whoever is signed in.
@bp.route("/certificates/verify")
@limiter.limit(_lookup_limit)
@requires(PUBLIC)
def verify():
    form = VerifyForm(formdata=request.args if request.args else None)
    if request.args and form.validate():
        return redirect(url_for("learning.verify_code", code=normalise_code(form.code.data)))
    return render_form("learning/verify.html", form, checked=None)


@bp.route("/certificates/verify/<code>")
@limiter.limit(_lookup_limit)
@requires(PUBLIC)
def verify_code(code: str):
    form = VerifyForm(formdata=None, code=code)
    normalised = normalise_code(code)
    found = queries.certificate_by_code(normalised) if normalised else None
    module = queries.published(found.version_id) if found else None
    return render_template("learning/verify.html", form=form, checked=code, certificate=found, module=module,
                           language=reader_language()), 200 if found else 404


LIMITED_READS.update({"learning.verify", "learning.verify_code"})


@bp.route("/reply-by")
@requires("content.read")
def reply_by():
    form = ReplyByForm(formdata=request.args if request.args else None)
    reasoning = None
    if request.args and form.validate():
        reasoning = explain_acknowledgement(datetime.combine(*form.received), form.around_the_clock.data)
    return render_form("learning/reply_by.html", form, reasoning=reasoning, holiday_title=holiday_title)


def _visible_divisions():
    return current_user.visible_division_ids("learning")


@bp.route("/learning/report/")
@requires("learning.report")
def report():
    modules = queries.current_modules()
    rows = reports.division_learning(modules, _visible_divisions())
    return render_template("learning/report.html", modules=modules, rows=rows,
                           total=reports.city_figures(rows, modules), language=reader_language())


@bp.route("/learning/report/export.csv")
@requires("learning.report")
def report_csv():
    modules = queries.current_modules()
    language = reader_language()
    header = [_("Division code"), _("Division")]
    for module in modules.values():
        title = module.title[language]
        header += [_("%(module)s: staff", module=title), _("%(module)s: completed", module=title),
                   _("%(module)s: overdue", module=title), _("%(module)s: first attempts passed", module=title),
                   _("%(module)s: first attempts", module=title)]
    rows = []
    for row in reports.division_learning(modules, _visible_divisions()):
        cells = [row.division.code, row.division.name(language)]
        for figures in row.figures.values():
            cells += [figures.staff, figures.completed, figures.overdue, figures.first_passed, figures.first_attempts]
        rows.append(cells)
    return csv_response(f"learning-{date.today().isoformat()}.csv", header, rows)


@bp.route("/learning/report/<code>")
@requires("learning.report")
def division_report(code: str):
    division = visible_division_name(code, current_user, "learning")
    modules = queries.current_modules()
    page, per_page, today = requested_page(), current_app.config["PAGE_SIZE"], date.today()

    def report_context() -> dict:
        learning = reports.learning_of(modules, [division], today)[0]
        total = learning.overdue_people
        return {"division": division, "modules": modules, "figures_by_module": learning.figures, "total": total,
                "overdue": reports.overdue_in_division(division.id, modules, page, per_page, total, today),
                "page": page, "pages": page_count(total, per_page), "language": reader_language()}

    key = (reports.learning_tallies_mark(), today, division.id, division.code, page, per_page,
           tuple((module.id, module.checksum) for module in modules.values()))
    report = render_part_made("learning/_division_report.html", key, report_context)
    return render_template("learning/division_report.html", division=division, report=report,
                           language=reader_language())


@bp.route("/learning/report/<code>/export.csv")
@requires("learning.report")
def division_report_csv(code: str):
    division = visible_division(code, current_user, "learning")
    modules = queries.current_modules()
    language = reader_language()
    today = date.today()
    header = [_("Name"), _("E-mail address"), _("Start date")]
    for module in modules.values():
        title = module.title[language]
        header += [_("%(module)s: status", module=title), _("%(module)s: due", module=title),
                   _("%(module)s: passed on", module=title), _("%(module)s: attempts", module=title)]
    rows = []
    for person in reports.division_people(division, modules):
        user = person.user
        cells = [user.full_name, user.email, user.start_date.isoformat() if user.start_date else ""]
        for slug, module in modules.items():
            if not module.is_for(user):
                cells += [_("Not required"), "", "", ""]
                continue
            due, passed = module.due_for(user), person.passed_on.get(slug)
            status = _("Passed") if passed else _("Overdue") if due and due < today else _("Not yet due")
            cells += [status, due.isoformat() if due else "", passed.isoformat() if passed else "",
                      person.attempts.get(slug, 0)]
        rows.append(cells)
    return csv_response(f"learning-{division.code}-{today.isoformat()}.csv", header, rows)


@bp.route("/learning/analysis/")
@requires("learning.analysis")
def analysis():
    modules, language = queries.current_modules(), reader_language()
    divisions = sorted(division_names(), key=lambda division: sort_key(division.name(language)))
    key = (reports.question_tallies_mark(), tuple(module.id for module in modules.values()), tuple(divisions))
    tables = render_part_made("learning/_heat_map.html", key, lambda: {
        "heat_map": reports.commitment_heat_map(modules, divisions), "language": language,
        "tag_number": tag_number, "tag_title": tag_title})
    return render_template("learning/analysis.html", modules=modules, heat_map_tables=tables, language=language)


@bp.route("/learning/analysis/<slug>")
@requires("learning.analysis")
def module_analysis(slug: str):
    module = queries.current_modules().get(slug) or abort(404)
    language = reader_language()

    def analysed() -> dict:
        shares = reports.question_analysis(module)
        ordered = sorted(module.questions.values(), key=lambda question: (
            shares[question.id].percent is None, shares[question.id].percent or 0, question.key))
        return {"module": module, "shares": shares, "ordered": ordered, "language": language,
                "tag_number": tag_number}

    table = render_part_made("learning/_question_analysis.html", (reports.question_tallies_mark(), module.id),
                             analysed)
    return render_template("learning/module_analysis.html", module=module, table=table, language=language)
