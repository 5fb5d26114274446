"""Participants' pages: check-in on their own phone (/c, /c/<code>) and their personal QR card (/p/<card>).

A participant has no account: the phone remembers them with the cookie set at check-in
(attendance/device.py). The pages are rate-limited per device, and guesses at check-in codes per
device and per address (training_portal/rate_limits.py).
"""

from flask import Response, abort, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from ..addresses import public_url
from ..extensions import limiter
from ..quizzes.phases import offer_for_new_participant
from ..rate_limits import device_id, issues_device, per_device, setting, without_device
from . import bp, services
from .device import remember_participant, remembered_participant
from .forms import CodeForm, OneTapForm, PhoneCheckInForm, RememberCardForm, SelfCheckInForm
from .qr import inline_svg, qr_svg


def requested_session():
    """The session whose check-in this request's code opens, or None; looked up once per request
    (the limits below ask first, then the view)."""
    if "requested_session" not in g:
        g.requested_session = services.open_session_by_code((request.view_args or {}).get("code", ""))
    return g.requested_session


def is_open_code() -> bool:
    """True when the request's check-in code opens a session: then it is not a guess."""
    return requested_session() is not None


def is_open_code_or_without_device() -> bool:
    return without_device() or is_open_code()


# Per device at each code; and guesses at codes (answered 404) per device and per address, whatever the
# code, never counting an open code: so a guesser behind a venue's address cannot lock the room out.
device_limit = limiter.limit(setting("CHECKIN_DEVICE_RATE_LIMIT", "30 per minute"), key_func=per_device("code"),
                             exempt_when=without_device)
code_guesses_per_device = limiter.shared_limit(
    setting("CHECKIN_CODE_GUESS_DEVICE_LIMIT", "10 per minute"), scope="checkin-code-guess-device",
    key_func=device_id, exempt_when=is_open_code_or_without_device)
code_guesses_per_address = limiter.shared_limit(
    setting("CHECKIN_CODE_GUESS_ADDRESS_LIMIT", "60 per hour"), scope="checkin-code-guess-address",
    key_func=get_remote_address, exempt_when=is_open_code)

def returning_not_found(response) -> bool:
    """For ``deduct_when``: a returning participant's phone number and code named nobody."""
    return response.status_code == 400 and request.form.get("kind") == "phone"


def not_returning() -> bool:
    """For ``exempt_when``: not a returning participant's form, so the failed attempts never block it."""
    return request.form.get("kind") != "phone"


def not_returning_or_without_device() -> bool:
    return not_returning() or without_device()


def phone_tried() -> str:
    """The phone number a returning participant's form tried, in one written form whatever was typed."""
    try:
        return f"phone:{services.normalise_phone(request.form.get('phone', '')) or ''}"
    except services.PhoneError:
        return "phone:"


# Failed phone-and-code attempts, per device, per address (a venue shares one) and per phone number tried.
returning_per_device = limiter.shared_limit(
    setting("RETURNING_DEVICE_LIMIT", "10 per hour"), scope="returning-device", key_func=device_id,
    deduct_when=returning_not_found, exempt_when=not_returning_or_without_device, methods=["POST"])
returning_per_address = limiter.shared_limit(
    setting("RETURNING_ADDRESS_LIMIT", "30 per hour"), scope="returning-address", key_func=get_remote_address,
    deduct_when=returning_not_found, exempt_when=not_returning, methods=["POST"])
returning_per_phone = limiter.shared_limit(
    setting("RETURNING_PHONE_LIMIT", "5 per hour"), scope="returning-phone", key_func=phone_tried,
    deduct_when=returning_not_found, exempt_when=not_returning, methods=["POST"])


@bp.get("/c")
def checkin_code():
    form = CodeForm(request.args)
    if request.args and form.validate():
        return redirect(url_for("attendance.self_checkin", code=form.code.data.strip().upper()))
    return render_template("attendance/code.html", form=form)


