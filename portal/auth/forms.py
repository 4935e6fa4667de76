from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from .operations import password_problem

EMAIL_REQUIRED = _l("Enter your e-mail address.")


def _acceptable_password(form, field) -> None:
    problem = password_problem(field.data or "", getattr(form, "account_email", ""))
    if problem:
        raise ValidationError(problem)


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(EMAIL_REQUIRED), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")),
                                                         Length(max=128)])
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[
        DataRequired(EMAIL_REQUIRED), Length(max=254),
        Email(_l("Enter an e-mail address in the form name@example.org."), check_deliverability=False)])


class NewPasswordForm(FlaskForm):
    account_email = ""
    password = PasswordField(_l("New password"), description=_l("At least 12 characters."),
                             validators=[DataRequired(_l("Enter a new password.")), _acceptable_password])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(_l("Repeat the new password.")),
        EqualTo("password", _l("The two passwords are not the same."))])


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password."))])


class LanguageForm(FlaskForm):
    language = StringField(validators=[DataRequired()])
    next = HiddenField()
