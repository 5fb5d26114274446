"""Participants, their attendance at sessions, and headcount tallies."""

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..events.models import Event, Province, Session, TargetGroup, uid_column
from ..extensions import db, enum_column_type
from ..timeutil import utcnow


class Sex(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"  # other or not stated


class AgeBand(enum.StrEnum):
    UNDER_15 = "under_15"
    AGE_15_17 = "15_17"
    AGE_18_24 = "18_24"
    AGE_25_34 = "25_34"
    AGE_35_49 = "35_49"
    AGE_50_PLUS = "50_plus"


class CheckInMethod(enum.StrEnum):
    SELF = "self"
    SCAN = "scan"
    WALK_IN = "walk_in"
    IMPORT = "import"


def new_card_code() -> str:
    """128 random bits, URL-safe: the participant's personal QR card."""
    return secrets.token_urlsafe(16)


PERSONAL_CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"  # the check-in codes' alphabet: no look-alikes


def new_personal_code() -> str:
    """Six random characters printed on the participant's card: with their phone number, they check in
    on another phone."""
    return "".join(secrets.choice(PERSONAL_CODE_ALPHABET) for _ in range(6))


class Participant(db.Model):
    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    sex: Mapped[Sex] = mapped_column(enum_column_type(Sex, "sex"))
    age_band: Mapped[AgeBand] = mapped_column(enum_column_type(AgeBand, "age_band"))
    target_group_id: Mapped[int] = mapped_column(sa.ForeignKey("target_groups.id"), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    organisation: Mapped[str] = mapped_column(sa.String(120), default="")
    province_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provinces.id"))
    card_code: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_card_code)
    personal_code: Mapped[str] = mapped_column(sa.String(6), default=new_personal_code)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    anonymised_at: Mapped[datetime | None]

    target_group: Mapped[TargetGroup] = relationship()
    province: Mapped[Province | None] = relationship()

    def __repr__(self) -> str:
        return f"<Participant {self.id}>"


class Attendance(db.Model):
    """A participant at a session, at most once."""

    __tablename__ = "attendances"
    __table_args__ = (
        # Also the index for a participant's attendances (its leading column).
        sa.UniqueConstraint("participant_id", "session_id"),
        # Covering index for the reports, and the index for a session's attendances.
        sa.Index("ix_attendances_session_id_participant_id", "session_id", "participant_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participants.id"))
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("event_sessions.id", ondelete="CASCADE"))
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)
    method: Mapped[CheckInMethod] = mapped_column(enum_column_type(CheckInMethod, "checkin_method"))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Chosen by the client, so that a retried or offline-queued check-in is
    # recorded exactly once.
    idempotency_key: Mapped[str] = mapped_column(sa.String(64), unique=True)

    participant: Mapped[Participant] = relationship()
    session: Mapped[Session] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class EventParticipant(db.Model):
    """A participant with at least one attendance at one of the event's sessions, with the participant's
    sex, age band and target group and the event's type, province and month: what the reports count,
    kept by ``attendance.summary`` in the same transaction as every attendance written or removed and
    every change of an event's type, province or sessions, so that a report never reads the attendances.

    A participant's sex, age band and target group never change after the record is made (the
    privacy anonymisation keeps them).
    """

    __tablename__ = "event_participants"
    __table_args__ = (
        # The reports' scans: an event's participants with their attributes, read from the index alone.
        sa.Index("ix_event_participants_event_profile", "event_id", "sex", "target_group_id", "age_band",
                 "participant_id"),
        # Participants by sex, target group and age band, each group in participant order (unique individuals).
        sa.Index("ix_event_participants_profile", "sex", "target_group_id", "age_band", "participant_id",
                 "event_id"),
        # The same for the events' type, province and month.
        sa.Index("ix_event_participants_event_type", "event_type_id", "participant_id", "event_id"),
        sa.Index("ix_event_participants_province", "province_id", "participant_id", "event_id"),
        sa.Index("ix_event_participants_month", "month_key", "participant_id", "event_id"),
    )

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participants.id"), primary_key=True)
    sex: Mapped[Sex] = mapped_column(enum_column_type(Sex, "sex"))
    age_band: Mapped[AgeBand] = mapped_column(enum_column_type(AgeBand, "age_band"))
    target_group_id: Mapped[int] = mapped_column(sa.ForeignKey("target_groups.id"))
    event_type_id: Mapped[int] = mapped_column(sa.ForeignKey("event_types.id"))
    province_id: Mapped[int] = mapped_column(sa.ForeignKey("provinces.id"))
    month_key: Mapped[int]  # year * 100 + month of the event's date (Event.starts_on)


class Headcount(db.Model):
    """A tally for an event where individual registration is impossible."""

    __tablename__ = "headcounts"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "target_group_id", "sex"),
        sa.CheckConstraint("count >= 0", name="count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    target_group_id: Mapped[int] = mapped_column(sa.ForeignKey("target_groups.id"))
    sex: Mapped[Sex] = mapped_column(enum_column_type(Sex, "sex"))
    count: Mapped[int]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    target_group: Mapped[TargetGroup] = relationship()


class Registration(db.Model):
    """A participant registered in advance for an event (so that a card can be printed).

    Registration is not attendance: metrics count attendance and headcounts only.
    """

    __tablename__ = "registrations"
    __table_args__ = (sa.UniqueConstraint("event_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participants.id"), index=True)
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    registered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    event: Mapped[Event] = relationship()
    participant: Mapped[Participant] = relationship()
