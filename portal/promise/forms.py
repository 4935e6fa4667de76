from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired


class AttestationForm(FlaskForm):
    confirm = BooleanField(_l("I have read this document and I commit to upholding it in my work."),
                           validators=[DataRequired(_l("Tick the box to confirm that you have read the document."))])
