"""The bilingual question bank and participants' pre/post attempts."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..attendance.models import Participant
from ..auth.models import User
from ..events.models import Event, uid_column
from ..extensions import db, enum_column_type
from ..i18n import localized
from ..timeutil import utcnow


class QuestionKind(enum.StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"


class Phase(enum.StrEnum):
    PRE = "pre"
    POST = "post"


class Quiz(db.Model):
    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = uid_column()
    title_en: Mapped[str] = mapped_column(sa.String(200))
    title_km: Mapped[str] = mapped_column(sa.String(200), default="")
    archived: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    questions: Mapped[list["Question"]] = relationship(
        back_populates="quiz", order_by="Question.position", cascade="all, delete-orphan"
    )

    @property
    def title(self) -> str:
        return localized(self, "title")


class Question(db.Model):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(enum_column_type(QuestionKind, "question_kind"))
    text_en: Mapped[str] = mapped_column(sa.Text)
    text_km: Mapped[str] = mapped_column(sa.Text, default="")
    explanation_en: Mapped[str] = mapped_column(sa.Text, default="")
    explanation_km: Mapped[str] = mapped_column(sa.Text, default="")

    quiz: Mapped[Quiz] = relationship(back_populates="questions")
    options: Mapped[list["Option"]] = relationship(
        back_populates="question", order_by="Option.position", cascade="all, delete-orphan"
    )

    @property
    def text(self) -> str:
        return localized(self, "text")

    @property
    def explanation(self) -> str:
        return localized(self, "explanation")


class Option(db.Model):
    __tablename__ = "options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text_en: Mapped[str] = mapped_column(sa.String(500))
    text_km: Mapped[str] = mapped_column(sa.String(500), default="")
    is_correct: Mapped[bool] = mapped_column(default=False)

    question: Mapped[Question] = relationship(back_populates="options")

    @property
    def text(self) -> str:
        return localized(self, "text")


class QuizAttempt(db.Model):
    """One participant's pre-test or post-test for one event, scored on the server."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        sa.UniqueConstraint("participant_id", "event_id", "phase"),
        sa.CheckConstraint("score >= 0 AND score <= 100", name="score_is_percentage"),
        # An event's attempts with their scores, read from the index alone (the reports' knowledge figures).
        sa.Index("ix_quiz_attempts_event_scores", "event_id", "participant_id", "phase", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participants.id"), index=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quizzes.id"))
    phase: Mapped[Phase] = mapped_column(enum_column_type(Phase, "phase"))
    score: Mapped[float]
    correct_count: Mapped[int]
    question_count: Mapped[int]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    on_paper: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    participant: Mapped[Participant] = relationship()
    event: Mapped[Event] = relationship()
    quiz: Mapped[Quiz] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    answers: Mapped[list["Answer"]] = relationship(back_populates="attempt", cascade="all, delete-orphan")


answer_selections = sa.Table(
    "answer_selections",
    db.metadata,
    sa.Column("answer_id", sa.ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("option_id", sa.ForeignKey("options.id"), primary_key=True),
)


class Answer(db.Model):
    __tablename__ = "answers"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id"), index=True)
    is_correct: Mapped[bool]

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
    selected: Mapped[list[Option]] = relationship(secondary=answer_selections)
