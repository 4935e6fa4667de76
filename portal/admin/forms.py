from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from ..security import Role


class RolesForm(FlaskForm):
    roles = SelectMultipleField(_l("Roles"), choices=[(role.value, role.value) for role in Role],
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    def translate_choices(self) -> None:
        self.roles.choices = [(role.value, role.title) for role in Role]
