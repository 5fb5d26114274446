"""Staff pages of check-in: the projector and poster, the scanner, the roster and walk-ins, paper sheets,
pre-registration, cards, headcounts and the attendance download. The participants' own pages are in
participant.py."""

from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..forms import ConfirmForm
from ..auth.services import log_action, staff_required
from ..database import reading_only
from ..addresses import public_url
from ..downloads import send_download
from ..events.models import Event, TargetGroup
from ..events.access import event_for_change, session_for_change
from ..events.services import active_entries
from ..extensions import db
from ..redirects import local_path
from ..spreadsheets import CSV_MIMETYPE, XLSX_MIMETYPE, csv_bytes, xlsx_chunks
from ..i18n import in_each_language
from ..templating import local_date, local_datetime, local_time
from ..timeutil import utcnow
from . import bp, headcounts as headcount_services, paper, services, sheets
from . import roster as roster_services
from .forms import (
    AGE_BAND_LABELS, METHOD_LABELS, RESULT_MESSAGES, SEX_LABELS, RegisterForm, ReturningWalkInForm, ScanForm,
    SearchForm, SheetConfirmForm, SheetUploadForm, WalkInForm, headcount_form,
)
from .models import Attendance, CheckInMethod
from .participant import card_url
from .qr import POSTER_WORDS, inline_svg, qr_png, qr_svg


@bp.app_context_processor
def attendance_template_helpers():
    return {"sex_labels": SEX_LABELS, "age_band_labels": AGE_BAND_LABELS, "method_labels": METHOD_LABELS,
            "checkin_qr": inline_svg}


# Projector, poster and the session's check-in state


def checkin_url(session) -> str:
    return public_url("attendance.self_checkin", code=session.checkin_code)


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
    return local_path(request.form.get("next"))


@bp.post("/sessions/<int:session_id>/checkin/open")
@staff_required
def checkin_open(session_id: int):
    return session_action(session_id, "open", _("Check-in is open."))


@bp.post("/sessions/<int:session_id>/checkin/close")
@staff_required
def checkin_close(session_id: int):
    return session_action(session_id, "close", _("Check-in is closed."))


@bp.route("/sessions/<int:session_id>/checkin/rotate", methods=["GET", "POST"])
@staff_required
def checkin_rotate(session_id: int):
    """GET asks first, saying what a new code breaks; the confirmed POST changes it."""
    if request.method == "GET":
        session = session_for_change(session_id)
        return render_template("attendance/new_code.html", session=session, event=session.event, confirm=ConfirmForm(),
                               back=local_path(request.args.get("next")) or url_for("attendance.projector",
                                                                                   session_id=session.id))
    return session_action(session_id, "rotate", _("The check-in code was changed: the old code no longer works."))


# What the room reads on the projector, in the event's language first and then in the other.
PROJECTOR_WORDS = {
    "scan": _l("Scan with your phone camera"),
    "open": _l("or open this address and type the code:"),
    "checked_in": _l("checked in"),
    "closed": _l("Check-in is closed."),
}


@bp.get("/sessions/<int:session_id>/projector")
@staff_required
def projector(session_id: int):
    session = session_for_change(session_id)
    words = {key: in_each_language(text.__str__, first=session.event.language.value)
             for key, text in PROJECTOR_WORDS.items()}
    return render_template("attendance/projector.html", session=session, event=session.event, words=words,
                           url=checkin_url(session), confirm=ConfirmForm(), count=services.checked_in_count(session))


@bp.get("/sessions/<int:session_id>/poster")
@staff_required
def poster(session_id: int):
    session = session_for_change(session_id)
    return render_template("attendance/poster.html", session=session, event=session.event, url=checkin_url(session),
                           short_url=public_url("attendance.checkin_code"), words=POSTER_WORDS,
                           when=in_each_language(lambda: poster_when(session)))


def poster_when(session) -> str:
    """The session's day and hours, as the poster prints them in each of its languages."""
    return f"{local_date(session.starts_at, 'full')} · {local_time(session.starts_at)}–{local_time(session.ends_at)}"


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
                           result=None, count=services.checked_in_count(session))


@bp.post("/sessions/<int:session_id>/scan")
@staff_required
def scan(session_id: int):
    session = session_for_change(session_id)
    form = ScanForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    if not form.validate_on_submit():
        if wants_json:
            return jsonify(status="error", message=_("Reload the page and try again.")), 400
        return render_template("attendance/scanner.html", session=session, event=session.event, form=form, result=None,
                               count=services.checked_in_count(session)), 400
    if not session.is_today and not form.anyway.data:  # ask before recording tomorrow's session today
        answer = {"status": "not_today", "message": str(RESULT_MESSAGES["not_today"]), "name": "",
                  "count": services.checked_in_count(session)}
    else:
        result = services.staff_check_in_card(session, form.card.data, form.key.data, current_user)
        db.session.commit()
        with reading_only():  # committed: the count that follows must not hold SQLite's write lock
            count = services.checked_in_count(session)
        answer = {"status": result.status, "message": str(RESULT_MESSAGES[result.status]),
                  "name": result.participant.name if result.participant else "", "count": count}
    if wants_json:
        return jsonify(answer)
    return render_template("attendance/scanner.html", session=session, event=session.event,
                           form=ScanForm(formdata=None, anyway=form.anyway.data), result=answer, count=answer["count"])


