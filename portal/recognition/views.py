from datetime import MAXYEAR, MINYEAR, date, datetime
from typing import NamedTuple

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from .. import mailer
from ..auth.models import User
from ..auth.name_search import find_colleagues, searchable
from ..auth.queries import all_divisions, visible_division
from ..database import commit_keeping_loaded, write_after_reading
from ..extensions import db
from ..formatting import reader_language
from ..forms import render_form
from ..fragments import render_part, render_part_made
from ..numbers import number_or_none
from ..pagination import requested_page
from ..security import found_and_allowed, requires
from . import operations, queries
from .citation import word_count
from .forms import (ConflictForm, ConsentForm, CycleForm, DecisionForm, NominationForm, PersonForm, RevisionForm,
                    WithdrawalForm, chosen_scores, rubric_key, score_form)
from .models import SEEN_BY_COMMITTEE, UNDER_REVIEW, NominationState, Scope
from .operations import Refused, Stale

bp = Blueprint("recognition", __name__)
LONGEST_SEARCH = 100


def _search_text() -> str:
    return (request.args.get("q") or "").strip()[:LONGEST_SEARCH]


def _colleagues(text: str, division_id: int | None) -> list:
    """Staff whose name starts as typed: only the division's staff for a divisional programme's cycle."""
    return find_colleagues(text, division_id=division_id) if searchable(text) else []


@bp.route("/recognition/")
@requires("recognition.nominate")
def index():
    today = date.today()
    return render_template("recognition/index.html", cycles=queries.open_cycles(today),
                           nominations=queries.my_nominations(current_user), awards=queries.my_awards(current_user),
                           reviewing=queries.cycles_reviewed_by(current_user), language=reader_language(),
                           today=today)


def _cycle(cycle_id: int):
    return found_and_allowed(queries.cycle(cycle_id), lambda found: True)


@bp.route("/recognition/cycles/<int:cycle_id>/nominate")
@requires("recognition.nominate")
def nominate(cycle_id: int):
    cycle = _cycle(cycle_id)
    text = _search_text()
    too_short = bool(text) and not searchable(text)
    return render_template("recognition/nominate.html", cycle=cycle, text=text,
                           found=_colleagues(text, cycle.division_id), searched=bool(text),
                           too_short=too_short, language=reader_language(), is_open=cycle.is_open(date.today()))


@bp.route("/recognition/cycles/<int:cycle_id>/nominations", methods=["POST"])
@requires("recognition.nominate")
def start(cycle_id: int):
    cycle = _cycle(cycle_id)
    form = PersonForm()
    if not form.validate_on_submit():
        flash(_("Choose the person to nominate from the search results."), "error")
        return redirect(url_for("recognition.nominate", cycle_id=cycle.id))
    try:
        nomination = operations.start_nomination(cycle, current_user, db.session.get(User, form.person.data),
                                                 date.today())
    except Refused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect(url_for("recognition.nominate", cycle_id=cycle.id))
    db.session.commit()
    return redirect(url_for("recognition.nomination", nomination_id=nomination.id))


def _visible(found, declared: bool):
    return found_and_allowed(found, lambda nomination: nomination.can_view(current_user, declared), hidden=True)


def _nomination(nomination_id: int):
    found = queries.nomination(nomination_id)
    declared = found is not None and operations.declared_conflict(found, current_user)
    return _visible(found, declared), declared


def _nomination_form(nomination, language: str, **kwargs) -> NominationForm:
    definition = nomination.cycle.definition
    form = NominationForm(word_limit=definition["citation_word_limit"], **kwargs)
    form.category.choices = [SelectChoice(category["key"], category["title"][language])
                             for category in definition["categories"]]
    return form


