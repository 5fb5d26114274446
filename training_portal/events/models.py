"""Reference lists, events and their sessions."""

import enum
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..extensions import db, enum_column_type
from ..i18n import localized
from ..timeutil import local_today, to_local, utcnow


def new_uid() -> str:
    """A stable identifier that another server keeps when an event moves there (see ``transfer``)."""
    return str(uuid.uuid4())


def uid_column() -> Mapped[str]:
    return mapped_column(sa.String(36), unique=True, index=True, default=new_uid)


class ReferenceEntry:
    """A bilingual entry of a reference list; in use, it is deactivated, never deleted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(120))
    name_km: Mapped[str] = mapped_column(sa.String(120), default="")
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def lacks_khmer(self) -> bool:
        return not self.name_km

    def __str__(self) -> str:
        return self.name


class EventType(ReferenceEntry, db.Model):
    __tablename__ = "event_types"


class TargetGroup(ReferenceEntry, db.Model):
    __tablename__ = "target_groups"


class Province(ReferenceEntry, db.Model):
    __tablename__ = "provinces"


class EventStatus(enum.StrEnum):
    PLANNED = "planned"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Language(enum.StrEnum):
    KHMER = "km"
    ENGLISH = "en"


event_target_groups = sa.Table(
    "event_target_groups",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("target_group_id", sa.ForeignKey("target_groups.id"), primary_key=True),
)

event_trainers = sa.Table(
    "event_trainers",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True, index=True),
)


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        sa.CheckConstraint("expected_participants IS NULL OR expected_participants >= 0", name="expected_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    event_type_id: Mapped[int] = mapped_column(sa.ForeignKey("event_types.id"), index=True)
    province_id: Mapped[int] = mapped_column(sa.ForeignKey("provinces.id"), index=True)
    venue: Mapped[str] = mapped_column(sa.String(200), default="")
    language: Mapped[Language] = mapped_column(enum_column_type(Language, "language"), default=Language.KHMER)
    status: Mapped[EventStatus] = mapped_column(
        enum_column_type(EventStatus, "event_status"), default=EventStatus.PLANNED, index=True
    )
    cancel_reason: Mapped[str] = mapped_column(sa.Text, default="")
    expected_participants: Mapped[int | None]
    # Local date of the first session, kept by the services whenever sessions
    # change: the period an event counts in (see DESIGN.md, metrics).
    starts_on: Mapped[date | None] = mapped_column(index=True)
    pre_quiz_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quizzes.id"))
    post_quiz_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quizzes.id"))
    pre_test_open: Mapped[bool] = mapped_column(default=False)
    post_test_open: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    event_type: Mapped[EventType] = relationship()
    province: Mapped[Province] = relationship()
    target_groups: Mapped[list[TargetGroup]] = relationship(
        secondary=event_target_groups, order_by=TargetGroup.sort_order
    )
    trainers: Mapped[list[User]] = relationship(secondary=event_trainers, order_by=User.name)
    sessions: Mapped[list["Session"]] = relationship(
        back_populates="event", order_by="Session.starts_at", cascade="all, delete-orphan"
    )
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    def is_trainer(self, user: User) -> bool:
        return any(trainer.id == user.id for trainer in self.trainers)

    def can_be_changed_by(self, user: User) -> bool:
        return user.sees_all_events or self.is_trainer(user)

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"


class Session(db.Model):
    """One dated occurrence of an event, with its own check-in code."""

    __tablename__ = "event_sessions"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    checkin_code: Mapped[str] = mapped_column(sa.String(10), unique=True)
    checkin_open: Mapped[bool] = mapped_column(default=False)

    event: Mapped[Event] = relationship(back_populates="sessions")

    @property
    def local_start(self) -> datetime:
        return to_local(self.starts_at)

    @property
    def local_end(self) -> datetime:
        return to_local(self.ends_at)

    @property
    def is_today(self) -> bool:
        """Whether today (local time) is a day of this session: a check-in on another day is likely a mistake."""
        return self.local_start.date() <= local_today() <= self.local_end.date()

    @property
    def is_open(self) -> bool:
        """Check-in works only while open, and never for a cancelled event."""
        return self.checkin_open and not self.event.is_cancelled

    def __repr__(self) -> str:
        return f"<Session {self.id} of event {self.event_id} at {self.starts_at:%Y-%m-%d %H:%M}>"
