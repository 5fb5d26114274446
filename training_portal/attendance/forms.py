from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms.widgets import HiddenInput
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..forms import Form, choice_id
from ..labels import AGE_BAND_LABELS, METHOD_LABELS, SEX_LABELS  # noqa: F401 (the routes import them from here)
from . import services
from .models import Sex

RESULT_MESSAGES = {
    services.CHECKED_IN: _l("Checked in"),
    services.ALREADY_CHECKED_IN: _l("Already checked in"),
    services.NOT_VALID: _l("Not valid for this session"),
    "not_today": _l("Not recorded: this session is not today. Tick \"Record anyway\" if you mean to record it."),
}


def valid_phone(_form, field):
    try:
        field.data = services.normalise_phone(field.data)
    except services.PhoneError:
        raise ValidationError(_l("This is not a phone number.")) from None


def valid_client_key(_form, field):
    if not services.is_valid_client_key(field.data):
        raise ValidationError(_l("Reload the page and try again."))


class CheckInKeyForm(Form):
    """Every check-in form carries the idempotency key the page was rendered with.

    A form shown on a page beside another sets ``id_prefix``, so that every element id on the page is
    its own and each label points at its own field.
    """

    id_prefix = ""
    key = HiddenField(validators=[valid_client_key])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.key.data:
            self.key.data = services.new_client_key()
        if self.id_prefix:
            for field in self:
                field.id = f"{self.id_prefix}-{field.id}"
                if field.label is not None:
                    field.label.field_id = field.id


def is_fresh(form, kwargs) -> bool:
    """True when the form shows defaults rather than what was sent."""
    return not form.is_submitted() or ("formdata" in kwargs and kwargs["formdata"] is None)


class ParticipantFieldsMixin:
    fresh = True

    def set_choices(self, event) -> None:
        self.sex.choices = [(sex, label) for sex, label in SEX_LABELS.items()]
        self.age_band.choices = [("", _l("Choose…"))] + [(band, label) for band, label in AGE_BAND_LABELS.items()]
        groups = services.target_group_choices(event)
        self.target_group_id.choices = [(group.id, group.name) for group in groups]
        if len(groups) > 1 and self.target_group_id.data is None and self.fresh:
            self.target_group_id.choices.insert(0, ("", _l("Choose…")))
        if hasattr(self, "province_id"):
            self.province_id.choices = [("", _l("Not stated"))] + services.province_options()

    def participant_fields(self) -> services.ParticipantFields:
        return services.ParticipantFields(
            name=self.name.data or "",
            sex=self.sex.data,
            age_band=self.age_band.data,
            target_group_id=self.target_group_id.data,
            phone=self.phone.data,
            organisation=self.organisation.data or "" if hasattr(self, "organisation") else "",
            province_id=self.province_id.data if hasattr(self, "province_id") else None,
        )


def group_id(value):
    """An id from a select, None for its blank choice (garbage: 0, which no choice uses)."""
    return choice_id(value) if value not in (None, "") else None


