from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..security import Role


class RolesForm(FlaskForm):
    roles = SelectMultipleField(_l("Roles"), choices=[SelectChoice(role.value) for role in Role],
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    def translate_choices(self) -> None:
        self.roles.choices = [SelectChoice(role.value, role.title) for role in Role]


FIRST_YEAR, LAST_YEAR = 2000, 2100


class AuditFilterForm(FlaskForm):
    """The audit log's filters, sent in the address (GET), so a filtered view can be shared and exported."""

    class Meta:
        csrf = False

    action = SelectField(_l("Kind of entry"), validators=[Optional()], validate_choice=False)
    person = StringField(_l("Person"), description=_l("Part of a name or an e-mail address."),
                         validators=[Optional(), Length(max=254, message=_l("Use at most 254 characters."))])
    start = DateField(_l("On or after"), validators=[Optional()])
    end = DateField(_l("On or before"), validators=[Optional()])

    def __init__(self, actions: dict[str, str], **kwargs):
        """`actions`: each action's name, in the order the list shows them."""
        super().__init__(**kwargs)
        self.action.choices = [SelectChoice("", _l("Every kind")),
                               *(SelectChoice(action, title) for action, title in actions.items())]

    def validate_action(self, field) -> None:
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("There is no entry of that kind."))

    def validate_start(self, field) -> None:
        _within_the_portals_years(field)

    def validate_end(self, field) -> None:
        _within_the_portals_years(field)
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end date must be on or after the start date."))


def _within_the_portals_years(field) -> None:
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(_l("Enter a date between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR))
