from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from ..security import Role


class RolesForm(FlaskForm):
    roles = SelectMultipleField(_l("Roles"), choices=[SelectChoice(role.value) for role in Role],
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    def translate_choices(self) -> None:
        self.roles.choices = [SelectChoice(role.value, role.title) for role in Role]
