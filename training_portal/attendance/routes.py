import secrets

from flask import (
    Response, abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for,
)
from flask import session as browser_session
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from flask_login import current_user

from ..auth.forms import ConfirmForm
from ..auth.services import log_action, staff_required
from ..database import commit_keeping_objects, end_reading, reading_only, reads_without_transaction
from ..downloads import send_download
from ..events.models import Event, TargetGroup
from ..events.routes import event_for_change, session_for_change
from ..events.services import active_entries
from ..extensions import db
from ..i18n import current_language, per_language, uses_khmer_digits
from ..page_cache import kept_page, same_for_everyone
from ..quizzes.services import offer_for_new_participant as quiz_offer_for_new_participant
from ..rate_limits import ParticipantLimit, limited_by
from ..spreadsheets import CSV_MIMETYPE, XLSX_MIMETYPE, csv_bytes, xlsx_chunks
from ..templating import local_datetime
from ..timeutil import utcnow
from . import bp, services, sheets
from .device import PARTICIPANT_COOKIE, remember_participant, remembered_participant
from .forms import (
    AGE_BAND_LABELS, METHOD_LABELS, RESULT_MESSAGES, SEX_LABELS, CodeForm, OneTapForm, PhoneCheckInForm,
    RegisterForm, ReturningWalkInForm, ScanForm, SearchForm, SelfCheckInForm, SheetConfirmForm, SheetUploadForm,
    WalkInForm, form_labels, headcount_form,
)
from .models import Attendance, CheckInMethod, Participant
from .qr import POSTER_WORDS, inline_svg, qr_png, qr_svg


@bp.app_context_processor
def attendance_template_helpers():
    return {"sex_labels": SEX_LABELS, "age_band_labels": AGE_BAND_LABELS, "method_labels": METHOD_LABELS,
            "checkin_qr": inline_svg, "checked_in_count": services.checked_in_count,
            "event_participant_count": services.event_participant_count, "headcount_total": services.headcount_total}


# Rate limits: keyed by the check-in code and the device, never by IP address
# (everyone at a venue shares one Wi-Fi address).


def device_id() -> str:
    return request.cookies.get(PARTICIPANT_COOKIE) or browser_session.get("device") or ""


def code_key() -> str:
    return "code:" + (request.view_args or {}).get("code", "").upper()


def code_and_device_key() -> str:
    return f"{code_key()}|device:{device_id()}"


def no_device() -> bool:
    return not device_id()


rate_limited = limited_by(
    ParticipantLimit("checkin-device", "CHECKIN_DEVICE_RATE_LIMIT", "30 per minute", code_and_device_key,
                     exempt_when=no_device),
    ParticipantLimit("checkin-code", "CHECKIN_CODE_RATE_LIMIT", "1200 per minute", code_key,
                     methods=frozenset({"POST"})),
)


# Participants' pages


@bp.get("/c")
def checkin_code():
    form = CodeForm(request.args)
    if request.args and form.validate():
        return redirect(url_for("attendance.self_checkin", code=form.code.data.strip().upper()))
    return render_template("attendance/code.html", form=form)


@bp.route("/c/<code>", methods=["GET", "POST"])
@rate_limited
def self_checkin(code: str):
    # Everything before the check-in itself only reads: on SQLite, phones checking in at the same
    # moment wait for each other only during services.check_in's own transaction.
    with reading_only():
        reads_without_transaction()
        session = services.session_by_code(code)
        if session is None or not session.is_open:
            return (render_template("attendance/checkin_unavailable.html", session=session),
                    404 if session is None else 403)
        g.page_language = session.event.language.value
        browser_session.setdefault("device", secrets.token_urlsafe(12))
        participant = None if request.args.get("new") else remembered_participant()
        if request.method == "POST":
            # Only the form that was sent is built (and validates what was sent); the page itself is
            # written out by the template from plain values (see checkin_page).
            kind = request.form.get("kind", "new")
            if kind not in CHECKIN_FORMS:
                kind = "new"
            form = checkin_form(kind, session.event, request.form)
            if not form.validate():
                return render_checkin(session, participant, kind, form, 400)
            end_reading()
    if request.method == "POST":
        result = self_checkin_result(session, kind, form, participant)
        with reading_only():  # committed: drawing the confirmation must not hold SQLite's write lock
            if result is not None:
                return checkin_answer(session, result)
            return render_checkin(session, participant, kind, form, 400)
    if participant is not None and services.attendance_of(participant, session):
        return checkin_answer(session, services.CheckInResult(services.ALREADY_CHECKED_IN, participant))
    return render_checkin(session, participant)


