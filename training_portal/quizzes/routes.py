"""Staff pages: the quiz bank, an event's pre/post phases, paper answer sheets and results."""

import json

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..forms import ConfirmForm
from ..auth.services import log_action, staff_required
from ..downloads import send_download
from ..events.access import event_for_change
from ..events.models import TargetGroup
from ..extensions import csrf, db
from ..spreadsheets import XLSX_MIMETYPE, xlsx_chunks
from . import bank, bp, paper, phases, sheets
from .forms import (
    PHASE_LABELS,
    SEX_LABELS,
    EventQuizzesForm,
    QuestionForm,
    QuizForm,
    QuizImportConfirmForm,
    QuizUploadForm,
    cell_name,
    paper_form_class,
)
from .models import Phase, Question, Quiz
from .results import event_results

WALK_IN_ROWS = 3
REFUSALS = {
    "phase_has_attempts": _l("Participants have already answered this phase, so its quiz cannot be changed."),
    "event_cancelled": _l("This event is cancelled."),
    "no_quiz": _l("Choose a quiz for this phase first."),
    "quiz_empty": _l("The chosen quiz has no questions yet."),
}
LOCKED_MESSAGE = _l("This quiz has answers, so its questions cannot change. Duplicate it to make a new version.")
UPLOAD_PROBLEMS = {
    "missing_header": _l("The column \"%(value)s\" is missing from the first row."),
    "unknown_type": _l("Unknown type \"%(value)s\": write single, multiple or true_false."),
    "true_false_answer": _l("For true_false write TRUE or FALSE in Correct (not \"%(value)s\")."),
    "correct_letter_without_option": _l("Correct names option %(value)s, which is empty."),
    "no_questions": _l("The file has no questions."),
    "unreadable": _l("This file cannot be read as an Excel workbook (.xlsx)."),
    "too_many_rows": _l("At most %(value)s questions per file."),
}
PAPER_PROBLEMS = {
    "unknown_letter": _l("Unknown letter"),
    "one_letter": _l("One letter only"),
    "walk_in_incomplete": _l("Give sex, age, target group and session for this walk-in."),
    "walk_in_without_answers": _l("This walk-in has no answers."),
}


def upload_problem_message(problem: sheets.RowProblem) -> str:
    from .forms import QUESTION_PROBLEMS

    template = UPLOAD_PROBLEMS.get(problem.key) or QUESTION_PROBLEMS.get(problem.key) or problem.key
    return str(template) % {"value": problem.value} if "%(value)s" in str(template) else str(template)


def quiz_for_change(quiz_id: int) -> Quiz:
    """The quiz, 404 when unknown, 403 unless its author or a manager/admin."""
    quiz = db.get_or_404(Quiz, quiz_id)
    if not (current_user.sees_all_events or quiz.created_by_id == current_user.id):
        abort(403)
    return quiz


def unlocked_quiz_for_change(quiz_id: int) -> Quiz | None:
    """The quiz to change its questions, or None (with a message) when it is locked."""
    quiz = quiz_for_change(quiz_id)
    if bank.quiz_is_locked(quiz):
        flash(LOCKED_MESSAGE, "error")
        return None
    return quiz


def may_change_quiz(quiz: Quiz) -> bool:
    return current_user.sees_all_events or quiz.created_by_id == current_user.id


# --- The quiz bank ---------------------------------------------------------------


@bp.route("/quizzes")
@staff_required
def quiz_list():
    archived = request.args.get("archived") == "1"
    quizzes = [q for q in bank.quiz_bank(include_archived=archived) if q.archived == archived]
    return render_template("quizzes/list.html", quizzes=quizzes, archived=archived,
                           locked_ids=bank.locked_quiz_ids())


