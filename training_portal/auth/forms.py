from flask_babel import lazy_gettext as _l
from ..forms import Form
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from ..i18n import LANGUAGE_NAMES
from .models import Role
from .services import MAX_PASSWORD_LENGTH, password_problem, user_by_email

ROLE_LABELS = {
    Role.ADMIN: _l("Admin"),
    Role.MANAGER: _l("Program manager"),
    Role.TRAINER: _l("Trainer"),
}

PASSWORD_MESSAGES = {
    "too_short": _l("Use at least 8 characters."),
    "too_long": _l("Use at most 128 characters."),
    "common": _l("This password is too common. Choose another."),
}


def acceptable_password(_form, field):
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(PASSWORD_MESSAGES[problem])


def role_choices():
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    submit = SubmitField(_l("Log in"))


class NewUserForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=role_choices, default=Role.TRAINER.value)
    password = PasswordField(_l("Password"), validators=[DataRequired(), acceptable_password])
    submit = SubmitField(_l("Add account"))

    def validate_email(self, field):
        if user_by_email(field.data or ""):
            raise ValidationError(_l("An account with this email already exists."))


class EditUserForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=role_choices)
    submit = SubmitField(_l("Save"))


class SetPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), acceptable_password])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Set password"))


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])


class LanguageForm(Form):
    language = SelectField(choices=list(LANGUAGE_NAMES.items()))
    remember = BooleanField(default=True)