CHECKIN_FORMS = {"new": SelfCheckInForm, "phone": PhoneCheckInForm, "returning": OneTapForm}


def checkin_form(kind: str, event, formdata):
    if kind == "new":
        return SelfCheckInForm(event, formdata=formdata)
    return CHECKIN_FORMS[kind](formdata=formdata)


def render_checkin(session, participant, kind=None, sent=None, status=200):
    if participant is None and sent is None and same_for_everyone():
        return fresh_checkin_page(session), status
    tokens = page_tokens()
    return draw_checkin(session, participant, checkin_page(session.event, tokens, kind, sent), tokens), status


def draw_checkin(session, participant, page: dict, tokens: dict) -> str:
    return render_template("attendance/checkin.html", session=session, event=session.event, participant=participant,
                           page=page, csrf_token=lambda: tokens["csrf_token"])


def fresh_checkin_page(session) -> str:
    """The page of a phone new to this check-in code, as the whole room sees it: drawn once by the worker
    and kept under everything it shows (page_cache), with this phone's CSRF token and form keys filled in."""
    event = session.event
    choices = checkin_choices(event)
    key = ("checkin", request.path, session.id, session.checkin_code, session.starts_at, event.title,
           event.province_id, current_language(), uses_khmer_digits(), choices)

    def draw(holes: dict) -> str:
        return draw_checkin(session, None, checkin_page(event, holes, choices=choices), holes)

    return kept_page(key, page_tokens(), draw)


def page_tokens() -> dict:
    """What each check-in page holds of its own: the CSRF token and a new idempotency key for each form."""
    return {"csrf_token": generate_csrf(), **{f"key_{name}": services.new_client_key() for name in CHECKIN_FORMS}}


@per_language
def checkin_texts() -> dict:
    """The check-in page's labels and fixed choices in the page's language."""
    return {
        "labels": form_labels(SelfCheckInForm), "phone_labels": form_labels(PhoneCheckInForm),
        "sexes": [(sex, str(label)) for sex, label in SEX_LABELS.items()],
        "age_bands": [("", _("Choose…"))] + [(band, str(label)) for band, label in AGE_BAND_LABELS.items()],
        "choose": _("Choose…"), "not_stated": _("Not stated"),
    }


def checkin_choices(event) -> tuple[tuple, tuple]:
    """The event's target groups and the provinces, as (value, text) in the page's language."""
    return (tuple((str(group.id), group.name) for group in services.target_group_choices(event)),
            tuple((str(id_), name) for id_, name in services.province_options()))


def checkin_page(event, tokens: dict, kind=None, sent=None, choices=None) -> dict:
    """What the check-in page shows: the choices, the fields' values and errors of the form sent
    (``kind``), the idempotency keys (the sent form keeps its own) and the CSRF token, from ``tokens``."""
    keys = {name: tokens[f"key_{name}"] for name in CHECKIN_FORMS}
    if sent is not None and services.is_valid_client_key(sent.key.data):
        keys[kind] = sent.key.data
    new = sent if kind == "new" else None
    texts = checkin_texts()
    groups, provinces = choices or checkin_choices(event)
    group_value = new.target_group_id.data if new else None
    target_groups = list(groups)
    if len(groups) > 1 and group_value is None:
        target_groups.insert(0, ("", texts["choose"]))
    province_value = new.province_id.data if new else event.province_id
    return {
        "csrf_token": tokens["csrf_token"], "form_keys": keys,
        "labels": texts["labels"], "phone_labels": texts["phone_labels"],
        "sexes": texts["sexes"], "age_bands": texts["age_bands"],
        "target_groups": target_groups,
        "provinces": [("", texts["not_stated"]), *provinces],
        "fields": {
            "name": new.name.data or "" if new else "", "sex": new.sex.data if new else None,
            "age_band": new.age_band.data or "" if new else "",
            "target_group_id": "" if group_value is None else str(group_value),
            "province_id": "" if province_value is None else str(province_value),
            "phone": new.phone.data or "" if new else "", "consent": bool(new.consent.data) if new else False,
        },
        "field_errors": new.errors if new else {},
        "phone_value": (sent.phone.data or "") if kind == "phone" else "",
        "phone_errors": sent.errors if kind == "phone" else {},
    }