@bp.route("/quizzes/new", methods=["GET", "POST"])
@staff_required
def quiz_new():
    form = QuizForm()
    if form.validate_on_submit():
        quiz = bank.create_quiz(form.title_en.data, form.title_km.data, current_user)
        db.session.flush()
        log_action(current_user, "quiz.create", quiz, title=quiz.title_en)
        db.session.commit()
        flash(_("Quiz created. Now add its questions."), "success")
        return redirect(url_for("quizzes.quiz_detail", quiz_id=quiz.id))
    return render_template("quizzes/quiz_form.html", form=form, quiz=None)


@bp.route("/quizzes/<int:quiz_id>")
@staff_required
def quiz_detail(quiz_id: int):
    quiz = db.get_or_404(Quiz, quiz_id)
    return render_template("quizzes/detail.html", quiz=quiz, locked=bank.quiz_is_locked(quiz),
                           may_change=may_change_quiz(quiz), confirm=ConfirmForm(), letter=bank.option_letter)


@bp.route("/quizzes/<int:quiz_id>/edit", methods=["GET", "POST"])
@staff_required
def quiz_edit(quiz_id: int):
    quiz = quiz_for_change(quiz_id)
    form = QuizForm(obj=quiz)
    if form.validate_on_submit():
        bank.rename_quiz(quiz, form.title_en.data, form.title_km.data)
        log_action(current_user, "quiz.update", quiz, title=quiz.title_en)
        db.session.commit()
        flash(_("Quiz saved."), "success")
        return redirect(url_for("quizzes.quiz_detail", quiz_id=quiz.id))
    return render_template("quizzes/quiz_form.html", form=form, quiz=quiz)


@bp.route("/quizzes/<int:quiz_id>/questions/new", methods=["GET", "POST"])
@staff_required
def question_new(quiz_id: int):
    quiz = unlocked_quiz_for_change(quiz_id)
    if quiz is None:
        return redirect(url_for("quizzes.quiz_detail", quiz_id=quiz_id))
    form = QuestionForm()
    if (data := form.validate_question()) is not None:
        question = bank.add_question(quiz, data)
        db.session.flush()
        log_action(current_user, "question.create", question, quiz_id=quiz.id)
        db.session.commit()
        flash(_("Question added."), "success")
        return redirect(url_for("quizzes.quiz_detail", quiz_id=quiz.id))
    return render_template("quizzes/question_form.html", form=form, quiz=quiz, question=None)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@staff_required
def question_edit(question_id: int):
    question = db.get_or_404(Question, question_id)
    quiz = unlocked_quiz_for_change(question.quiz_id)
    if quiz is None:
        return redirect(url_for("quizzes.quiz_detail", quiz_id=question.quiz_id))
    form = QuestionForm()
    if request.method == "GET":
        form.fill_from(bank.question_data(question))
    if (data := form.validate_question()) is not None:
        bank.update_question(question, data)
        log_action(current_user, "question.update", question, quiz_id=quiz.id)
        db.session.commit()
        flash(_("Question saved."), "success")
        return redirect(url_for("quizzes.quiz_detail", quiz_id=quiz.id))
    return render_template("quizzes/question_form.html", form=form, quiz=quiz, question=question)


@bp.post("/questions/<int:question_id>/remove")
@staff_required
def question_remove(question_id: int):
    question = db.get_or_404(Question, question_id)
    quiz_id = question.quiz_id
    if unlocked_quiz_for_change(quiz_id) is not None and ConfirmForm().validate_on_submit():
        bank.remove_question(question)
        log_action(current_user, "question.remove", None, question_id=question_id, quiz_id=quiz_id)
        db.session.commit()
        flash(_("Question removed."), "success")
    return redirect(url_for("quizzes.quiz_detail", quiz_id=quiz_id))


@bp.post("/questions/<int:question_id>/move/<direction>")
@staff_required
def question_move(question_id: int, direction: str):
    question = db.get_or_404(Question, question_id)
    if direction not in ("up", "down"):
        abort(404)
    if unlocked_quiz_for_change(question.quiz_id) is not None and ConfirmForm().validate_on_submit():
        if bank.move_question(question, -1 if direction == "up" else 1):
            log_action(current_user, "question.move", question, direction=direction)
            db.session.commit()
    return redirect(url_for("quizzes.quiz_detail", quiz_id=question.quiz_id, _anchor=f"question-{question_id}"))