def _score_fields(nomination, rubric: dict, language: str, score=None) -> Markup:
    """The rubric's choices: drawn from a refused form as it was sent, or kept for the rubric, the reviewer and
    their saved scores."""
    if score is not None:
        return Markup(render_template("recognition/_score_fields.html", score=score, rubric=rubric))
    saved = queries.my_scores(nomination, current_user)

    def drawn() -> dict:
        chosen = {f"criterion_{key}": str(value) for key, value in saved.items()}
        return {"rubric": rubric, "score": score_form(rubric["criteria"], rubric["scale"], language, data=chosen)}

    return render_part_made("recognition/_score_fields.html",
                            (rubric_key(rubric), current_user.id, tuple(sorted(saved.items()))), drawn)


def _scored(nomination) -> bool:
    return nomination.reviewer_count > 0


def _decision_fields(nomination, decision=None) -> Markup:
    if decision is not None:
        return Markup(render_template("recognition/_decision_fields.html", decision=decision))
    scored = _scored(nomination)
    return render_part_made("recognition/_decision_fields.html", (scored,),
                            lambda: {"decision": DecisionForm(formdata=None, scored=scored)})


class Facts(NamedTuple):
    """What the nomination page states about it: the key its part is kept under, and all the part shows."""

    cycle_title: str
    cycle_division: str | None
    state: NominationState
    category: str | None
    nominees: tuple
    nominator: str | None
    submitted_at: datetime | None
    scored: bool
    combined_score: float | None
    reviewer_count: int
    decision_reason: str | None


def _facts(nomination, nominees: list, category: dict | None, reviewing: bool, language: str) -> Markup:
    cycle = nomination.cycle
    facts = Facts(cycle.title(language), cycle.division.name(language) if cycle.division_id else None,
                  nomination.state, category["title"][language] if category else None, tuple(nominees),
                  nomination.nominator_name if nomination.nominator_id != current_user.id else None,
                  nomination.submitted_at, reviewing and nomination.state is not NominationState.DRAFT,
                  nomination.combined_score, nomination.reviewer_count, nomination.decision_reason)
    return render_part("recognition/_facts.html", facts, facts=facts, language=language)


def _nomination_page(nomination, declared: bool, form=None, score=None, decision=None, withdrawal=None,
                     text: str | None = None):
    """The nomination as its reader may use it: the nominator's draft form, or the committee's review."""
    today, language = date.today(), reader_language()
    editing = nomination.can_edit(current_user, today)
    rubric = nomination.cycle.definition["rubric"]
    if editing and form is None:
        form = _nomination_form(nomination, language, data={
            "category": nomination.category_key, "team_name": nomination.team_name, "citation": nomination.citation,
            "revision": nomination.revision, "action": "save"})
    scoring = nomination.can_score(current_user, today, declared)
    deciding = nomination.can_decide(current_user, today, declared)
    can_withdraw = nomination.can_withdraw(current_user, today)
    if can_withdraw and withdrawal is None:
        withdrawal = WithdrawalForm(formdata=None, data={"revision": nomination.revision})
    if text is None:
        text = _search_text() if editing else ""
    searched = bool(text)
    too_short = searched and not searchable(text)
    status = 422 if any(part is not None and part.errors for part in (form, score, decision, withdrawal)) else 200
    nominees = queries.nominees_shown(nomination)
    category = nomination.cycle.category(nomination.category_key) if nomination.category_key else None
    reviewing = nomination.cycle.is_reviewer(current_user)
    return render_template(
        "recognition/nomination.html", nomination=nomination, language=language, editing=editing, form=form,
        score=score, decision=decision, withdrawal=withdrawal, nominees=nominees,
        facts=_facts(nomination, nominees, category, reviewing, language),
        score_fields=_score_fields(nomination, rubric, language, score) if scoring else None,
        decision_fields=_decision_fields(nomination, decision) if deciding else None,
        scored=_scored(nomination), can_withdraw=can_withdraw, text=text,
        found=_colleagues(text, nomination.cycle.division_id),
        searched=searched, too_short=too_short, rubric=rubric, reviewing=reviewing,
        cycle_closed=nomination.cycle.is_closed(today),
        words=word_count(form.citation.data) if form is not None else 0), status