def self_checkin_result(session, kind, form, participant):
    """Check in from one of the three forms; None when the phone number is unknown."""
    if kind == "returning":
        if participant is None:
            return None
    elif kind == "phone":
        participant = services.participant_by_phone(form.phone.data)
        if participant is None:
            form.phone.errors.append(_("No participant has this phone number yet. Fill in the form instead."))
            return None
    else:
        participant = form.participant_fields().new_participant()
    result = services.check_in(session, participant, CheckInMethod.SELF, form.key.data, whole_transaction=True)
    # The confirmation shows what this request just read and wrote: nothing is loaded again.
    commit_keeping_objects()
    result.new_participant = kind == "new" and result.recorded and result.participant is participant
    return result


def checkin_answer(session, result):
    if not result.participant or result.status == services.NOT_VALID:
        return render_template("attendance/checkin_unavailable.html", session=session), 409
    participant = result.participant
    url = card_url(participant)
    values = {"name": participant.name, "card_url": url, "card_qr": inline_svg(url, _("Your personal QR card")),
              "csrf_token": generate_csrf()}
    # A participant created by this very check-in has no test attempts yet: the quiz offer needs no query.
    known_offer = quiz_offer_for_new_participant(session.event) if result.new_participant else None
    if known_offer is not None and same_for_everyone():
        page = new_participant_confirmation(session, result, known_offer, values)
    else:
        page = draw_confirmation(session, result, known_offer, values)
    return remember_participant(current_app.make_response(page), participant)


def draw_confirmation(session, result, known_offer, values: dict) -> str:
    return render_template("attendance/checkin_done.html", session=session, event=session.event, result=result,
                           participant=result.participant, known_offer=known_offer, name=values["name"],
                           card_url=values["card_url"], card_qr=values["card_qr"],
                           csrf_token=lambda: values["csrf_token"])


def new_participant_confirmation(session, result, offer, values: dict) -> str:
    """The confirmation for a participant created by this check-in: the same for everyone in the room but
    for their name, card and CSRF token (the language switch), so drawn once by the worker and kept
    (page_cache)."""
    event = session.event
    key = ("checkin_done", request.path, session.id, session.starts_at, event.title, current_language(),
           uses_khmer_digits(), bool(values["name"]), offer.has_quizzes, offer.open_phase)

    def draw(holes: dict) -> str:
        # Without a name the page says so in other words (the key tells the two pages apart).
        return draw_confirmation(session, result, offer, {**holes, "name": holes["name"] if values["name"] else ""})

    return kept_page(key, values, draw)


def card_url(participant: Participant) -> str:
    return url_for("attendance.participant_card", card_code=participant.card_code, _external=True)


@bp.get("/p/<card_code>")
def participant_card(card_code: str):
    participant = services.participant_by_card(card_code) or abort(404)
    return render_template("attendance/card.html", participant=participant, card_url=card_url(participant))


@bp.get("/p/<card_code>/qr.svg")
def participant_card_qr(card_code: str):
    participant = services.participant_by_card(card_code) or abort(404)
    return Response(qr_svg(card_url(participant)), mimetype="image/svg+xml")


# Projector, poster and the session's check-in state


def checkin_url(session) -> str:
    return url_for("attendance.self_checkin", code=session.checkin_code, _external=True)


def session_action(session_id: int, action: str, message: str):
    """Open, close or rotate a session's check-in (a confirmed POST)."""
    session = session_for_change(session_id)
    if ConfirmForm().validate_on_submit():
        details = {"old_code": session.checkin_code} if action == "rotate" else {}
        {"open": services.open_checkin, "close": services.close_checkin, "rotate": services.rotate_code}[action](session)
        log_action(current_user, f"checkin.{action}", session, **details)
        db.session.commit()
        flash(message, "success")
    return redirect(local_next() or url_for("events.event_detail", event_id=session.event_id))


def local_next() -> str | None:
    """The form's ``next`` when it is a path on this site."""
    target = request.form.get("next", "")
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else None


@bp.post("/sessions/<int:session_id>/checkin/open")
@staff_required
def checkin_open(session_id: int):
    return session_action(session_id, "open", _("Check-in is open."))


