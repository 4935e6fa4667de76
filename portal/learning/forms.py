from datetime import date, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectMultipleField, StringField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .codes import normalise_code
from .quiz import QuizQuestion

# Each message names its question, so that the summary of a quiz sent back reads as a list of what to fix.
NOTHING_CHOSEN = _l("Question %(number)d: choose an answer.")
NOTHING_CHOSEN_MULTIPLE = _l("Question %(number)d: choose at least one answer.")
UNKNOWN_CHOICE = _l("Question %(number)d: that answer is not one of the choices. Choose again.")


class StartQuizForm(FlaskForm):
    """Only the CSRF token: starting a quiz is a change of state."""


class QuizForm(FlaskForm):
    """The questions of one attempt, one field each (`q1`, `q2`, …), built from the attempt's draw."""


def _known_choices(number: int):
    def check(_form, field) -> None:
        allowed = {choice.value for choice in field.choices}
        chosen = field.data if isinstance(field.data, list) else [field.data]
        if any(value not in allowed for value in chosen if value is not None):
            raise ValidationError(UNKNOWN_CHOICE % {"number": number})

    return check


def quiz_form(questions: list[QuizQuestion], **kwargs) -> QuizForm:
    fields = {}
    for question in questions:
        choices = [SelectChoice(choice.value, choice.label) for choice in question.choices]
        if question.multiple:
            fields[question.name] = SelectMultipleField(
                question.prompt, choices=choices, validate_choice=False, widget=ListWidget(prefix_label=False),
                option_widget=CheckboxInput(), validators=[
                    InputRequired(NOTHING_CHOSEN_MULTIPLE % {"number": question.position}),
                    _known_choices(question.position)])
        else:
            fields[question.name] = RadioField(question.prompt, choices=choices, validate_choice=False, validators=[
                InputRequired(NOTHING_CHOSEN % {"number": question.position}), _known_choices(question.position)])
    return type("AttemptForm", (QuizForm,), fields)(**kwargs)


def chosen_values(form: QuizForm, questions: list[QuizQuestion]) -> dict[int, list[str]]:
    values = {}
    for question in questions:
        data = form[question.name].data
        values[question.position] = list(data) if isinstance(data, list) else [data]
    return values


def chosen_choices(form: QuizForm, questions: list[QuizQuestion]) -> dict[str, set[str]]:
    """The choices already ticked on each question, by field name, to show them again."""
    values = chosen_values(form, questions)
    return {question.name: {value for value in values[question.position] if value is not None}
            for question in questions}


FIRST_YEAR, LAST_YEAR = 2000, 2100


class ReplyByForm(FlaskForm):
    """When an inquiry arrived; sent in the address (GET) so a worked answer can be shared."""

    class Meta:
        csrf = False

    received_on = DateField(_l("Date the inquiry arrived"), validators=[InputRequired(_l("Enter the date the inquiry arrived."))],
                            description=_l("For example 2026-07-31."))
    received_at = TimeField(_l("Time it arrived"), validators=[InputRequired(_l("Enter the time the inquiry arrived."))],
                            description=_l("24-hour clock, Toronto time, for example 16:40."))
    around_the_clock = BooleanField(_l("The service runs around the clock (a 24-hour service)"),
                                    validators=[Optional()])

    def validate_received_on(self, field) -> None:
        if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
            raise ValidationError(_l("Enter a date between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR))

    @property
    def received(self) -> tuple[date, time]:
        """The date and the time, as typed in Toronto time."""
        return self.received_on.data, self.received_at.data


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False

    code = StringField(_l("Verification code"), validators=[InputRequired(_l("Enter the code printed on the certificate."))],
                       description=_l("Sixteen letters and digits, as printed on the certificate, e.g. K7QM-3XPA-R2VW-9HTC."))

    def validate_code(self, field) -> None:
        if field.data and normalise_code(field.data) is None:
            raise ValidationError(_l("A verification code has sixteen letters and digits, such as K7QM-3XPA-R2VW-9HTC. "
                                     "Check what you typed."))