class SelfCheckInForm(ParticipantFieldsMixin, CheckInKeyForm):
    """Someone new checks in on their own phone."""

    kind = HiddenField(default="new")
    name = StringField(_l("Your name"), validators=[Optional(), Length(max=120)])
    sex = RadioField(_l("Sex"), validators=[InputRequired(_l("Choose one."))])
    age_band = SelectField(_l("Age"), validators=[InputRequired(_l("Choose one.")), DataRequired(_l("Choose one."))])
    target_group_id = SelectField(_l("You are"), coerce=group_id, validators=[InputRequired(_l("Choose one."))])
    province_id = SelectField(_l("Province where you live"), coerce=group_id, validators=[Optional()])
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), valid_phone])
    consent = BooleanField(
        _l("I agree that the organisers record my attendance and these answers for their program reports."),
        validators=[DataRequired(_l("Please agree to the statement to check in."))],
    )
    submit = SubmitField(_l("Check in"))

    def __init__(self, event, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fresh = is_fresh(self, kwargs)
        self.set_choices(event)
        if self.fresh:
            self.province_id.data = event.province_id

    def check_in_values(self) -> dict:
        """What services.self_check_in is told about who checks in."""
        return {"new": self.participant_fields()}


class OneTapForm(CheckInKeyForm):
    """The participant this phone checked in as before checks in again."""

    kind = HiddenField(default="returning")
    submit = SubmitField(_l("Check in"))

    def check_in_values(self) -> dict:
        return {}


class PhoneCheckInForm(CheckInKeyForm):
    """A returning participant on another phone checks in with their phone number and the personal code
    on their card."""

    id_prefix = "returning"
    kind = HiddenField(default="phone")
    phone = StringField(_l("Your phone number"), validators=[DataRequired(), valid_phone])
    personal_code = StringField(_l("Your code (on your card)"), validators=[DataRequired(), Length(max=12)])
    submit = SubmitField(_l("Check in with my phone number"))

    def check_in_values(self) -> dict:
        return {"phone": self.phone.data, "personal_code": self.personal_code.data}


class RememberCardForm(Form):
    """On the participant's own card page: this phone remembers them (the card URL is a secret)."""

    submit = SubmitField(_l("This is my card: remember me on this phone"))


class CodeForm(Form):
    class Meta:
        csrf = False

    code = StringField(_l("Check-in code"), validators=[DataRequired(), Length(max=10)])
    submit = SubmitField(_l("Continue"))


class ScanForm(CheckInKeyForm):
    card = StringField(_l("Card code (USB scanner or typed)"), validators=[DataRequired(), Length(max=300)])
    # Only asked for, and only needed, when the session is not today.
    anyway = BooleanField(_l("Record anyway"))


class WalkInForm(ParticipantFieldsMixin, CheckInKeyForm):
    """Five fields for someone without a phone; the province is the event's."""

    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    sex = RadioField(_l("Sex"), validators=[InputRequired(_l("Choose one."))])
    age_band = SelectField(_l("Age band"), validators=[InputRequired(_l("Choose one.")), DataRequired(_l("Choose one."))])
    target_group_id = SelectField(_l("Target group"), coerce=group_id, validators=[InputRequired(_l("Choose one."))])
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), valid_phone])
    submit = SubmitField(_l("Add and check in"))

    def __init__(self, event, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.event_province_id = event.province_id
        self.fresh = is_fresh(self, kwargs)
        self.set_choices(event)
        if self.fresh and self.target_group_id.data is None:
            self.target_group_id.data = services.default_target_group_id(event)

    def participant_fields(self):
        fields = super().participant_fields()
        fields.province_id = self.event_province_id
        return fields


class ReturningWalkInForm(CheckInKeyForm):
    participant_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    submit = SubmitField(_l("Check in"))


class SearchForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Find a returning participant (name or phone)"), validators=[Optional(), Length(max=120)])


class RegisterForm(ParticipantFieldsMixin, Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    sex = RadioField(_l("Sex"), validators=[InputRequired(_l("Choose one."))])
    age_band = SelectField(_l("Age band"), validators=[InputRequired(_l("Choose one.")), DataRequired(_l("Choose one."))])
    target_group_id = SelectField(_l("Target group"), coerce=group_id, validators=[InputRequired(_l("Choose one."))])
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), valid_phone])
    organisation = StringField(_l("Organisation (optional)"), validators=[Optional(), Length(max=120)])
    province_id = SelectField(_l("Province"), coerce=group_id, validators=[Optional()])
    submit = SubmitField(_l("Register"))

    def __init__(self, event, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fresh = is_fresh(self, kwargs)
        self.set_choices(event)
        if self.fresh:
            self.province_id.data = event.province_id
            if self.target_group_id.data is None:
                self.target_group_id.data = services.default_target_group_id(event)


class SheetUploadForm(Form):
    sheet = FileField(_l("Filled-in sheet (.xlsx)"), validators=[FileRequired(_l("Choose the file to upload."))])
    submit = SubmitField(_l("Check the sheet"))


class SheetConfirmForm(Form):
    payload = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Confirm and record"))


def headcount_form(event, current: dict):
    """A form with one number per target group and sex, filled with the current tallies."""

    class HeadcountForm(Form):
        submit = SubmitField(_l("Save headcounts"))

    groups = services.target_group_choices(event)
    for group in groups:
        for sex in Sex:
            setattr(HeadcountForm, f"count_{group.id}_{sex.value}", IntegerField(
                SEX_LABELS[sex], default=current.get((group.id, sex.value), 0),
                validators=[InputRequired(), NumberRange(min=0, max=100_000)],
            ))
    form = HeadcountForm()
    form.rows = [(group, [form[f"count_{group.id}_{sex.value}"] for sex in Sex]) for group in groups]
    form.tallies = lambda: {
        (group.id, sex.value): form[f"count_{group.id}_{sex.value}"].data for group in groups for sex in Sex
    }
    return form