@bp.post("/sessions/<int:session_id>/checkin/close")
@staff_required
def checkin_close(session_id: int):
    return session_action(session_id, "close", _("Check-in is closed."))


@bp.post("/sessions/<int:session_id>/checkin/rotate")
@staff_required
def checkin_rotate(session_id: int):
    return session_action(session_id, "rotate", _("The check-in code was changed: the old code no longer works."))


@bp.get("/sessions/<int:session_id>/projector")
@staff_required
def projector(session_id: int):
    session = session_for_change(session_id)
    return render_template("attendance/projector.html", session=session, event=session.event,
                           url=checkin_url(session), confirm=ConfirmForm())


@bp.get("/sessions/<int:session_id>/poster")
@staff_required
def poster(session_id: int):
    session = session_for_change(session_id)
    return render_template("attendance/poster.html", session=session, event=session.event, url=checkin_url(session),
                           short_url=url_for("attendance.checkin_code", _external=True), words=POSTER_WORDS)


@bp.get("/sessions/<int:session_id>/count.json")
@staff_required
def checkin_count(session_id: int):
    session = session_for_change(session_id)
    return jsonify(count=services.checked_in_count(session), open=session.is_open, code=session.checkin_code)


@bp.get("/sessions/<int:session_id>/qr.<fmt>")
@staff_required
def session_qr(session_id: int, fmt: str):
    session = session_for_change(session_id)
    if fmt == "svg":
        return Response(qr_svg(checkin_url(session)), mimetype="image/svg+xml")
    if fmt == "png":
        return Response(qr_png(checkin_url(session), box_size=20), mimetype="image/png", headers={
            "Content-Disposition": f"attachment; filename=checkin-{session.checkin_code}.png"})
    abort(404)


# Staff scanner


@bp.get("/sessions/<int:session_id>/scanner")
@staff_required
def scanner(session_id: int):
    session = session_for_change(session_id)
    return render_template("attendance/scanner.html", session=session, event=session.event, form=ScanForm(),
                           result=None)


@bp.post("/sessions/<int:session_id>/scan")
@staff_required
def scan(session_id: int):
    session = session_for_change(session_id)
    form = ScanForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    if not form.validate_on_submit():
        if wants_json:
            return jsonify(status="error", message=_("Reload the page and try again.")), 400
        return render_template("attendance/scanner.html", session=session, event=session.event, form=form, result=None), 400
    result = services.staff_check_in_card(session, form.card.data, form.key.data, current_user)
    db.session.commit()
    with reading_only():  # committed: the count that follows must not hold SQLite's write lock
        count = services.checked_in_count(session)
    answer = {"status": result.status, "message": str(RESULT_MESSAGES[result.status]),
              "name": result.participant.name if result.participant else "",
              "count": count}
    if wants_json:
        return jsonify(answer)
    return render_template("attendance/scanner.html", session=session, event=session.event, form=ScanForm(formdata=None),
                           result=answer)


# Roster and walk-ins


@bp.get("/sessions/<int:session_id>/roster")
@staff_required
def roster(session_id: int):
    session = session_for_change(session_id)
    return render_roster(session, WalkInForm(session.event, formdata=None))


def render_roster(session, walk_in_form, status=200):
    search = SearchForm(request.args)
    found = services.search_participants(search.q.data) if search.validate() else []
    checked_in = {attendance.participant_id for attendance in services.roster(session)}
    return render_template(
        "attendance/roster.html", session=session, event=session.event, attendances=services.roster(session),
        search=search, found=found, checked_in=checked_in, walk_in=walk_in_form, confirm=ConfirmForm(),
        returning_form=ReturningWalkInForm,
    ), status


@bp.post("/sessions/<int:session_id>/walk-in")
@staff_required
def walk_in(session_id: int):
    session = session_for_change(session_id)
    form = WalkInForm(session.event)
    if not form.validate_on_submit():
        return render_roster(session, form, 400)
    result = services.check_in(session, form.participant_fields().new_participant(), CheckInMethod.WALK_IN,
                               form.key.data, recorded_by=current_user)
    db.session.commit()
    flash_result(result)
    return redirect(url_for("attendance.roster", session_id=session.id))


