"""The API's request and answer schemas: they validate requests and generate the OpenAPI document."""

import re

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
    checked_in_at = fields.DateTime()
    already_checked_in = fields.Boolean()


# Roster


class SessionSchema(ma.Schema):
    id = fields.Integer()
    event_id = fields.Integer()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
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
    checked_in_at = fields.DateTime(allow_none=True)


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
