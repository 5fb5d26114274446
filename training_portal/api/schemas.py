"""The API's request and answer schemas: they validate requests and generate the OpenAPI document."""

import re
from datetime import timezone

import marshmallow as ma
from marshmallow import fields, validate
from flask_babel import lazy_gettext as _l

from ..attendance.models import AgeBand

MAX_ID = 2**31 - 1
CLIENT_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
SEX_CODES = {"f": "female", "m": "male", "o": "other"}
SEX_LETTERS = {value: code for code, value in SEX_CODES.items()}

ONE_WAY = _l("Give exactly one of card_code, participant_id or walk_in.")
NO_CONTROL = _l("Control characters are not allowed.")


def no_control_characters(value: str) -> None:
    if any(ord(c) < 32 and c not in "\t" for c in value):
        raise ma.ValidationError(str(NO_CONTROL))


class Moment(fields.DateTime):
    """A time: stored in UTC without a zone, sent with it (RFC 3339)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


def Id(**kwargs):  # noqa: N802 (a field factory, read like a field class)
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def Text(max_length: int, **kwargs):  # noqa: N802
    return fields.String(validate=[validate.Length(max=max_length), no_control_characters], **kwargs)


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class ProblemSchema(ma.Schema):
    """Problem details, RFC 9457: every error of the API."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "field name -> messages in the request's language"})


# Attendance


class WalkInSchema(Strict):
    name = Text(120, required=True)
    sex = fields.String(required=True, validate=validate.OneOf(list(SEX_CODES)))
    age_band = fields.String(required=True, validate=validate.OneOf([band.value for band in AgeBand]))
    target_group_id = Id(required=True)
    phone = Text(30, allow_none=True, load_default=None)
    organisation = Text(120, load_default="")
    province_id = Id(allow_none=True, load_default=None)


class AttendanceInSchema(Strict):
    client_key = fields.String(required=True, validate=validate.Regexp(CLIENT_KEY),
                               metadata={"description": "8-64 characters A-Z a-z 0-9 _ -; the same key twice "
                                                        "records one attendance"})
    card_code = Text(300, metadata={"description": "the card code, or the card's QR text (…/p/CODE)"})
    participant_id = Id()
    walk_in = fields.Nested(WalkInSchema)

    @ma.validates_schema
    def exactly_one_way(self, data, **_kwargs):
        if sum(name in data for name in ("card_code", "participant_id", "walk_in")) != 1:
            raise ma.ValidationError(str(ONE_WAY))


class AttendanceSchema(ma.Schema):
    id = fields.Integer()
    client_key = fields.String()
    session_id = fields.Integer()
    participant_id = fields.Integer()
    participant_name = fields.String()
    method = fields.String()
    checked_in_at = Moment()
    already_checked_in = fields.Boolean()


# Roster


class SessionSchema(ma.Schema):
    id = fields.Integer()
    event_id = fields.Integer()
    starts_at = Moment()
    ends_at = Moment()
    checkin_open = fields.Boolean()


class RosterParticipantSchema(ma.Schema):
    id = fields.Integer()
    name = fields.String()
    card_code = fields.String()
    phone = fields.String(allow_none=True)
    sex = fields.String()
    age_band = fields.String()
    target_group_id = fields.Integer()
    checked_in = fields.Boolean()
    checked_in_at = Moment(allow_none=True)


class RosterSchema(ma.Schema):
    session = fields.Nested(SessionSchema)
    participants = fields.List(fields.Nested(RosterParticipantSchema))


# Headcounts


class HeadcountCellSchema(Strict):
    target_group_id = Id(required=True)
    sex = fields.String(required=True, validate=validate.OneOf(list(SEX_CODES)))
    count = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=100_000))


class HeadcountsSchema(Strict):
    counts = fields.List(fields.Nested(HeadcountCellSchema), required=True, validate=validate.Length(max=500))


# Paper quiz answers