@bp.post("/sessions/<int:session_id>/walk-in/returning")
@staff_required
def walk_in_returning(session_id: int):
    session = session_for_change(session_id)
    form = ReturningWalkInForm()
    participant = db.session.get(Participant, form.participant_id.data) if form.validate_on_submit() else None
    if participant is not None and participant.anonymised_at is None:
        result = services.check_in(session, participant, CheckInMethod.WALK_IN, form.key.data, recorded_by=current_user)
        db.session.commit()
        flash_result(result)
    else:
        flash(_("Reload the page and try again."), "error")
    return redirect(url_for("attendance.roster", session_id=session.id))


def flash_result(result):
    name = result.participant.name if result.participant and result.participant.name else _("Participant")
    if result.status == services.CHECKED_IN:
        flash(_("%(name)s is checked in.", name=name), "success")
    elif result.status == services.ALREADY_CHECKED_IN:
        flash(_("%(name)s was already checked in.", name=name), "info")
    else:
        flash(_("Not valid for this session."), "error")


@bp.post("/attendance/<int:attendance_id>/remove")
@staff_required
def attendance_remove(attendance_id: int):
    attendance = db.get_or_404(Attendance, attendance_id)
    session = session_for_change(attendance.session_id)
    if ConfirmForm().validate_on_submit():
        removed = services.remove_attendance(attendance)
        log_action(current_user, "attendance.remove", None, attendance_id=attendance_id, **removed)
        db.session.commit()
        flash(_("The check-in was removed."), "success")
    return redirect(url_for("attendance.roster", session_id=session.id))


# Paper sheets


def sheet_context(event: Event, session=None) -> sheets.SheetContext:
    def entries(items):
        return [(item.id, item.name_en, item.name_km, item.code) for item in items]

    return sheets.SheetContext(
        session_id=session.id if session else None, title=event.title,
        when=local_datetime(session.starts_at, "short") if session else "", code=session.checkin_code if session else "",
        target_groups=entries(services.target_group_choices(event)),
        all_target_groups=entries(active_entries(TargetGroup, [g.id for g in event.target_groups])),
        provinces=entries(services.provinces()), default_province_id=event.province_id,
    )


@bp.get("/sessions/<int:session_id>/sheet.xlsx")
@staff_required
def sheet_template(session_id: int):
    session = session_for_change(session_id)
    data = sheets.template_xlsx(sheet_context(session.event, session))
    return send_download(data, f"sign-in-sheet-{session.starts_at:%Y-%m-%d}-{session.id}.xlsx", XLSX_MIMETYPE)


@bp.route("/sessions/<int:session_id>/sheet", methods=["GET", "POST"])
@staff_required
def sheet_upload(session_id: int):
    session = session_for_change(session_id)
    return upload_page(session.event, session, f"session:{session.id}")


@bp.post("/sessions/<int:session_id>/sheet/confirm")
@staff_required
def sheet_confirm(session_id: int):
    session = session_for_change(session_id)
    rows = confirmed_rows(f"session:{session.id}")
    if rows is None:
        return redirect(url_for("attendance.sheet_upload", session_id=session.id))
    outcome = services.import_sheet_rows(session, rows, current_user)
    log_action(current_user, "attendance.import", session, recorded=outcome.recorded, already=outcome.already)
    db.session.commit()
    flash(_("%(recorded)s participants recorded; %(already)s were already recorded.",
            recorded=outcome.recorded, already=outcome.already), "success")
    return redirect(url_for("attendance.roster", session_id=session.id))


def upload_page(event, session, scope):
    form = SheetUploadForm()
    parsed = None
    if form.validate_on_submit():
        parsed = sheets.parse_sheet(form.sheet.data.read(sheets.MAX_SHEET_BYTES + 1), sheet_context(event, session))
        if parsed.error:
            form.sheet.errors.append(sheets.FILE_PROBLEMS[parsed.error])
            parsed = None
    confirm = None
    if parsed is not None and parsed.rows:
        confirm = SheetConfirmForm(formdata=None)
        confirm.payload.data = services.sign_rows(scope, parsed.payload(), current_app.secret_key)
    status = 400 if request.method == "POST" and parsed is None else 200
    return render_template("attendance/sheet_upload.html", event=event, session=session, form=form, parsed=parsed,
                           confirm=confirm, problems=sheets.PROBLEMS, groups=group_names(event)), status


