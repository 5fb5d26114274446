"""Paper answer sheets: the letters written on them typed into a grid, walk-ins included, and recorded as
attempts."""

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from ..attendance import summary as attendance_summary
from ..attendance.models import AgeBand, Attendance, CheckInMethod, Participant, Sex
from ..auth.models import User
from ..events.models import Event, Session, TargetGroup
from ..extensions import db
from .attempts import submit_attempt
from .bank import option_letter
from .models import Phase, Question, QuestionKind, Quiz, QuizAttempt
from .phases import checked_in_participants, find_attempt


@dataclass
class PaperRow:
    """One row of the paper grid: a checked-in participant, or a walk-in to add (participant None)."""

    key: str
    participant: Participant | None
    cells: dict[int, str]  # question id -> letters as written
    walk_in: dict | None = None  # name, sex, age_band, target_group_id, session_id

    @property
    def is_blank(self) -> bool:
        return not any((text or "").strip() for text in self.cells.values())


def paper_status(event: Event, phase: Phase) -> tuple[list[Participant], list[tuple[Participant, QuizAttempt]]]:
    """The event's participants without an attempt in this phase, and those with one (and the attempt)."""
    pending, done = [], []
    for participant in checked_in_participants(event):
        attempt = find_attempt(participant, event, phase)
        if attempt is None:
            pending.append(participant)
        else:
            done.append((participant, attempt))
    return pending, done


def parse_letters(question: Question, text: str) -> tuple[set[int] | None, str | None]:
    """Option ids for the letters written on a paper sheet ("B", "a c", "AC").

    Returns (None, None) for a blank cell, (ids, None) when valid, or
    (None, problem key) when not.
    """
    letters = [c for c in (text or "").upper() if not c.isspace() and c not in ",;/"]
    if not letters:
        return None, None
    by_letter = {option_letter(option.position): option.id for option in question.options}
    by_letter.update({option_letter(index): option.id for index, option in enumerate(question.options)})
    if question.kind == QuestionKind.TRUE_FALSE:
        by_letter.setdefault("T", question.options[0].id)
        by_letter.setdefault("F", question.options[1].id)
    if any(letter not in by_letter for letter in letters):
        return None, "unknown_letter"
    chosen = {by_letter[letter] for letter in letters}
    if question.kind != QuestionKind.MULTIPLE and len(chosen) != 1:
        return None, "one_letter"
    return chosen, None


def add_walk_in(event: Event, session: Session, name: str, sex: Sex, age_band: AgeBand,
                target_group: TargetGroup, recorded_by: User | None) -> Participant:
    """A participant without a phone, entered from a paper sheet, and their attendance at the session."""
    participant = Participant(name=name.strip(), sex=Sex(sex), age_band=AgeBand(age_band),
                              target_group_id=target_group.id, province_id=event.province_id)
    db.session.add(participant)
    db.session.flush()
    db.session.add(Attendance(participant_id=participant.id, session_id=session.id, method=CheckInMethod.WALK_IN,
                              recorded_by_id=recorded_by.id if recorded_by else None,
                              idempotency_key="paper-" + secrets.token_hex(16)))
    db.session.flush()
    attendance_summary.add(session.event, participant)
    return participant


def walk_in_is_complete(event: Event, info: dict) -> bool:
    """Sex, age band, an active target group and one of the event's sessions are given."""
    session_ids = {str(session.id) for session in event.sessions}
    group_ids = {str(group_id) for group_id in db.session.scalars(select(TargetGroup.id).where(TargetGroup.active))}
    return (info.get("sex") in {sex.value for sex in Sex} and info.get("age_band") in {a.value for a in AgeBand}
            and str(info.get("target_group_id") or "") in group_ids and str(info.get("session_id") or "") in session_ids)


def paper_problems(event: Event, quiz: Quiz,
                   rows: list[PaperRow]) -> tuple[dict[tuple[str, int], str], dict[str, str]]:
    """Cell problems {(row key, question id): key} and row problems {row key: key}; both empty when valid."""
    cell_problems, row_problems = {}, {}
    for row in rows:
        if row.is_blank:
            if row.walk_in and row.walk_in.get("name", "").strip():
                row_problems[row.key] = "walk_in_without_answers"
            continue
        for question in quiz.questions:
            _chosen, problem = parse_letters(question, row.cells.get(question.id, ""))
            if problem:
                cell_problems[(row.key, question.id)] = problem
        if row.walk_in is not None and not walk_in_is_complete(event, row.walk_in):
            row_problems[row.key] = "walk_in_incomplete"
    return cell_problems, row_problems


def record_paper_sheets(event: Event, phase: Phase, quiz: Quiz, rows: list[PaperRow],
                        recorded_by: User) -> int:
    """Record the non-blank rows (validated with paper_problems first); returns the number of new attempts.

    Participants who already have an attempt for this phase keep it.
    """
    created = 0
    for row in rows:
        if row.is_blank:
            continue
        participant = row.participant
        if participant is None:
            info = row.walk_in
            participant = add_walk_in(
                event, db.session.get(Session, int(info["session_id"])), info.get("name", ""), Sex(info["sex"]),
                AgeBand(info["age_band"]), db.session.get(TargetGroup, int(info["target_group_id"])), recorded_by)
        selections = {q.id: parse_letters(q, row.cells.get(q.id, ""))[0] or set() for q in quiz.questions}
        _attempt, was_created = submit_attempt(participant, event, phase, selections, on_paper=True,
                                               recorded_by=recorded_by)
        created += was_created
    return created