class PaperRowSchema(Strict):
    participant_id = Id()
    attendance_client_key = fields.String(validate=validate.Regexp(CLIENT_KEY))
    answers = fields.Dict(keys=fields.String(validate=validate.Regexp(r"^[0-9]{1,9}$")), values=Text(20),
                          required=True, metadata={"description": "question id -> letters as written, e.g. 'AC'"})

    @ma.validates_schema
    def one_person(self, data, **_kwargs):
        if ("participant_id" in data) == ("attendance_client_key" in data):
            raise ma.ValidationError(str(_l("Give exactly one of participant_id or attendance_client_key.")))


class PaperAnswersInSchema(Strict):
    phase = fields.String(required=True, validate=validate.OneOf(["pre", "post"]))
    rows = fields.List(fields.Nested(PaperRowSchema), required=True, validate=validate.Length(min=1, max=500))


class PaperRowResultSchema(ma.Schema):
    participant_id = fields.Integer()
    created = fields.Boolean()


class PaperAnswersSchema(ma.Schema):
    created = fields.Integer()
    rows = fields.List(fields.Nested(PaperRowResultSchema))


# Events, sessions, participants (reads)


class DateRangeQuerySchema(Strict):
    date_from = fields.Date(data_key="from", metadata={"description": "first local date (of a session)"})
    date_to = fields.Date(data_key="to", metadata={"description": "last local date (of a session)"})
    limit = fields.Integer(strict=False, load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(strict=False, load_default=0, validate=validate.Range(min=0, max=MAX_ID))


class SessionSummarySchema(SessionSchema):
    local_start = Moment()
    local_end = Moment()


class EventSchema(ma.Schema):
    id = fields.Integer()
    title = fields.String()
    status = fields.String()
    event_type_id = fields.Integer()
    province_id = fields.Integer()
    venue = fields.String()
    language = fields.String()
    starts_on = fields.Date(allow_none=True)
    target_group_ids = fields.List(fields.Integer())
    trainer_ids = fields.List(fields.Integer())
    pre_quiz_id = fields.Integer(allow_none=True)
    post_quiz_id = fields.Integer(allow_none=True)
    sessions = fields.List(fields.Nested(SessionSummarySchema))


class EventListSchema(ma.Schema):
    events = fields.List(fields.Nested(EventSchema))


class SessionListSchema(ma.Schema):
    sessions = fields.List(fields.Nested(SessionSummarySchema))


class ParticipantQuerySchema(Strict):
    q = fields.String(required=True, validate=[validate.Length(min=1, max=120), no_control_characters],
             metadata={"description": "part of a name or phone number (your events' participants), or a full "
                                      "phone number or card (anyone, shown in part)"})


class ParticipantSchema(ma.Schema):
    id = fields.Integer()
    name = fields.String()
    sex = fields.String()
    age_band = fields.String()
    target_group_id = fields.Integer()
    phone = fields.String(allow_none=True)
    organisation = fields.String()
    province_id = fields.Integer(allow_none=True)
    card_code = fields.String()
    in_full = fields.Boolean(metadata={"description": "false: found by full phone or card only; only the name "
                                                      "and target group are given"})


class ParticipantListSchema(ma.Schema):
    participants = fields.List(fields.Nested(ParticipantSchema))


# Reports


class ReportQuerySchema(Strict):
    fiscal = fields.Boolean(load_default=False)
    lang = fields.String(load_default="en", validate=validate.OneOf(["en", "km"]),
                         metadata={"description": "the language of the table headers and row names"})


class ReportTableSchema(ma.Schema):
    key = fields.String()
    title = fields.String()
    columns = fields.List(fields.Dict(keys=fields.String(), values=fields.String()))
    rows = fields.List(fields.Dict())
    total = fields.Dict(allow_none=True)


class CountsSchema(ma.Schema):
    events = fields.Integer()
    participants = fields.Integer()
    female = fields.Integer()
    male = fields.Integer()
    other = fields.Integer()
    unique_individuals = fields.Integer()
    individual = fields.Integer()
    headcount = fields.Integer()


class ReportSchema(ma.Schema):
    year = fields.Integer()
    fiscal = fields.Boolean()
    period_start = fields.Date()
    period_end = fields.Date(metadata={"description": "the first day after the period"})
    totals = fields.Nested(CountsSchema)
    unique_individuals_by_sex = fields.Nested(CountsSchema)
    sentences = fields.List(fields.String())
    tables = fields.List(fields.Nested(ReportTableSchema))