def group_names(event):
    return {group.id: group.name for group in db.session.scalars(db.select(TargetGroup))}


def confirmed_rows(scope: str):
    form = SheetConfirmForm()
    payload = services.unsign_rows(scope, form.payload.data or "", current_app.secret_key) if form.validate_on_submit() else None
    if payload is None:
        flash(_("The preview has expired or was changed. Upload the sheet again."), "error")
        return None
    return sheets.rows_from_payload(payload)


# Pre-registration, cards and headcounts


@bp.route("/events/<int:event_id>/participants", methods=["GET", "POST"])
@staff_required
def participants(event_id: int):
    event = event_for_change(event_id)
    form = RegisterForm(event)
    if form.validate_on_submit():
        fields = form.participant_fields()
        participant = services.participant_by_phone(fields.phone) or fields.new_participant()
        services.register(event, participant, current_user)
        log_action(current_user, "participant.register", participant, event_id=event.id)
        db.session.commit()
        flash(_("%(name)s is registered.", name=participant.name), "success")
        return redirect(url_for("attendance.participants", event_id=event.id))
    return render_template("attendance/participants.html", event=event, form=form,
                           registered=services.registered_participants(event)), 400 if form.is_submitted() else 200


@bp.get("/events/<int:event_id>/participants/sheet.xlsx")
@staff_required
def registration_template(event_id: int):
    event = event_for_change(event_id)
    return send_download(sheets.template_xlsx(sheet_context(event)), f"registration-sheet-{event.id}.xlsx",
                         XLSX_MIMETYPE)


@bp.route("/events/<int:event_id>/participants/sheet", methods=["GET", "POST"])
@staff_required
def registration_upload(event_id: int):
    event = event_for_change(event_id)
    return upload_page(event, None, f"event:{event.id}")


@bp.post("/events/<int:event_id>/participants/sheet/confirm")
@staff_required
def registration_confirm(event_id: int):
    event = event_for_change(event_id)
    rows = confirmed_rows(f"event:{event.id}")
    if rows is None:
        return redirect(url_for("attendance.registration_upload", event_id=event.id))
    outcome = services.register_sheet_rows(event, rows, current_user)
    log_action(current_user, "participant.register_sheet", event, registered=outcome.registered, already=outcome.already)
    db.session.commit()
    flash(_("%(registered)s participants registered; %(already)s were already registered.",
            registered=outcome.registered, already=outcome.already), "success")
    return redirect(url_for("attendance.participants", event_id=event.id))


@bp.get("/events/<int:event_id>/cards")
@staff_required
def cards(event_id: int):
    event = event_for_change(event_id)
    people = {p.id: p for p in services.registered_participants(event) + services.event_attendees(event)}
    return render_template("attendance/cards.html", event=event,
                           cards=[(p, card_url(p)) for p in sorted(people.values(), key=lambda p: (p.name, p.id))])


@bp.route("/events/<int:event_id>/headcounts", methods=["GET", "POST"])
@staff_required
def headcounts(event_id: int):
    event = event_for_change(event_id)
    form = headcount_form(event, services.headcounts(event))
    if form.validate_on_submit():
        changes = services.set_headcounts(event, form.tallies(), current_user)
        if changes:
            log_action(current_user, "headcount.update", event, changes=changes)
        db.session.commit()
        flash(_("Headcounts saved."), "success")
        return redirect(url_for("events.event_detail", event_id=event.id))
    return render_template("attendance/headcounts.html", event=event, form=form), 400 if form.is_submitted() else 200


@bp.post("/events/<int:event_id>/attendance.<fmt>")
@staff_required
def attendance_download(event_id: int, fmt: str):
    """A POST: the download writes its audit entry, and a GET never writes."""
    event = event_for_change(event_id)
    if fmt not in ("xlsx", "csv"):
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    table = sheets.attendance_table(services.event_attendance(event), services.headcount_rows(event))
    log_action(current_user, "attendance.export", event, format=fmt, rows=len(table.rows))
    db.session.commit()
    name = f"attendance-{event.id}-{utcnow():%Y%m%d}.{fmt}"
    if fmt == "csv":
        return send_download(b"".join(csv_bytes(table)), name, CSV_MIMETYPE)
    return send_download(b"".join(xlsx_chunks(table)), name, XLSX_MIMETYPE)