@bp.route("/recognition/nominations/<int:nomination_id>")
@requires("recognition.nominate")
def nomination(nomination_id: int):
    found, declared = queries.nomination_shown(nomination_id, current_user)
    found = _visible(found, declared)
    page = _nomination_page(found, declared)
    if operations.view_is_recorded(found, current_user):
        write_after_reading(db.session(), one_statement=True)
        operations.record_view(found, current_user)
        commit_keeping_loaded(db.session())
    return page


def _refused(nomination_id: int, refusal: Refused):
    db.session.rollback()
    flash(str(refusal), "error")
    return redirect(url_for("recognition.nomination", nomination_id=nomination_id))


NOT_EDITABLE = _l("Only the nominator can change a draft, while its cycle is open.")


def _posted_search() -> str:
    return (request.form.get("q") or "").strip()[:LONGEST_SEARCH]


def _draft_sent(nomination_id: int):
    """The nomination whose draft form was sent, whether the reader declared a conflict on it, the form, today, and
    the answer to give instead when the draft may not be changed or the form has errors (None when it may go on)."""
    found, declared = _nomination(nomination_id)
    today = date.today()
    if not found.can_edit(current_user, today):
        return found, declared, None, today, _refused(nomination_id, Refused(str(NOT_EDITABLE)))
    form = _nomination_form(found, reader_language())
    if not form.validate_on_submit():
        return found, declared, form, today, _nomination_page(found, declared, form=form, text=_posted_search())
    return found, declared, form, today, None


@bp.route("/recognition/nominations/<int:nomination_id>", methods=["POST"])
@requires("recognition.nominate")
def save(nomination_id: int):
    found, declared, form, today, answer = _draft_sent(nomination_id)
    if answer is not None:
        return answer
    try:
        operations.save_draft(found, form.category.data or None, (form.team_name.data or "").strip(),
                              form.citation.data, form.revision.data, today)
        if form.action.data == "submit":
            operations.submit_nomination(found, found.revision, today)
    except Refused as refusal:
        return _refused(nomination_id, refusal)
    db.session.commit()
    if form.action.data == "submit":
        flash(_("Your nomination was submitted. The committee will review it after the cycle closes."), "success")
        return redirect(url_for("recognition.index"))
    if form.action.data == "search":
        flash(_("Your draft was saved, so what you typed is kept while you add people."), "success")
        return redirect(url_for("recognition.nomination", nomination_id=nomination_id, q=_posted_search() or None,
                                _anchor="add-person"))
    flash(_("Your draft was saved. Come back to it at any time while the cycle is open."), "success")
    return redirect(url_for("recognition.nomination", nomination_id=nomination_id))


@bp.route("/recognition/nominations/<int:nomination_id>/nominees", methods=["POST"])
@requires("recognition.nominate")
def add_nominee(nomination_id: int):
    """Adds the person chosen in the search results, saving the draft sent with them."""
    found, declared, form, today, answer = _draft_sent(nomination_id)
    if answer is not None:
        return answer
    if form.person.data is None:
        return _refused(nomination_id, Refused(_("Choose the person to add from the search results.")))
    person = db.session.get(User, form.person.data)
    try:
        operations.add_nominee(found, person, form.revision.data, today)
        operations.save_draft(found, form.category.data or None, (form.team_name.data or "").strip(),
                              form.citation.data, found.revision, today)
    except Stale as refusal:
        return _refused(nomination_id, refusal)
    except Refused as refusal:
        db.session.rollback()
        form.form_errors.append(str(refusal))
        return _nomination_page(found, declared, form=form, text=_posted_search())
    db.session.commit()
    flash(_("%(name)s was added, and your draft was saved.", name=person.full_name), "success")
    return redirect(url_for("recognition.nomination", nomination_id=nomination_id, _anchor="people"))


