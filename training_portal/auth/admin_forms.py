"""Forms of the admin pages: audit log filters and program settings."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import BooleanField, DateField, IntegerField, SelectField, SubmitField
from wtforms.validators import NumberRange, Optional, ValidationError

from ..extensions import db
from ..forms import Form
from .models import AuditLog, User

MONTH_NAMES = (
    _l("January"), _l("February"), _l("March"), _l("April"), _l("May"), _l("June"),
    _l("July"), _l("August"), _l("September"), _l("October"), _l("November"), _l("December"),
)


class AuditFilterForm(Form):
    """Filters of the audit log page (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    user = SelectField(_l("Who"), coerce=int, validators=[Optional()])
    action = SelectField(_l("Action"), validators=[Optional()])
    object_type = SelectField(_l("Kind of record"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("Until"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = db.session.scalars(select(User).order_by(User.name)).all()
        self.user.choices = [(0, _l("Everyone")), (-1, _l("Shell commands and the system"))] + [
            (user.id, f"{user.name} ({user.email})") for user in users]
        self.action.choices = [("", _l("All"))] + [
            (action, action) for action in db.session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action))]
        self.object_type.choices = [("", _l("All"))] + [
            (kind, kind) for kind in db.session.scalars(
                select(AuditLog.object_type).where(AuditLog.object_type != "").distinct().order_by(AuditLog.object_type))]

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))


class SettingsForm(Form):
    """The program's settings. Each section of the page maps to a feature's own setting helpers."""

    retention_months = IntegerField(
        _l("Keep participants' personal details for (months)"),
        validators=[Optional(), NumberRange(min=0, max=600)],
        description=_l("After this many months without attending, a participant's name, phone and "
                       "organisation are removed; all counts stay. 0 or empty: keep them."),
    )
    small_cell_threshold = IntegerField(
        _l("Hide counts below this number in workbooks for outside readers"),
        validators=[Optional(), NumberRange(min=0, max=100)],
        description=_l("Counts from 1 up to this number minus one are shown as \u201c<N\u201d. 0: show every count."),
    )
    fiscal_year_start_month = SelectField(_l("Fiscal year starts in"), coerce=int,
                                          choices=[(index + 1, name) for index, name in enumerate(MONTH_NAMES)])
    khmer_digits = BooleanField(_l("Write numbers and dates with Khmer digits on Khmer pages"))
    submit = SubmitField(_l("Save settings"))