@bp.post("/quizzes/<int:quiz_id>/duplicate")
@staff_required
def quiz_duplicate(quiz_id: int):
    quiz = db.get_or_404(Quiz, quiz_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("quizzes.quiz_detail", quiz_id=quiz.id))
    copy = bank.duplicate_quiz(quiz, current_user, suffix=" " + _("(copy)"))
    db.session.flush()
    log_action(current_user, "quiz.duplicate", copy, source_id=quiz.id)
    db.session.commit()
    flash(_("This is a copy you can change."), "success")
    return redirect(url_for("quizzes.quiz_detail", quiz_id=copy.id))


@bp.post("/quizzes/<int:quiz_id>/archive")
@staff_required
def quiz_archive(quiz_id: int):
    quiz = quiz_for_change(quiz_id)
    if ConfirmForm().validate_on_submit():
        bank.set_archived(quiz, not quiz.archived)
        log_action(current_user, "quiz.archive" if quiz.archived else "quiz.unarchive", quiz)
        db.session.commit()
        flash(_("Quiz archived.") if quiz.archived else _("Quiz is back in the bank."), "success")
    return redirect(url_for("quizzes.quiz_detail", quiz_id=quiz.id))


@bp.get("/quizzes/template.xlsx")
@staff_required
def quiz_template():
    return send_download(sheets.question_template(), "quiz-template.xlsx", XLSX_MIMETYPE)


@bp.route("/quizzes/upload", methods=["GET", "POST"])
@staff_required
def quiz_upload():
    form = QuizUploadForm()
    if form.validate_on_submit():
        questions, problems = sheets.read_question_template(form.file.data.stream)
        if not problems:
            confirm = QuizImportConfirmForm(payload=json.dumps({
                "title_en": form.title_en.data, "title_km": form.title_km.data or "",
                "questions": sheets.questions_to_payload(questions)}, ensure_ascii=False))
            return render_template("quizzes/upload_preview.html", questions=questions, confirm=confirm,
                                   title_en=form.title_en.data, title_km=form.title_km.data,
                                   letter=bank.option_letter)
        messages = [(p.row, upload_problem_message(p)) for p in problems]
        return render_template("quizzes/upload.html", form=form, problems=messages), 400
    return render_template("quizzes/upload.html", form=form, problems=[])


@bp.post("/quizzes/upload/confirm")
@staff_required
def quiz_upload_confirm():
    form = QuizImportConfirmForm()
    try:
        payload = json.loads(form.payload.data or "") if form.validate_on_submit() else None
        questions = sheets.questions_from_payload(payload["questions"])
        title_en, title_km = str(payload["title_en"]).strip()[:200], str(payload.get("title_km", "")).strip()[:200]
    except (TypeError, ValueError, KeyError, AttributeError):
        questions, title_en = [], ""
    if not questions or not title_en or any(bank.question_problems(q) for q in questions):
        flash(_("The checked file could not be read back. Please upload it again."), "error")
        return redirect(url_for("quizzes.quiz_upload"))
    quiz = bank.create_quiz_with_questions(title_en, title_km, questions, current_user)
    db.session.flush()
    log_action(current_user, "quiz.import", quiz, title=quiz.title_en, questions=len(questions))
    db.session.commit()
    flash(_("Quiz created with %(count)s questions.", count=len(questions)), "success")
    return redirect(url_for("quizzes.quiz_detail", quiz_id=quiz.id))


# --- Phases of an event ------------------------------------------------------------


def phase_or_404(phase: str) -> Phase:
    try:
        return Phase(phase)
    except ValueError:
        abort(404)