@bp.route("/recognition/nominations/<int:nomination_id>/nominees/remove", methods=["POST"])
@requires("recognition.nominate")
def remove_nominee(nomination_id: int):
    found, _declared = _nomination(nomination_id)
    if not found.can_edit(current_user, date.today()):
        return _refused(nomination_id, Refused(str(NOT_EDITABLE)))
    form = PersonForm()
    if not form.validate_on_submit() or form.revision.data is None:
        return _refused(nomination_id, Refused(_("This form expired. Try again.")))
    try:
        operations.remove_nominee(found, form.person.data, form.revision.data, date.today())
    except Refused as refusal:
        return _refused(nomination_id, refusal)
    db.session.commit()
    return redirect(url_for("recognition.nomination", nomination_id=nomination_id))


@bp.route("/recognition/nominations/<int:nomination_id>/withdraw", methods=["POST"])
@requires("recognition.nominate")
def withdraw(nomination_id: int):
    found, declared = _nomination(nomination_id)
    if not found.can_withdraw(current_user, date.today()):
        return _refused(nomination_id, Refused(str(operations.NOT_WITHDRAWABLE)))
    form = WithdrawalForm()
    if not form.validate_on_submit():
        return _nomination_page(found, declared, withdrawal=form)
    try:
        operations.withdraw_nomination(found, current_user, form.revision.data, date.today())
    except Refused as refusal:
        return _refused(nomination_id, refusal)
    db.session.commit()
    flash(_("Your nomination was withdrawn."), "success")
    return redirect(url_for("recognition.index"))


@bp.route("/recognition/nominations/<int:nomination_id>/scores", methods=["POST"])
@requires("recognition.review")
def score(nomination_id: int):
    found, declared = _nomination(nomination_id)
    rubric = found.cycle.definition["rubric"]
    form = score_form(rubric["criteria"], rubric["scale"], reader_language())
    if form.revision.data is not None and form.revision.data != found.revision:
        return _refused(nomination_id, Refused(str(operations.CHANGED_MEANWHILE)))
    if not found.can_score(current_user, date.today(), declared):
        return _refused(nomination_id, Refused(_("You cannot score this nomination.")))
    if not form.validate_on_submit():
        return _nomination_page(found, declared, score=form)
    try:
        operations.score_nomination(found, current_user, chosen_scores(form, rubric["criteria"]),
                                    form.revision.data, date.today())
    except Refused as refusal:
        return _refused(nomination_id, refusal)
    db.session.commit()
    flash(_("Your scores were saved."), "success")
    return redirect(url_for("recognition.review", cycle_id=found.cycle_id))


@bp.route("/recognition/nominations/<int:nomination_id>/conflict", methods=["POST"])
@requires("recognition.review")
def conflict(nomination_id: int):
    found, _declared = _nomination(nomination_id)
    if found.state not in UNDER_REVIEW or not found.cycle.is_reviewer(current_user):
        return _refused(nomination_id, Refused(str(operations.NO_CONFLICT_HERE)))
    if not ConflictForm().validate_on_submit():
        return _refused(nomination_id, Refused(_("This form expired. Try again.")))
    try:
        operations.declare_conflict(found, current_user, date.today())
    except Refused as refusal:
        return _refused(nomination_id, refusal)
    db.session.commit()
    flash(_("Your conflict of interest was recorded. This nomination is no longer in your list."), "success")
    return redirect(url_for("recognition.review", cycle_id=found.cycle_id))


@bp.route("/recognition/nominations/<int:nomination_id>/shortlist", methods=["POST"])
@requires("recognition.review")
def shortlist(nomination_id: int):
    found, declared = _nomination(nomination_id)
    if found.state is not NominationState.SUBMITTED or not found.can_decide(current_user, date.today(), declared):
        return _refused(nomination_id, Refused(str(operations.NOT_SHORTLISTABLE)))
    form = RevisionForm()
    try:
        if not form.validate_on_submit():
            raise Refused(_("This form expired. Try again."))
        operations.shortlist_nomination(found, current_user, form.revision.data, date.today())
    except Refused as refusal:
        return _refused(nomination_id, refusal)
    db.session.commit()
    flash(_("The nomination is on the shortlist."), "success")
    return redirect(url_for("recognition.nomination", nomination_id=nomination_id))


