"""Participants' pages: the pre-test and post-test on their own phone, and their result.

A participant is known only by the device cookie set at check-in
(attendance/device.py); they have no account and no password.
"""

import sqlalchemy as sa
from flask import abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ..attendance.device import remembered_card, remembered_participant
from ..auth.forms import ConfirmForm
from ..database import end_reading, reading_only, reads_without_transaction
from ..events.models import Event
from ..extensions import csrf, db, limiter
from ..page_cache import kept_page, same_for_everyone
from ..rate_limits import issues_device, per_device, setting, without_device
from . import bp, services
from .forms import PHASE_LABELS, AnswerForm, EventQuizzesForm, question_field_name
from .models import Phase

SUBMISSION_REFUSALS = {
    "closed": _l("This test is closed: the trainer is not taking answers now. Your answers were not recorded."),
    "not_checked_in": _l("You are not checked in to this event on this phone, so your answers were not recorded. "
                         "Check in first by scanning the event's QR code."),
    "no_quiz": _l("This event has no test for this phase."),
}
ALREADY_SENT = _l("You had already sent this test; here is your result.")
MULTIPLE_CHOICE_RULE = _l("Questions marked “tick every correct answer” count as right only when you tick all "
                          "the correct answers and no wrong one.")


# Submissions are limited per event and device (an id in the signed session, given by the quiz page's GET),
# never per address (a venue shares one) nor per event as a whole (one phone could use that up for everyone).
rate_limited = limiter.limit(setting("QUIZ_DEVICE_RATE_LIMIT", "20 per minute"), key_func=per_device("event_id"),
                             methods=["POST"], exempt_when=without_device)


def participant_event(event_id: int) -> Event:
    """The event, 404 when unknown; its language is the page's language unless the phone chose one."""
    event = db.session.scalar(EVENT_BY_ID, {"event_id": event_id})
    if event is None:
        abort(404)
    g.page_language = event.language.value
    return event


# Built once, as every statement on the participant's path: building one cost as much as running it.
EVENT_BY_ID = sa.select(Event).where(Event.id == sa.bindparam("event_id"))


def autosave_key(event: Event, phase: Phase, quiz) -> str:
    return f"quiz-answers-{event.id}-{phase.value}-{quiz.id}"


@bp.get("/p/events/<int:event_id>")
def participant_page(event_id: int):
    event = participant_event(event_id)
    participant = remembered_participant()
    offer = services.participant_offer(event, participant)
    review = []
    if offer.post_attempt:
        review = services.attempt_review(offer.post_attempt)
    clear_keys = []
    for phase, attempt in ((Phase.PRE, offer.pre_attempt), (Phase.POST, offer.post_attempt)):
        if attempt:
            clear_keys.append(autosave_key(event, phase, attempt.quiz))
    return render_template("quizzes/participant.html", event=event, participant=participant, offer=offer,
                           review=review, state=services.offer_state(offer), clear_keys=clear_keys,
                           letter=services.option_letter)


@bp.get("/p/events/<int:event_id>/state")
def participant_state(event_id: int):
    """What the participant's page shows, so a waiting phone reloads when the trainer opens the post-test."""
    event = participant_event(event_id)
    return jsonify(state=services.offer_state(services.participant_offer(event, remembered_participant())))


def render_quiz(event, phase, quiz, answers, participant, message=None, status=200):
    # The page's CSRF token, the language switch's included, is the one its answers are sent with.
    tokens = {"csrf_token": lambda: answers["csrf_token"]} if answers else {}
    return render_template("quizzes/take.html", event=event, phase=phase, phase_label=PHASE_LABELS[phase], quiz=quiz,
                           answers=answers, questions_html=questions_html, participant=participant, message=message,
                           rule=MULTIPLE_CHOICE_RULE, autosave_key=autosave_key(event, phase, quiz), **tokens), status


def fresh_quiz(event, phase, quiz, participant):
    """A quiz page with nothing ticked. It is the same for every participant but for its CSRF token and
    idempotency key, so it is drawn once per answer sheet, kept with the sheet's questions (see
    questions_html), and each request fills in its own values (page_cache)."""
    values = {"csrf_token": generate_csrf(), "idempotency_key": services.new_idempotency_key()}
    if not same_for_everyone():
        return render_quiz(event, phase, quiz, blank_answers(values), participant)

    def draw(holes: dict) -> str:
        return render_quiz(event, phase, quiz, blank_answers(holes), participant)[0]

    return kept_page(("page", request.path, event.title), values, draw, pages=quiz.drawn), 200


def questions_html(quiz, ticked: dict) -> Markup:
    """The quiz's questions with their options, ``ticked`` ({question id: option ids as text}) checked.

    With nothing ticked (a fresh page) they read the same for every participant: drawn once per answer
    sheet, which is in one language and, once anyone has answered the quiz, kept by the worker.
    """
    if ticked:
        return draw_questions(quiz, ticked)
    drawn = quiz.drawn.get("blank")
    if drawn is None:
        drawn = quiz.drawn["blank"] = draw_questions(quiz, {})
    return drawn


def draw_questions(quiz, ticked: dict) -> Markup:
    template = current_app.jinja_env.get_template("quizzes/_questions.html")
    return Markup(template.render(quiz=quiz, ticked=ticked, field_name=question_field_name))