@bp.post("/events/<int:event_id>/quizzes")
@staff_required
def event_quizzes(event_id: int):
    event = event_for_change(event_id)
    form = EventQuizzesForm(event=event)
    if form.validate_on_submit():
        problem = phases.set_event_quizzes(event, db.session.get(Quiz, form.pre_quiz_id.data or 0),
                                             db.session.get(Quiz, form.post_quiz_id.data or 0))
        if problem:
            db.session.rollback()
            flash(REFUSALS[problem], "error")
        else:
            log_action(current_user, "event.quizzes", event, pre_quiz_id=event.pre_quiz_id,
                       post_quiz_id=event.post_quiz_id)
            db.session.commit()
            flash(_("Quizzes saved."), "success")
    return redirect(url_for("events.event_detail", event_id=event.id, _anchor="quizzes"))


@bp.post("/events/<int:event_id>/quiz/<phase>/<action>")
@staff_required
def phase_switch(event_id: int, phase: str, action: str):
    event = event_for_change(event_id)
    phase = phase_or_404(phase)
    if action not in ("open", "close"):
        abort(404)
    if ConfirmForm().validate_on_submit():
        problem = phases.open_phase(event, phase) if action == "open" else phases.close_phase(event, phase)
        if problem:
            flash(REFUSALS[problem], "error")
        else:
            log_action(current_user, f"quiz.{phase.value}.{action}", event)
            db.session.commit()
            message = _("%(phase)s is open.") if action == "open" else _("%(phase)s is closed.")
            flash(message % {"phase": PHASE_LABELS[phase]}, "success")
    return redirect(url_for("events.event_detail", event_id=event.id, _anchor="quizzes"))


@bp.get("/events/<int:event_id>/quiz/counts")
@staff_required
def phase_counts(event_id: int):
    event = event_for_change(event_id)
    counts = phases.phase_counts(event)
    return jsonify(checked_in=counts.checked_in, pre=counts.pre_submitted, post=counts.post_submitted,
                   pre_open=phases.phase_is_open(event, Phase.PRE), post_open=phases.phase_is_open(event, Phase.POST))


def paper_rows(form, quiz, participants, walk_in_rows: int) -> list[paper.PaperRow]:
    """The grid's rows as typed: checked-in participants first, then the walk-in rows."""
    rows = [paper.PaperRow(str(p.id), p, {q.id: form[cell_name(str(p.id), q)].data or "" for q in quiz.questions})
            for p in participants]
    for index in range(walk_in_rows):
        prefix = f"w{index}"
        rows.append(paper.PaperRow(
            prefix, None, {q.id: form[cell_name(prefix, q)].data or "" for q in quiz.questions},
            walk_in={"name": form[f"{prefix}-name"].data or "", "sex": form[f"{prefix}-sex"].data,
                     "age_band": form[f"{prefix}-age_band"].data,
                     "target_group_id": form[f"{prefix}-target_group"].data,
                     "session_id": form[f"{prefix}-session"].data}))
    return rows


def paper_form(event, quiz, pending):
    groups = db.session.scalars(db.select(TargetGroup).where(TargetGroup.active.is_(True)).order_by(TargetGroup.sort_order))
    walk_in_rows = WALK_IN_ROWS if event.sessions else 0
    return paper_form_class(quiz, pending, walk_in_rows, event.sessions, list(groups))(), walk_in_rows