@bp.route("/recognition/nominations/<int:nomination_id>/decision", methods=["POST"])
@requires("recognition.review")
def decide(nomination_id: int):
    found, declared = _nomination(nomination_id)
    form = DecisionForm(scored=_scored(found))
    if form.revision.data is not None and form.revision.data != found.revision:
        return _refused(nomination_id, Refused(str(operations.CHANGED_MEANWHILE)))
    if not found.can_decide(current_user, date.today(), declared):
        return _refused(nomination_id, Refused(_("Only the cycle's chair can decide, once the cycle has closed.")))
    if not form.validate_on_submit():
        return _nomination_page(found, declared, decision=form)
    try:
        operations.decide_nomination(found, current_user, form.outcome.data == "awarded", form.reason.data.strip(),
                                     form.revision.data, date.today())
    except Refused as refusal:
        return _refused(nomination_id, refusal)
    db.session.commit()
    mailer.deliver_queued()
    flash(_("The decision was recorded; the nominator and the people nominated will be told by e-mail."), "success")
    return redirect(url_for("recognition.review", cycle_id=found.cycle_id))


@bp.route("/recognition/awards")
@requires("recognition.nominate")
def my_awards():
    return render_template("recognition/awards.html", awards=queries.my_awards(current_user), form=ConsentForm(),
                           language=reader_language())


@bp.route("/recognition/awards/<int:nomination_id>/consent", methods=["POST"])
@requires("recognition.nominate")
def consent(nomination_id: int):
    found = found_and_allowed(queries.nomination(nomination_id), lambda award: award.can_consent(current_user),
                              hidden=True)
    form = ConsentForm()
    if not form.validate_on_submit():
        flash(_("Choose yes or no."), "error")
        return redirect(url_for("recognition.my_awards"))
    try:
        operations.give_consent(found, current_user, form.agree.data == "yes")
    except Refused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect(url_for("recognition.my_awards"))
    db.session.commit()
    flash(_("Thank you. Your choice was saved; you can change it at any time."), "success")
    return redirect(url_for("recognition.my_awards"))


# Stories are read one after another, not scanned like a table: fewer of them make a page.
STORIES_PER_PAGE = 20


def _whole_number(name: str) -> int | None:
    return number_or_none(request.args.get(name))


@bp.route("/recognition/showcase")
@requires("recognition.showcase")
def showcase():
    definitions = queries.programme_definitions()
    divisions, categories, years = queries.showcase_choices(definitions)
    category = request.args.get("category", "")
    year = _whole_number("year")
    chosen = queries.ShowcaseFilter(_whole_number("division"), category if category in dict(categories) else None,
                                    year if year is not None and MINYEAR <= year < MAXYEAR else None)
    page = requested_page()
    found, has_next = queries.stories(chosen, page, min(current_app.config["PAGE_SIZE"], STORIES_PER_PAGE),
                                      definitions)
    language = reader_language()
    filter_part = render_part("recognition/_showcase_filter.html", (
        tuple(divisions), tuple((value, tuple(title.items())) for value, title in categories), tuple(years), chosen),
        divisions=divisions, categories=categories, years=years, chosen=chosen, language=language)
    stories_part = render_part("recognition/_stories.html", (
        page, has_next, chosen, tuple(story.key() for story in found)),
        stories=found, has_next=has_next, page=page, chosen=chosen, language=language)
    return render_template("recognition/showcase.html", filter_part=filter_part, stories_part=stories_part,
                           language=language)


