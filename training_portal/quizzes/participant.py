"""Participants' pages: the pre-test and post-test on their own phone, and their result.

A participant is known only by the device cookie set at check-in
(attendance/device.py); they have no account and no password.
"""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..attendance.device import remembered_participant
from ..events.models import Event
from ..extensions import csrf, db, limiter
from ..forms import ConfirmForm
from ..i18n import use_page_language
from ..rate_limits import issues_device, per_device, setting, without_device
from . import attempts, bp, phases
from .forms import PHASE_LABELS, AnswerForm, EventQuizzesForm, answer_form
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
    event = db.get_or_404(Event, event_id)
    use_page_language(event.language.value)
    return event


def autosave_key(event: Event, phase: Phase, quiz) -> str:
    return f"quiz-answers-{event.id}-{phase.value}-{quiz.id}"


@bp.get("/p/events/<int:event_id>")
def participant_page(event_id: int):
    event = participant_event(event_id)
    participant = remembered_participant()
    offer = phases.participant_offer(event, participant)
    review = attempts.attempt_review(offer.post_attempt) if offer.post_attempt else []
    clear_keys = [autosave_key(event, phase, attempt.quiz)
                  for phase, attempt in ((Phase.PRE, offer.pre_attempt), (Phase.POST, offer.post_attempt)) if attempt]
    return render_template("quizzes/participant.html", event=event, participant=participant, offer=offer,
                           review=review, state=phases.offer_state(offer), clear_keys=clear_keys)


@bp.get("/p/events/<int:event_id>/state")
def participant_state(event_id: int):
    """What the participant's page shows, so a waiting phone reloads when the trainer opens the post-test."""
    event = participant_event(event_id)
    return jsonify(state=phases.offer_state(phases.participant_offer(event, remembered_participant())))


def render_quiz(event, phase, quiz, form: AnswerForm | None, message=None, status=200):
    """The quiz page with ``form`` (None: only the message and a way back)."""
    return render_template("quizzes/take.html", event=event, phase=phase, phase_label=PHASE_LABELS[phase], quiz=quiz,
                           form=form, message=message, rule=MULTIPLE_CHOICE_RULE,
                           autosave_key=autosave_key(event, phase, quiz)), status


@bp.route("/p/events/<int:event_id>/<any(pre, post):phase>", methods=["GET", "POST"])
@csrf.exempt  # the form checks its token itself: a stale token re-renders the quiz with the answers kept
@rate_limited
@issues_device
def take_quiz(event_id: int, phase: str):
    event, phase = participant_event(event_id), Phase(phase)
    quiz = phases.phase_quiz_with_questions(event, phase)
    if quiz is None or not quiz.questions:
        abort(404)
    participant = remembered_participant()
    if participant is not None and phases.find_attempt(participant, event, phase) is not None:
        if request.method == "POST":
            flash(ALREADY_SENT, "success")
        return redirect(url_for("quizzes.participant_page", event_id=event.id))
    form = answer_form(quiz)
    if request.method == "GET":
        return fresh_quiz(event, phase, quiz, form, participant)
    if (problem := answers_not_ready(quiz, form, participant)) is not None:
        return render_quiz(event, phase, quiz, form, *problem)
    return record_answers(event, phase, quiz, form, participant)


def fresh_quiz(event, phase, quiz, form, participant):
    """The quiz with nothing ticked and a new idempotency key, for a checked-in participant while it is open."""
    if participant is None or not phases.is_checked_in(participant, event):
        return render_quiz(event, phase, quiz, None, SUBMISSION_REFUSALS["not_checked_in"], 403)
    if not phases.phase_is_open(event, phase):
        flash(_("This test is not open now."), "info")
        return redirect(url_for("quizzes.participant_page", event_id=event.id))
    form.idempotency_key.data = attempts.new_idempotency_key()
    return render_quiz(event, phase, quiz, form)


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


def record_answers(event, phase, quiz, form, participant):
    try:
        _attempt, created = attempts.submit_attempt(participant, event, phase, form.selections(quiz),
                                                    (form.idempotency_key.data or "")[:64] or None, quiz=quiz)
    except attempts.SubmissionRefused as refusal:
        db.session.rollback()
        status = 403 if refusal.reason == "not_checked_in" else 409
        return render_quiz(event, phase, quiz, form, SUBMISSION_REFUSALS[refusal.reason], status)
    participant_page = url_for("quizzes.participant_page", event_id=event.id)  # before the commit expires it
    db.session.commit()
    flash(_("Your answers are recorded.") if created else ALREADY_SENT, "success")
    return redirect(participant_page)


@bp.app_context_processor
def quiz_template_helpers():
    """Helpers for the partials other pages include (check-in confirmation, event page)."""
    return {"quiz_offer": phases.participant_offer, "quiz_event_panel": event_panel}


def event_panel(event: Event) -> dict:
    """What the event page's quiz section shows."""
    return {
        "counts": phases.phase_counts(event),
        "pre_quiz": phases.phase_quiz(event, Phase.PRE),
        "post_quiz": phases.phase_quiz(event, Phase.POST),
        "pre_open": phases.phase_is_open(event, Phase.PRE),
        "post_open": phases.phase_is_open(event, Phase.POST),
        "form": EventQuizzesForm(formdata=None, event=event),
        "confirm": ConfirmForm(formdata=None),
        "phase_labels": PHASE_LABELS,
    }