# Roster and walk-ins


@bp.get("/sessions/<int:session_id>/roster")
@staff_required
def roster(session_id: int):
    session = session_for_change(session_id)
    return render_roster(session, WalkInForm(session.event, formdata=None))


def render_roster(session, walk_in_form, status=200):
    search = SearchForm(request.args)
    found = roster_services.search_participants(search.q.data, current_user) if search.validate() else []
    checked_in = {attendance.participant_id for attendance in roster_services.roster(session)}
    return render_template(
        "attendance/roster.html", session=session, event=session.event, attendances=roster_services.roster(session),
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
    form, search = ReturningWalkInForm(), SearchForm(request.form)
    if not form.validate_on_submit():
        flash(_("Reload the page and try again."), "error")
        return redirect(url_for("attendance.roster", session_id=session.id))
    # Only someone this search could have found: forging the id of another trainer's participant finds nobody.
    text = search.q.data if search.validate() else ""
    participant = roster_services.returning_participant(form.participant_id.data, text, current_user)
    if participant is None:
        flash(_("This participant is not at your events. Search for them by their full phone number or card "
                "to check them in."), "error")
    else:
        result = services.check_in(session, participant, CheckInMethod.WALK_IN, form.key.data, recorded_by=current_user)
        db.session.commit()
        flash_result(result)
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
    outcome = paper.import_sheet_rows(session, rows, current_user)
    log_action(current_user, "attendance.import", session, recorded=outcome.recorded, already=outcome.already)
    db.session.commit()
    flash(sheet_outcome(ngettext("%(num)s participant recorded.", "%(num)s participants recorded.", outcome.recorded),
                        ngettext("%(num)s was already recorded.", "%(num)s were already recorded.", outcome.already),
                        outcome.already), "success")
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
        confirm.payload.data = paper.sign_rows(scope, parsed.payload(), current_app.secret_key)
    status = 400 if request.method == "POST" and parsed is None else 200
    return render_template("attendance/sheet_upload.html", event=event, session=session, form=form, parsed=parsed,
                           confirm=confirm, problems=sheets.PROBLEMS, groups=group_names(event)), status


def sheet_outcome(done: str, already: str, already_count: int) -> str:
    """What a confirmed sheet did: the rows recorded, then those recorded before, if any."""
    return f"{done} {already}" if already_count else done


def group_names(event):
    return {group.id: group.name for group in db.session.scalars(db.select(TargetGroup))}


def confirmed_rows(scope: str):
    form = SheetConfirmForm()
    payload = paper.unsign_rows(scope, form.payload.data or "", current_app.secret_key) if form.validate_on_submit() else None
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
        roster_services.register(event, participant, current_user)
        log_action(current_user, "participant.register", participant, event_id=event.id)
        db.session.commit()
        flash(_("%(name)s is registered.", name=participant.name), "success")
        return redirect(url_for("attendance.participants", event_id=event.id))
    return render_template("attendance/participants.html", event=event, form=form,
                           registered=roster_services.registered_participants(event)), 400 if form.is_submitted() else 200


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
    outcome = paper.register_sheet_rows(event, rows, current_user)
    log_action(current_user, "participant.register_sheet", event, registered=outcome.registered, already=outcome.already)
    db.session.commit()
    flash(sheet_outcome(
        ngettext("%(num)s participant registered.", "%(num)s participants registered.", outcome.registered),
        ngettext("%(num)s was already registered.", "%(num)s were already registered.", outcome.already),
        outcome.already), "success")
    return redirect(url_for("attendance.participants", event_id=event.id))


@bp.get("/events/<int:event_id>/cards")
@staff_required
def cards(event_id: int):
    event = event_for_change(event_id)
    people = {p.id: p for p in roster_services.registered_participants(event) + roster_services.event_attendees(event)}
    return render_template("attendance/cards.html", event=event,
                           cards=[(p, card_url(p)) for p in sorted(people.values(), key=lambda p: (p.name, p.id))])


@bp.route("/events/<int:event_id>/headcounts", methods=["GET", "POST"])
@staff_required
def headcounts(event_id: int):
    event = event_for_change(event_id)
    form = headcount_form(event, headcount_services.headcounts(event))
    if form.validate_on_submit():
        changes = headcount_services.set_headcounts(event, form.tallies(), current_user)
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
    table = sheets.attendance_table(services.event_attendance(event), headcount_services.headcount_rows(event))
    log_action(current_user, "attendance.export", event, format=fmt, rows=len(table.rows))
    db.session.commit()
    name = f"attendance-{event.id}-{utcnow():%Y%m%d}.{fmt}"
    if fmt == "csv":
        return send_download(b"".join(csv_bytes(table)), name, CSV_MIMETYPE)
    return send_download(b"".join(xlsx_chunks(table)), name, XLSX_MIMETYPE)
