import json

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_babel import gettext as _
from flask_babel import ngettext
from wtforms import (BooleanField, DateField, RadioField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from ..forms import BoundedNumberField, number_choice
from ..numbers import parse_number
from .citation import SEPARATORS, word_count


def _revision() -> BoundedNumberField:
    return BoundedNumberField(widget=HiddenInput(), lowest=1, validators=[InputRequired()])


class CycleForm(FlaskForm):
    programme = SelectField(_l("Programme"), coerce=number_choice, validate_choice=True)
    division = SelectField(_l("Division (divisional programmes only)"), coerce=number_choice, validate_choice=True)
    name_en = StringField(_l("Name of the cycle in English"),
                          description=_l("As English pages and e-mails show it, for example 2026 or Spring 2027."),
                          validators=[DataRequired(_l("Name the cycle in English.")), Length(max=80)])
    name_fr = StringField(_l("Name of the cycle in French"),
                          description=_l("As French pages and e-mails show it, for example 2026 or Printemps 2027."),
                          validators=[DataRequired(_l("Name the cycle in French.")), Length(max=80)])
    opens_on = DateField(_l("Nominations open on"), validators=[InputRequired(_l("Give the opening date."))])
    closes_on = DateField(_l("Nominations close on"), validators=[InputRequired(_l("Give the closing date."))])
    members = SelectMultipleField(_l("Committee members"), coerce=number_choice, widget=ListWidget(prefix_label=False),
                                  option_widget=CheckboxInput(),
                                  validators=[InputRequired(_l("Choose at least one committee member."))])
    chair = SelectField(_l("Chair"), coerce=number_choice, validate_choice=True)

    def validate_closes_on(self, field) -> None:
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The closing date must be on or after the opening date."))

    def validate_chair(self, field) -> None:
        if field.data not in (self.members.data or []):
            raise ValidationError(_l("The chair must be one of the committee members."))


class PersonForm(FlaskForm):
    """Names one person: to start a nomination, or to add them to a team."""

    person = BoundedNumberField(widget=HiddenInput(), lowest=1, validators=[InputRequired()])
    revision = BoundedNumberField(widget=HiddenInput(), lowest=1, validators=[Optional()])


class NominationForm(FlaskForm):
    """The nominator's draft. Searching for another person, or adding one (`person`), sends the draft too, so
    what was typed is saved rather than lost."""

    category = RadioField(_l("Category"), validate_choice=False)
    team_name = StringField(_l("Team name (for a team)"), validators=[Optional(), Length(max=120)])
    citation = TextAreaField(_l("Citation"), validators=[Length(max=20000)])
    revision = _revision()
    action = SelectField(choices=[SelectChoice("save"), SelectChoice("submit"), SelectChoice("search")],
                         default="save", validate_choice=True)
    person = BoundedNumberField(widget=HiddenInput(), lowest=1, validators=[Optional()])

    def __init__(self, *args, word_limit: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.word_limit = word_limit
        self.citation.render_kw = {"data-word-limit": word_limit, "data-word-separators": SEPARATORS,
                                   "rows": 12}

    def validate_citation(self, field) -> None:
        if word_count(field.data) > self.word_limit:
            raise ValidationError(ngettext("The citation has %(num)d word; the limit is %(limit)d. Shorten it.",
                                           "The citation has %(num)d words; the limit is %(limit)d. Shorten it.",
                                           word_count(field.data), limit=self.word_limit))
        if self.action.data == "submit" and not (field.data or "").strip():
            raise ValidationError(_l("Write the citation before you submit."))

    def validate_category(self, field) -> None:
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose one of this programme's categories."))
        if self.action.data == "submit" and not field.data:
            raise ValidationError(_l("Choose a category before you submit."))


class RevisionForm(FlaskForm):
    """A change of state that needs only the revision the person saw (shortlist)."""

    revision = _revision()


class WithdrawalForm(RevisionForm):
    """Withdrawing is for good, so the nominator says they know it."""

    confirm_withdrawal = BooleanField(
        _l("I understand that a withdrawn nomination cannot be submitted again."),
        validators=[DataRequired(_l("Tick the box to confirm that you want to withdraw this nomination for good."))])


class ConflictForm(FlaskForm):
    """Only the CSRF token: declaring a conflict needs no more."""


class DecisionForm(FlaskForm):
    """The chair's decision is final and e-mailed at once: the chair confirms it, and confirms deciding a
    nomination that no reviewer has scored (`scored` False)."""

    outcome = RadioField(_l("Decision"), choices=[SelectChoice("awarded", _l("Awarded")),
                                                  SelectChoice("not_awarded", _l("Not awarded"))],
                         validators=[InputRequired(_l("Choose awarded or not awarded."))])
    reason = TextAreaField(_l("Reason, in a sentence or two"),
                           description=_l("The nominator and the people nominated receive it by e-mail."),
                           validators=[DataRequired(_l("Give the reason for the decision.")), Length(max=500)],
                           render_kw={"rows": 3})
    confirm_unscored = BooleanField(_l("No reviewer has scored this nomination. I mean to decide it without scores."))
    confirm_decision = BooleanField(
        _l("I understand that the decision is final and that the nominator and the people nominated are told by "
           "e-mail at once."),
        validators=[DataRequired(_l("Tick the box to confirm the decision: it cannot be changed afterwards."))])
    revision = _revision()

    def __init__(self, *args, scored: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.scored = scored
        if scored:
            del self.confirm_unscored

    def validate_confirm_unscored(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("No reviewer has scored this nomination. Tick the box if you mean to decide "
                                     "it without scores, or wait for the scores."))


class ConsentForm(FlaskForm):
    agree = RadioField(_l("May the story of this award be shown on the showcase?"),
                       choices=[SelectChoice("yes", _l("Yes, share it")),
                                SelectChoice("no", _l("No, keep it private"))],
                       validators=[InputRequired(_l("Choose yes or no."))])


def score_form(criteria: list[dict], scale: int, language: str, **kwargs) -> FlaskForm:
    """One required choice from 1 to the scale for each criterion of the rubric."""
    fields = {"revision": _revision()}
    values = [str(value) for value in range(1, scale + 1)]
    for criterion in criteria:
        title = criterion["title"][language]
        missing = _("Score “%(criterion)s” from 1 to %(scale)d.", criterion=title, scale=scale)
        fields[f"criterion_{criterion['key']}"] = RadioField(
            title, description=criterion["guidance"][language],
            choices=[SelectChoice(value) for value in values], validate_choice=False,
            validators=[InputRequired(missing), AnyOf(values, message=missing)])
    return type("ScoreForm", (FlaskForm,), fields)(**kwargs)


def rubric_key(rubric: dict) -> str:
    """The rubric as text, to key what is drawn from it."""
    return json.dumps(rubric, sort_keys=True)


def chosen_scores(form: FlaskForm, criteria: list[dict]) -> dict[str, int]:
    return {criterion["key"]: parse_number(form[f"criterion_{criterion['key']}"].data) for criterion in criteria}
