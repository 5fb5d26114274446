"""Headcounts and paper quiz answers sent through the API: the web forms' rules (no ``request`` here)."""

from flask_babel import lazy_gettext as _l

from ..attendance import headcounts as headcount_services
from ..attendance import services as checkin
from ..attendance.models import Participant
from ..auth.models import User
from ..events.models import Event
from ..extensions import db
from ..quizzes import paper, phases
from ..quizzes.models import Phase
from ..quizzes.routes import PAPER_PROBLEMS
from .problems import ApiProblem
from .schemas import SEX_CODES, SEX_LETTERS
from .services import attendance_by_client_key


def set_headcounts(event: Event, cells: list[dict], staff: User) -> dict:
    """Replace the given cells of the event's tallies; the groups are those the web form offers."""
    groups = {group.id for group in checkin.target_group_choices(event)}
    errors = {f"counts.{i}.target_group_id": [str(_l("Not one of this event's target groups."))]
              for i, cell in enumerate(cells) if cell["target_group_id"] not in groups}
    if errors:
        raise ApiProblem(422, _l("Correct the marked fields."), errors)
    tallies = {(cell["target_group_id"], SEX_CODES[cell["sex"]]): cell["count"] for cell in cells}
    return headcount_services.set_headcounts(event, tallies, staff)


def headcount_cells(event: Event) -> list[dict]:
    return [{"target_group_id": group_id, "sex": SEX_LETTERS[sex], "count": count}
            for (group_id, sex), count in sorted(headcount_services.headcounts(event).items())]


def paper_rows(event: Event, quiz, rows: list[dict]) -> list[paper.PaperRow]:
    """The rows as the web grid's rows, each naming a participant checked in to the event."""
    checked_in = set(db.session.scalars(phases.checked_in_query(event)))
    question_ids = {question.id for question in quiz.questions}
    errors, built = {}, []
    for index, row in enumerate(rows):
        if "participant_id" in row:
            participant = db.session.get(Participant, row["participant_id"]) if row["participant_id"] in checked_in \
                else None
        else:
            attendance = attendance_by_client_key(event, row["attendance_client_key"])
            participant = attendance.participant if attendance is not None else None
        if participant is None:
            errors[f"rows.{index}"] = [str(_l("Nobody with this id or client key is checked in to this event."))]
            continue
        unknown = [key for key in row["answers"] if int(key) not in question_ids]
        if unknown:
            errors[f"rows.{index}.answers"] = [str(_l("Not a question of this quiz: %(ids)s", ids=", ".join(unknown)))]
        built.append(paper.PaperRow(str(index), participant, {int(k): v for k, v in row["answers"].items()}))
    if errors:
        raise ApiProblem(422, _l("Correct the marked rows; nothing was saved."), errors)
    return built


def record_paper_answers(event: Event, phase_name: str, rows: list[dict], staff: User) -> dict:
    """Validate every row first (nothing is written when one is wrong), then record the attempts.

    Participants who already have an attempt in this phase keep it, so a replay changes nothing.
    """
    phase = Phase(phase_name)
    quiz = phases.phase_quiz_with_questions(event, phase)
    if quiz is None or not quiz.questions:
        raise ApiProblem(409, _l("This event has no quiz for this phase."))
    built = paper_rows(event, quiz, rows)
    cell_problems, _row_problems = paper.paper_problems(event, quiz, built)
    if cell_problems:
        errors = {}
        for (key, question_id), problem in cell_problems.items():
            errors.setdefault(f"rows.{key}.answers.{question_id}", []).append(str(PAPER_PROBLEMS[problem]))
        raise ApiProblem(422, _l("Correct the marked rows; nothing was saved."), errors)
    results = []
    for row in built:
        before = phases.find_attempt(row.participant, event, phase) is not None
        results.append({"participant_id": row.participant.id, "created": False, "_before": before})
    created = paper.record_paper_sheets(event, phase, quiz, built, staff)
    for result in results:
        result["created"] = not result.pop("_before") and phases.find_attempt(
            db.session.get(Participant, result["participant_id"]), event, phase) is not None
    return {"created": created, "rows": results}
