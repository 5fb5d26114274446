from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..forms import Form, MultiCheckboxField, choice_id
from ..labels import STATUS_LABELS
from . import services
from .models import EventType, Language, Province, TargetGroup

LANGUAGE_CHOICES = [(Language.KHMER.value, "ខ្មែរ"), (Language.ENGLISH.value, "English")]
SESSION_PROBLEMS = {
    "end_before_start": _l("The end time must be after the start time."),
    "out_of_range": _l("Choose a date between 2000 and three years from now."),
}
EMPTY_SESSION_ROWS = 3


def check_session_times(form, day, start, end) -> services.SessionTimes | None:
    """Attach a message to the right field and return None, or return the times."""
    times = services.SessionTimes(day, start, end)
    problem = services.session_times_problem(times)
    if problem == "end_before_start":
        form.end.errors.append(SESSION_PROBLEMS[problem])
    elif problem:
        form.day.errors.append(SESSION_PROBLEMS[problem])
    return None if problem else times


class SessionForm(Form):
    day = DateField(_l("Date"), validators=[InputRequired()])
    start = TimeField(_l("Start"), validators=[InputRequired()])
    end = TimeField(_l("End"), validators=[InputRequired()])
    submit = SubmitField(_l("Save session"))

    def times(self) -> services.SessionTimes | None:
        return check_session_times(self, self.day.data, self.start.data, self.end.data)


class SessionRowForm(Form):
    """One row of the new-event form; an entirely blank row is ignored."""

    class Meta:
        csrf = False

    day = DateField(_l("Date"), validators=[Optional()])
    start = TimeField(_l("Start"), validators=[Optional()])
    end = TimeField(_l("End"), validators=[Optional()])

    @property
    def is_blank(self) -> bool:
        return not any(field.raw_data and field.raw_data[0] for field in (self.day, self.start, self.end))


class EventFieldsForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    event_type_id = SelectField(_l("Event type"), coerce=choice_id,
                                validators=[InputRequired(_l("Choose the event type."))])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    province_id = SelectField(_l("Province"), coerce=choice_id, validators=[InputRequired()])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    language = SelectField(_l("Language of the event"), choices=LANGUAGE_CHOICES, default=Language.KHMER.value)
    target_group_ids = MultiCheckboxField(_l("Target groups"), coerce=choice_id)
    trainer_ids = MultiCheckboxField(_l("Trainers"), coerce=choice_id)
    expected_participants = IntegerField(
        _l("Expected participants"), validators=[Optional(), NumberRange(min=0, max=100_000)]
    )
    submit = SubmitField(_l("Save event"))

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        # An entry deactivated since the event was saved stays offered for that event.
        if event is not None:
            kept_types, kept_provinces = [event.event_type_id], [event.province_id]
            kept_groups, kept_trainers = [g.id for g in event.target_groups], [u.id for u in event.trainers]
        else:
            kept_types = kept_provinces = kept_groups = kept_trainers = []
        self.event_type_id.choices = self.choices_of(EventType, kept_types)
        if event is None:  # a new event's type is a choice the person makes, not a default
            self.event_type_id.choices.insert(0, ("", _l("Choose the event type")))
        self.province_id.choices = self.choices_of(Province, kept_provinces)
        self.target_group_ids.choices = self.choices_of(TargetGroup, kept_groups)
        self.trainer_ids.choices = [(user.id, user.name) for user in services.staff_for_events(kept_trainers)]

    @staticmethod
    def choices_of(model, keep_ids):
        return [(entry.id, entry.name) for entry in services.active_entries(model, keep_ids)]

    def validate_event_type_id(self, field):
        if not field.data:  # the placeholder of a new event, or an id that was not a number
            raise ValidationError(_l("Not a valid choice."))

    def validate_target_group_ids(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one target group."))

    def fields(self) -> dict:
        return {name: self[name].data for name in (
            "title", "event_type_id", "description", "province_id", "venue", "language",
            "target_group_ids", "trainer_ids", "expected_participants",
        )}


class NewEventForm(EventFieldsForm):
    sessions = FieldList(FormField(SessionRowForm), min_entries=EMPTY_SESSION_ROWS, max_entries=60)
    add_row = SubmitField(_l("More session rows"))
    next_day = SubmitField(_l("Same times, next day"))
    create_anyway = BooleanField(_l("Yes, create it anyway"))

    def add_next_day(self) -> None:
        """Fill the first empty row after the last filled one with the same hours on the next day."""
        filled = [row for row in self.sessions if row.day.data and row.start.data and row.end.data]
        if not filled:
            return
        last = filled[-1]
        following = self.sessions.entries[self.sessions.entries.index(last) + 1:]
        row = next((row for row in following if row.is_blank), None) or self.sessions.append_entry()
        times = services.next_day(services.SessionTimes(last.day.data, last.start.data, last.end.data))
        row.day.data, row.start.data, row.end.data = times.day, times.start, times.end
        for field in (row.day, row.start, row.end):
            field.raw_data = None  # shown from .data, not from the empty row as submitted

    def duplicates(self, times: list[services.SessionTimes]) -> list:
        """Events of the same title on the same days, unless the person confirmed this one is new."""
        if self.create_anyway.data:
            return []
        return services.same_title_on_same_days(self.title.data, [t.day for t in times])

    def session_times(self) -> list[services.SessionTimes] | None:
        """The filled rows, or None after attaching messages to the bad ones."""
        result, ok = [], True
        for row in self.sessions:
            if row.is_blank:
                continue
            missing = [field for field in (row.day, row.start, row.end) if field.data is None]
            for field in missing:
                if not field.errors:
                    field.errors.append(_l("This field is required."))
            if missing:
                ok = False
                continue
            times = check_session_times(row, row.day.data, row.start.data, row.end.data)
            ok = ok and times is not None
            if times:
                result.append(times)
        if ok and not result:
            self.sessions[0].day.errors.append(_l("Add at least one session."))
            ok = False
        return result if ok else None


class CancelForm(Form):
    reason = TextAreaField(_l("Reason for cancelling"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Cancel event"))


class EventFilterForm(Form):
    """The list page's filters (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    year = SelectField(_l("Year"), coerce=choice_id, validators=[Optional()])
    province = SelectField(_l("Province"), coerce=choice_id, validators=[Optional()])
    event_type = SelectField(_l("Event type"), coerce=choice_id, validators=[Optional()])
    target_group = SelectField(_l("Target group"), coerce=choice_id, validators=[Optional()])
    trainer = SelectField(_l("Trainer"), coerce=choice_id, validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        every = [(0, _l("All"))]
        self.year.choices = every + [(year, str(year)) for year in services.event_years()]
        self.province.choices = every + EventFieldsForm.choices_of(Province, [])
        self.event_type.choices = every + EventFieldsForm.choices_of(EventType, [])
        self.target_group.choices = every + EventFieldsForm.choices_of(TargetGroup, [])
        self.trainer.choices = every + [(user.id, user.name) for user in services.staff_for_events()]
        self.status.choices = [("", _l("All"))] + [(status, label) for status, label in STATUS_LABELS.items()]

    def filters(self) -> services.EventFilters:
        valid = self.validate()

        def chosen(field):
            return field.data or None if valid or not field.errors else None

        return services.EventFilters(
            year=chosen(self.year),
            province_id=chosen(self.province),
            event_type_id=chosen(self.event_type),
            target_group_id=chosen(self.target_group),
            trainer_id=chosen(self.trainer),
            status=chosen(self.status),
            text=(self.q.data or "") if not self.q.errors else "",
        )


class ReferenceEntryForm(Form):
    name_en = StringField(_l("English name"), validators=[DataRequired(), Length(max=120)])
    name_km = StringField(_l("Khmer name"), validators=[Optional(), Length(max=120)])
    sort_order = IntegerField(
        _l("Sort order"), default=0, validators=[Optional(), NumberRange(min=0, max=100_000)],
        filters=[lambda value: 0 if value is None else value],  # left empty: first in the list
    )
    active = BooleanField(_l("Active (offered in forms)"), default=True)
    submit = SubmitField(_l("Save"))
