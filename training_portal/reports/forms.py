from babel.dates import get_month_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SubmitField
from wtforms.validators import NumberRange, Optional

from ..events.models import EventType, Province, TargetGroup
from ..events.services import staff_for_events
from ..forms import Form
from ..i18n import LANGUAGE_NAMES, current_language
from .period import ReportFilters, default_year, fiscal_year_start_month, make_period, report_years
from .tables import reference_entries

CALENDAR, FISCAL = "calendar", "fiscal"
FIRST_YEAR, LAST_YEAR = 2000, 2100


def month_choices() -> list[tuple[int, str]]:
    names = get_month_names("wide", locale=get_locale())
    return [(month, names[month]) for month in range(1, 13)]


class ReportFilterForm(Form):
    """The dashboard's period and filters (a GET form, so no CSRF token); exports reuse its query string."""

    class Meta:
        csrf = False

    # Any year in range may be asked for (a link, an empty year); the list offers years with events.
    year = SelectField(_l("Year"), coerce=int, validate_choice=False,
                       validators=[Optional(), NumberRange(min=FIRST_YEAR, max=LAST_YEAR)])
    period = SelectField(_l("Period"), default=CALENDAR, validators=[Optional()])
    province = SelectField(_l("Province"), coerce=int, default=0, validators=[Optional()])
    event_type = SelectField(_l("Event type"), coerce=int, default=0, validators=[Optional()])
    target_group = SelectField(_l("Target group"), coerce=int, default=0, validators=[Optional()])
    trainer = SelectField(_l("Trainer"), coerce=int, default=0, validators=[Optional()])

    def __init__(self, formdata, user, **kwargs):
        super().__init__(formdata, **kwargs)
        self.user = user
        every = [(0, _l("All"))]
        self.year.choices = [(year, str(year)) for year in report_years()]
        if self.year.data is None:
            self.year.data = default_year()
        if isinstance(self.year.data, int) and self.year.data not in dict(self.year.choices):
            self.year.choices = sorted([*self.year.choices, (self.year.data, str(self.year.data))], reverse=True)
        start_month = fiscal_year_start_month()
        self.period.choices = [(CALENDAR, _l("Calendar year"))]
        if start_month != 1:
            self.period.choices.append((FISCAL, _l("Fiscal year (from %(month)s)", month=dict(month_choices())[start_month])))
        self.province.choices = every + self.entries(Province)
        self.event_type.choices = every + self.entries(EventType)
        self.target_group.choices = every + self.entries(TargetGroup)
        self.trainer.choices = every + [(staff.id, staff.name) for staff in staff_for_events()]

    @staticmethod
    def entries(model) -> list[tuple[int, str]]:
        return [(entry.id, entry.name) for entry in reference_entries(model)]

    @property
    def shows_period(self) -> bool:
        return len(self.period.choices) > 1

    @property
    def shows_trainer(self) -> bool:
        """Trainers always see their own events, so they get no trainer filter."""
        return self.user.sees_all_events

    def filters(self) -> ReportFilters:
        """The filters chosen, narrowed to the user's own events for a trainer (call after validate)."""
        fiscal = self.period.data == FISCAL and self.shows_period
        return ReportFilters(
            period=make_period(self.year.data, fiscal),
            province_id=self.province.data or None,
            event_type_id=self.event_type.data or None,
            target_group_id=self.target_group.data or None,
            trainer_id=self.trainer.data or None,
        ).for_user(self.user)


class ExportForm(Form):
    """A download button: POST with CSRF, because every export is written to the audit log."""

    language = SelectField(_l("Language"), choices=list(LANGUAGE_NAMES.items()))
    submit = SubmitField(_l("Download"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.language.data:
            self.language.data = current_language()