@bp.route("/recognition/review/<int:cycle_id>")
@requires("recognition.review")
def review(cycle_id: int):
    cycle = found_and_allowed(queries.cycle(cycle_id), lambda found: found.can_review(current_user))
    state = request.args.get("state", "")
    chosen = next((member for member in SEEN_BY_COMMITTEE if member.value == state), None)
    page = requested_page()
    rows, has_next = queries.review_page(cycle, current_user, chosen, page, current_app.config["PAGE_SIZE"])
    language = reader_language()
    titles = cycle.category_titles(language)
    table = render_part("recognition/_review_table.html", (tuple(rows), tuple(titles.items())),
                        rows=rows, category_titles=titles) if rows else None
    return render_template("recognition/review.html", cycle=cycle, table=table, has_next=has_next, page=page,
                           chosen=chosen, states=SEEN_BY_COMMITTEE, language=language,
                           closed=cycle.is_closed(date.today()))


def _cycle_form(**kwargs) -> CycleForm:
    form = CycleForm(**kwargs)
    language = reader_language()
    form.programme.choices = [SelectChoice(found.id, found.definition["title"][language])
                              for found in queries.programmes()]
    form.division.choices = [SelectChoice(0, _("None (city-wide programme)"))] + [
        SelectChoice(division.id, division.name(language)) for division in all_divisions()]
    people = [SelectChoice(person.id, person.full_name) for person in queries.committee_candidates()]
    form.members.choices, form.chair.choices = people, people
    return form


@bp.route("/recognition/cycles/")
@requires("recognition.manage")
def cycles():
    found = queries.cycles()
    return render_template("recognition/cycles.html", cycles=found, language=reader_language(),
                           counts=queries.state_counts([cycle.id for cycle in found]), today=date.today())


def _settings(form: CycleForm, division_id: int | None) -> operations.CycleSettings:
    return operations.CycleSettings(form.name_en.data.strip(), form.opens_on.data, form.closes_on.data,
                                    frozenset(form.members.data), form.chair.data, division_id,
                                    form.name_fr.data.strip())


@bp.route("/recognition/cycles/new", methods=["GET", "POST"])
@requires("recognition.manage")
def open_cycle():
    form = _cycle_form()
    if form.validate_on_submit():
        try:
            cycle = operations.open_cycle(queries.programme(form.programme.data),
                                          _settings(form, form.division.data or None), current_user)
        except Refused as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("The cycle was opened."), "success")
            return redirect(url_for("recognition.cycles", _anchor=f"cycle-{cycle.id}"))
    return render_form("recognition/cycle_form.html", form, cycle=None, language=reader_language(), scope=Scope)


@bp.route("/recognition/cycles/<int:cycle_id>/edit", methods=["GET", "POST"])
@requires("recognition.manage")
def change_cycle(cycle_id: int):
    cycle = found_and_allowed(queries.cycle(cycle_id), lambda found: found.can_manage(current_user))
    form = _cycle_form(data=None if request.method == "POST" else {
        "programme": cycle.programme_id, "division": cycle.division_id or 0, "name_en": cycle.name_en,
        "name_fr": cycle.name_fr,
        "opens_on": cycle.opens_on, "closes_on": cycle.closes_on, "members": sorted(cycle.member_ids),
        "chair": cycle.chair_id})
    del form.programme, form.division
    if form.validate_on_submit():
        try:
            operations.change_cycle(cycle, _settings(form, cycle.division_id))
        except Refused as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("The cycle was changed."), "success")
            return redirect(url_for("recognition.cycles", _anchor=f"cycle-{cycle.id}"))
    return render_form("recognition/cycle_form.html", form, cycle=cycle, language=reader_language(), scope=Scope)


@bp.route("/recognition/report/")
@requires("recognition.report")
def report():
    visible = current_user.visible_division_ids("recognition")
    divisions = [division for division in all_divisions() if visible is None or division.id in visible]
    if len(divisions) == 1:
        return redirect(url_for("recognition.division_report", code=divisions[0].code))
    return render_template("recognition/report_divisions.html", divisions=divisions, language=reader_language())


@bp.route("/recognition/report/<code>")
@requires("recognition.report")
def division_report(code: str):
    division = visible_division(code, current_user, "recognition")
    return render_template("recognition/report.html", division=division, rows=queries.division_counts(division),
                           language=reader_language())