@bp.route("/events/<int:event_id>/quiz/<phase>/paper", methods=["GET", "POST"])
@csrf.exempt  # the form checks its token itself and keeps what was typed when the token is stale
@staff_required
def paper_entry(event_id: int, phase: str):
    event, phase = event_for_change(event_id), phase_or_404(phase)
    quiz = phases.phase_quiz(event, phase)
    if quiz is None or not quiz.questions:
        flash(REFUSALS["no_quiz"], "error")
        return redirect(url_for("events.event_detail", event_id=event.id, _anchor="quizzes"))
    pending, done = paper.paper_status(event, phase)
    form, walk_in_rows = paper_form(event, quiz, pending)
    cell_problems, row_problems = {}, {}
    if form.is_submitted():
        valid = form.validate()
        rows = paper_rows(form, quiz, pending, walk_in_rows)
        cell_problems, row_problems = paper.paper_problems(event, quiz, rows)
        if valid and not cell_problems and not row_problems:
            created = paper.record_paper_sheets(event, phase, quiz, rows, current_user)
            log_action(current_user, "quiz.paper_entry", event, phase=phase.value, attempts=created)
            db.session.commit()
            flash(ngettext("%(num)s answer sheet saved.", "%(num)s answer sheets saved.", created), "success")
            return redirect(url_for("quizzes.paper_entry", event_id=event.id, phase=phase.value))
        if form.csrf_token.errors:
            flash(_("The page was open a long time. Everything you typed is still here: press Save again."), "info")
        else:
            flash(_("Nothing was saved: correct the marked cells."), "error")
    return render_template("quizzes/paper.html", event=event, phase=phase, phase_label=PHASE_LABELS[phase], quiz=quiz,
                           form=form, pending=pending, done=done, walk_in_rows=walk_in_rows, cell_name=cell_name,
                           cell_problems=cell_problems, row_problems=row_problems, problem_labels=PAPER_PROBLEMS,
                           letter=bank.option_letter), (400 if form.is_submitted() else 200)


# --- Results -------------------------------------------------------------------------


@bp.get("/events/<int:event_id>/quiz/results")
@staff_required
def results(event_id: int):
    event = event_for_change(event_id)  # names and scores: the event's own trainers, managers, admins
    return render_template("quizzes/results.html", event=event, results=event_results(event),
                           sex_labels=SEX_LABELS, confirm=ConfirmForm())


def results_labels() -> dict:
    return {
        "event": _("Event"), "pre_quiz": _("Pre-test quiz"), "post_quiz": _("Post-test quiz"),
        "pre_count": _("Took the pre-test"), "pre_mean": _("Mean pre-test score (%)"),
        "post_count": _("Took the post-test"), "post_mean": _("Mean post-test score (%)"),
        "paired_count": _("Took both tests"), "paired_pre_mean": _("Mean pre-test score of those with both (%)"),
        "paired_post_mean": _("Mean post-test score of those with both (%)"),
        "mean_gain": _("Mean gain (percentage points)"), "group_normalised_gain": _("Normalised gain of the group (g)"),
        "mean_participant_normalised_gain": _("Mean of participants' own normalised gains"),
        "share_improved": _("Improved (%)"), "pre_only": _("Pre-test only"), "post_only": _("Post-test only"),
        "summary_sheet": _("Summary"), "participants_sheet": _("Participants"), "questions_sheet": _("Questions"),
        "figure": _("Figure"), "value": _("Value"), "yes": _("yes"),
        "sex": {sex: str(label) for sex, label in SEX_LABELS.items()},
        "participant_headers": [_("Name"), _("Sex"), _("Target group"), _("Pre-test score (%)"),
                                _("Post-test score (%)"), _("Gain (points)"), _("Normalised gain"), _("On paper")],
        "question_headers": [_("No."), _("Question"), _("Correct before (%)"), _("Correct after (%)"),
                             _("Change (points)"), _("Difficulty before (p)"), _("Discrimination before (D)"),
                             _("Difficulty after (p)"), _("Discrimination after (D)")],
    }


@bp.post("/events/<int:event_id>/quiz/results.xlsx")
@staff_required
def results_xlsx(event_id: int):
    """A POST, because every export is written to the audit log."""
    event = event_for_change(event_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("quizzes.results", event_id=event.id))
    tables = sheets.results_tables(event_results(event), results_labels())
    log_action(current_user, "quiz.results_export", event)
    db.session.commit()
    return send_download(b"".join(xlsx_chunks(*tables)), f"quiz-results-event-{event.id}.xlsx", XLSX_MIMETYPE)

