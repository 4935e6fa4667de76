from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from ..forms import BoundedNumberField, number_choice
from ..kept import kept
from .inquiry_log import CHANNELS
from .models import Phase, PhaseStatus

LARGEST_COUNT = 10_000_000
LONGEST_TEXT = 2000
_FORM_CLASSES: dict[tuple, type] = kept({})


def _revision(required: bool = True) -> BoundedNumberField:
    return BoundedNumberField(widget=HiddenInput(), lowest=1, validators=[InputRequired() if required else Optional()])


class PhaseForm(FlaskForm):
    phase = RadioField(_l("Phase"), choices=[SelectChoice(phase.value) for phase in Phase],
                       validators=[InputRequired(_l("Choose the phase."))])
    status = RadioField(_l("Status"), choices=[SelectChoice(status.value) for status in PhaseStatus],
                        validators=[InputRequired(_l("Choose the status."))])
    reason = TextAreaField(_l("Why it changes"), description=_l("Kept with the change for the division's timeline."),
                           validators=[DataRequired(_l("Say why the phase or status changes.")), Length(max=500)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.phase.choices = [SelectChoice(phase.value, f"{phase.title} — {phase.purpose}") for phase in Phase]
        self.status.choices = [SelectChoice(status.value, status.title) for status in PhaseStatus]


class PeriodForm(FlaskForm):
    year = BoundedNumberField(_l("Year"), validators=[InputRequired(_l("Give the year."))], lowest=2020, highest=2100,
                              messages=dict.fromkeys(("not_a_number", "too_small", "too_large"),
                                                     _l("Give a year from 2020 to 2100.")))
    quarter = SelectField(_l("Quarter"), coerce=number_choice, validate_choice=True,
                          choices=[SelectChoice(quarter, f"Q{quarter}") for quarter in range(1, 5)])
    due_on = DateField(_l("Reports due on"), validators=[InputRequired(_l("Give the date the reports are due."))])


def _typed_value(indicator: dict, data):
    """The typed answer as stored (bool, int, float or text), None when blank; numbers come read by their field."""
    if data is None or (isinstance(data, str) and not data.strip()):
        return None
    if indicator["kind"] == "yes-no":
        return data == "yes"
    if indicator["kind"] == "text":
        return data.strip()
    return data


def _count_field(title: str) -> BoundedNumberField:
    return BoundedNumberField(title, lowest=0, highest=LARGEST_COUNT, grouped=True, messages={
        "not_a_number": _l("Enter “%(title)s” as a whole number of 0 or more, for example 12.", title=title),
        "too_small": _l("“%(title)s” cannot be negative.", title=title),
        "too_large": _l("“%(title)s” is larger than any division could count; check the number.", title=title)})


def _percentage_field(title: str) -> BoundedNumberField:
    outside = _l("“%(title)s” must be a percentage from 0 to 100.", title=title)
    return BoundedNumberField(title, lowest=0, highest=100, places=1, grouped=True, unit="%", messages={
        "not_a_number": _l("Enter “%(title)s” as a percentage from 0 to 100, for example 85.", title=title),
        "too_small": outside, "too_large": outside})


class ReportForm(FlaskForm):
    """A division's answers, with one field per typed indicator of the period, and one for its evidence."""

    revision = _revision(required=False)
    action = SelectField(choices=[SelectChoice("save"), SelectChoice("submit")], validate_choice=True)

    def __init__(self, *args, indicators: list[dict], language: str, **kwargs):
        self.indicators, self.language, self.checked = indicators, language, {}
        super().__init__(*args, **kwargs)

    def value_field(self, indicator: dict):
        return self[f"value-{indicator['key']}"]

    def evidence_field(self, indicator: dict):
        return self[f"evidence-{indicator['key']}"] if indicator["evidence"] else None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        submitting = self.action.data == "submit"
        for indicator in self.indicators:
            title = indicator["title"][self.language]
            field = self.value_field(indicator)
            if field.errors:
                continue
            value = _typed_value(indicator, field.data)
            if value is None and submitting:
                field.errors.append(_("Answer “%(title)s” before submitting, or save the report as a draft.",
                                      title=title))
                valid = False
            evidence = self.evidence_field(indicator)
            answer = {"value": value}
            if evidence is not None and (evidence.data or "").strip():
                answer["evidence"] = evidence.data.strip()
            self.checked[indicator["key"]] = answer
        return valid

    def answers(self) -> dict:
        return {key: answer for key, answer in self.checked.items()
                if answer["value"] is not None or answer.get("evidence")}

    def differing(self, saved: dict) -> list[dict]:
        """The typed indicators whose answer in the form is not the one `saved` holds."""
        typed = self.answers()
        return [indicator for indicator in self.indicators if typed.get(indicator["key"]) != saved.get(indicator["key"])]

    def rebase(self, revision: int) -> None:
        """Puts the form on this revision of the report, so that saving it again replaces that revision knowingly."""
        self.revision.data, self.revision.raw_data = revision, None


def _report_form_class(indicators: list[dict], language: str) -> type[ReportForm]:
    """A ReportForm class with a field per indicator of the period (fields depend on the period's definition)."""

    class PeriodReportForm(ReportForm):
        pass

    for indicator in indicators:
        name, title = f"value-{indicator['key']}", indicator["title"][language]
        if indicator["kind"] == "yes-no":
            field = RadioField(title, choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
                               validate_choice=True, validators=[Optional()])
        elif indicator["kind"] == "text":
            field = TextAreaField(title, validators=[Length(max=LONGEST_TEXT)])
        elif indicator["kind"] == "count":
            field = _count_field(title)
        else:
            field = _percentage_field(title)
        setattr(PeriodReportForm, name, field)
        if indicator["evidence"]:
            setattr(PeriodReportForm, f"evidence-{indicator['key']}",
                    TextAreaField(_l("Evidence"), validators=[Length(max=LONGEST_TEXT)]))
    return PeriodReportForm


def report_form(indicators: list[dict], language: str, **kwargs) -> ReportForm:
    """The form for these indicators; its class is made once per definition and language and then kept."""
    key = (language, tuple((item["key"], item["kind"], item["evidence"], item["title"][language])
                           for item in indicators))
    if key not in _FORM_CLASSES:
        _FORM_CLASSES[key] = _report_form_class(indicators, language)
    return _FORM_CLASSES[key](indicators=indicators, language=language, **kwargs)


def initial_data(indicators: list[dict], answers: dict, revision: int | None) -> dict:
    data = {"revision": revision, "action": "save"}
    for indicator in indicators:
        answer = answers.get(indicator["key"], {})
        value = answer.get("value")
        if indicator["kind"] == "yes-no" and value is not None:
            value = "yes" if value else "no"
        data[f"value-{indicator['key']}"] = "" if value is None else str(value)
        if indicator["evidence"]:
            data[f"evidence-{indicator['key']}"] = answer.get("evidence", "")
    return data


class ReviewForm(FlaskForm):
    revision = _revision()
    decision = RadioField(_l("Decision"), choices=[SelectChoice("accept", _l("Accept the report")),
                                                   SelectChoice("return", _l("Return it to the division for changes"))],
                          validators=[InputRequired(_l("Choose whether to accept or return the report."))])
    comment = TextAreaField(_l("Comment for the division"),
                            description=_l("Needed when you return the report: say what to change."),
                            validators=[Length(max=2000)])

    def validate_comment(self, field) -> None:
        if self.decision.data == "return" and not (field.data or "").strip():
            raise ValidationError(_l("Say what the division should change before returning the report."))


class InquiryLogForm(FlaskForm):
    log = FileField(_l("Inquiry log (CSV file)"),
                    description=_l("Columns received_at, acknowledged_at, channel, around_the_clock; one row per "
                                   "inquiry received in the quarter; saved as UTF-8 CSV."))

    def validate_log(self, field) -> None:
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(_l("Choose the CSV file to upload."))


class InquiryCountsForm(FlaskForm):
    """Counts typed instead of a log: received and acknowledged within the standard, by month and channel."""

    def __init__(self, *args, months: list[date], **kwargs):
        self.months, self.figures = months, []
        super().__init__(*args, **kwargs)

    def cell(self, figure: str, number: int, channel: str):
        return self[f"{figure}-{number}-{channel}"]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for number, month in enumerate(self.months):
            for channel in CHANNELS:
                received, within = self.cell("received", number, channel), self.cell("within", number, channel)
                values = [received.data, within.data]
                if received.errors or within.errors:
                    valid = False
                elif values[1] is not None and (values[0] or 0) < values[1]:
                    within.errors.append(_("More inquiries acknowledged in time than received; check the numbers."))
                    valid = False
                elif values[0]:
                    self.figures.append((month, channel, values[0], values[1] or 0))
        if valid and not self.figures:
            self.form_errors.append(_("Enter the number of inquiries received for at least one month and channel."))
            valid = False
        return valid


def counts_form(months: list[date], **kwargs) -> InquiryCountsForm:
    class QuarterCountsForm(InquiryCountsForm):
        pass

    whole = _l("Enter a whole number of 0 or more.")
    too_many = _l("This is larger than any division could count; check the number.")
    for number, _month in enumerate(months):
        for channel in CHANNELS:
            for figure in ("received", "within"):
                setattr(QuarterCountsForm, f"{figure}-{number}-{channel}", BoundedNumberField(
                    lowest=0, highest=LARGEST_COUNT, grouped=True, render_kw={"inputmode": "numeric"},
                    messages={"not_a_number": whole, "too_small": whole, "too_large": too_many}))
    return QuarterCountsForm(months=months, **kwargs)