def blank_answers(values: dict) -> dict:
    """What a fresh quiz page's form holds: nothing ticked, the CSRF token and a new idempotency key (from
    ``values``). The page draws the form itself, so a GET builds no WTForms form (only an answer that was
    sent is validated by one)."""
    return {"csrf_token": values["csrf_token"], "idempotency_key": values["idempotency_key"], "submit_incomplete": "",
            "ticked": {}, "has_errors": False}


def sent_answers(quiz, form) -> dict:
    """The form as it was sent, to show again with what was ticked (and a fresh CSRF token)."""
    ticked = {question_id: {str(option_id) for option_id in option_ids}
              for question_id, option_ids in form.selections(quiz).items()}
    return {"csrf_token": generate_csrf(), "idempotency_key": form.idempotency_key.data or "",
            "submit_incomplete": form.submit_incomplete.data or "", "ticked": ticked, "has_errors": bool(form.errors)}


@bp.route("/p/events/<int:event_id>/<any(pre, post):phase>", methods=["GET", "POST"])
@csrf.exempt  # the form checks its token itself: a stale token re-renders the quiz with the answers kept
@rate_limited
@issues_device
def take_quiz(event_id: int, phase: str):
    # Everything before the submission itself only reads: on SQLite, phones handing in at the same moment
    # wait for each other only during services.submit_attempt's own transaction.
    with reading_only():
        reads_without_transaction()
        phase = Phase(phase)
        visit = services.quiz_visit(event_id, remembered_card(), phase)
        if visit is None:
            abort(404)
        event, participant, standing = visit
        g.page_language = event.language.value
        quiz = services.phase_answer_sheet(event, phase)
        if quiz is None or not quiz.questions:
            abort(404)
        submitted = request.method == "POST"
        if standing is not None and standing.attempt_id is not None:
            if submitted:
                flash(ALREADY_SENT, "success")
            return redirect(url_for("quizzes.participant_page", event_id=event.id))
        if not submitted:
            if standing is None or not standing.checked_in:
                return render_quiz(event, phase, quiz, None, participant, SUBMISSION_REFUSALS["not_checked_in"], 403)
            if not services.phase_is_open(event, phase):
                flash(_("This test is not open now."), "info")
                return redirect(url_for("quizzes.participant_page", event_id=event.id))
            return fresh_quiz(event, phase, quiz, participant)
        form = AnswerForm()
        if (problem := answers_not_ready(quiz, form, participant)) is not None:
            return render_quiz(event, phase, quiz, sent_answers(quiz, form), participant, *problem)
        page = url_for("quizzes.participant_page", event_id=event.id)
        end_reading()
    return record_answers(event, phase, quiz, form, participant, standing, page)


def answers_not_ready(quiz, form, participant) -> tuple[str, int] | None:
    """Why the sent answers are shown again instead of recorded (message, status), or None.

    Every case re-renders the quiz with the answers filled in: nothing the
    participant ticked is lost to a stale token or a lost session.
    """
    if not form.validate():
        if form.csrf_failed():
            return _("Your answers are kept. Press “Submit answers” again to send them."), 400
        return _("Please check your answers."), 400
    if participant is None:
        return str(SUBMISSION_REFUSALS["not_checked_in"]), 403
    unanswered = form.unanswered_numbers(quiz)
    if unanswered and form.submit_incomplete.data != "1":
        form.submit_incomplete.data = "1"
        return _("Questions %(numbers)s have no answer. Answer them, or press “Submit answers” again to "
                 "hand in as it is.", numbers=", ".join(str(n) for n in unanswered)), 400
    return None


def record_answers(event, phase, quiz, form, participant, standing, page):
    try:
        _attempt, created = services.submit_attempt(participant, event, phase, form.selections(quiz),
                                                    (form.idempotency_key.data or "")[:64] or None, sheet=quiz,
                                                    checked_in=standing.checked_in, whole_transaction=True)
    except services.SubmissionRefused as refusal:
        db.session.rollback()
        status = 403 if refusal.reason == "not_checked_in" else 409
        with reading_only():
            return render_quiz(event, phase, quiz, sent_answers(quiz, form), participant,
                               SUBMISSION_REFUSALS[refusal.reason], status)
    db.session.commit()
    flash(_("Your answers are recorded.") if created else ALREADY_SENT, "success")
    return redirect(page)


@bp.app_context_processor
def quiz_template_helpers():
    """Helpers for the partials other pages include (check-in confirmation, event page)."""
    return {"quiz_offer": services.participant_offer, "quiz_event_panel": event_panel}


def event_panel(event: Event) -> dict:
    """What the event page's quiz section shows."""
    return {
        "counts": services.phase_counts(event),
        "pre_quiz": services.phase_quiz(event, Phase.PRE),
        "post_quiz": services.phase_quiz(event, Phase.POST),
        "pre_open": services.phase_is_open(event, Phase.PRE),
        "post_open": services.phase_is_open(event, Phase.POST),
        "form": EventQuizzesForm(formdata=None, event=event),
        "confirm": ConfirmForm(formdata=None),
        "phase_labels": PHASE_LABELS,
    }