@bp.route("/c/<code>", methods=["GET", "POST"])
@device_limit
@code_guesses_per_device
@code_guesses_per_address
@returning_per_device
@returning_per_address
@returning_per_phone
@issues_device  # inside the limits: the request that is given a device id is not counted by it
def self_checkin(code: str):
    session = requested_session()
    if session is None:
        return render_template("attendance/checkin_unavailable.html", no_open_code=True), 404
    g.page_language = session.event.language.value
    remembered = None if request.args.get("new") else remembered_participant()
    if request.method == "GET":
        if remembered is not None and services.attendance_of(remembered, session):
            return confirmation(session, services.CheckInResult(services.ALREADY_CHECKED_IN, remembered))
        return checkin_page(session, remembered)
    if not device_id():  # not the session this browser's check-in page was given
        return render_template("attendance/checkin_unavailable.html"), 400
    form = sent_form(session.event)
    if not form.validate():
        return checkin_page(session, remembered, form, 400)
    result = services.self_check_in(session, form.key.data, remembered=remembered, **form.check_in_values())
    if result.status == services.NOT_FOUND:
        if isinstance(form, PhoneCheckInForm):
            form.form_errors.append(_("We could not find you with this phone number and code. "
                                      "Check your card, or ask the trainer."))
        return checkin_page(session, remembered, form, 400)
    return confirmation(session, result)


def sent_form(event):
    """The check-in form the request sent (its ``kind``): someone new, a phone number, or one tap."""
    kind = request.form.get("kind")
    if kind == "phone":
        return PhoneCheckInForm()
    if kind == "returning":
        return OneTapForm()
    return SelfCheckInForm(event)


def checkin_page(session, remembered, sent=None, status=200):
    """The check-in page: one tap for the participant this phone remembers, else the form for someone new
    and the form for a returning participant's phone number (``sent`` is the form sent, shown again)."""
    event = session.event
    if remembered is not None:
        forms = {"one_tap": sent if isinstance(sent, OneTapForm) else OneTapForm(formdata=None)}
    else:
        forms = {"new": sent if isinstance(sent, SelfCheckInForm) else SelfCheckInForm(event, formdata=None),
                 "by_phone": sent if isinstance(sent, PhoneCheckInForm) else PhoneCheckInForm(formdata=None)}
    return render_template("attendance/checkin.html", session=session, event=event, participant=remembered,
                           **forms), status


def confirmation(session, result):
    if result.participant is None or result.status == services.NOT_VALID:
        return render_template("attendance/checkin_unavailable.html"), 409
    participant = result.participant
    url = card_url(participant)
    known_offer = offer_for_new_participant(session.event) if result.new_participant else None
    page = render_template("attendance/checkin_done.html", session=session, event=session.event, result=result,
                           participant=participant, name=participant.name, card_url=url, known_offer=known_offer,
                           card_qr=inline_svg(url, _("Your personal QR card")))
    return remember_participant(make_response(page), participant)


def card_url(participant) -> str:
    return public_url("attendance.participant_card", card_code=participant.card_code)


@bp.get("/p/<card_code>")
def participant_card(card_code: str):
    participant = services.participant_by_card(card_code) or abort(404)
    return render_template("attendance/card.html", participant=participant, card_url=card_url(participant),
                           remember=RememberCardForm(), remembered=False)


@bp.post("/p/<card_code>/remember")
def remember_card(card_code: str):
    """The participant scanned their own card: this phone remembers them (the card URL is the secret)."""
    participant = services.participant_by_card(card_code) or abort(404)
    form = RememberCardForm()
    if not form.validate():
        return render_template("attendance/checkin_unavailable.html"), 400
    page = render_template("attendance/card.html", participant=participant, card_url=card_url(participant),
                           remember=form, remembered=True)
    return remember_participant(make_response(page), participant)


@bp.get("/p/<card_code>/qr.svg")
def participant_card_qr(card_code: str):
    participant = services.participant_by_card(card_code) or abort(404)
    return Response(qr_svg(card_url(participant)), mimetype="image/svg+xml")
