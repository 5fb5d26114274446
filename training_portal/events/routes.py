from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..attendance.counts import event_counts
from ..auth.models import Role
from ..auth.services import admin_required, log_action, staff_required
from ..extensions import db
from ..forms import ConfirmForm
from . import bp, services
from .access import event_for_change, session_for_change
from .forms import STATUS_LABELS, CancelForm, EventFieldsForm, EventFilterForm, NewEventForm, ReferenceEntryForm, SessionForm
from .models import Event


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("events/home.html", sessions=services.upcoming_sessions(current_user),
                           days=services.UPCOMING_DAYS, confirm=ConfirmForm())


@bp.route("/events")
@staff_required
def event_list():
    form = EventFilterForm(request.args)
    page = db.paginate(services.filtered_events_query(form.filters()), per_page=services.EVENTS_PER_PAGE)
    return render_template("events/list.html", form=form, page=page, status_labels=STATUS_LABELS)


@bp.route("/events/new", methods=["GET", "POST"])
@staff_required
def event_new():
    form = NewEventForm()
    if form.add_row.data or form.next_day.data:
        form.add_next_day() if form.next_day.data else form.sessions.append_entry()
        return render_template("events/form.html", form=form, event=None)
    # Check the session rows even when another field is wrong, so every message shows at once.
    valid = form.validate_on_submit()
    times = form.session_times() if form.is_submitted() else None
    duplicates = form.duplicates(times) if valid and times is not None else []
    if valid and times is not None and not duplicates:
        event = services.create_event(form.fields(), times, current_user)
        db.session.flush()
        log_action(current_user, "event.create", event, title=event.title)
        db.session.commit()
        flash(_("Event created."), "success")
        return redirect(url_for("events.event_detail", event_id=event.id))
    if not form.is_submitted() and current_user.role == Role.TRAINER:
        form.trainer_ids.data = [current_user.id]
    return render_template("events/form.html", form=form, event=None, duplicates=duplicates)


def render_event_page(event: Event, session_form=None, cancel_form=None, status: int = 200):
    """The event page, re-rendered with a form's messages when one of its forms was wrong."""
    return render_template(
        "events/detail.html", event=event, status_labels=STATUS_LABELS,
        may_change=event.can_be_changed_by(current_user), confirm=ConfirmForm(), counts=event_counts(event),
        session_form=session_form or next_session_form(event), cancel_form=cancel_form or CancelForm(),
    ), status


def next_session_form(event: Event) -> SessionForm:
    """The "Add a session" form, filled with the day after the last session at the same hours."""
    if not event.sessions:
        return SessionForm()
    last = event.sessions[-1]
    following = services.next_day(services.SessionTimes(last.local_start.date(), last.local_start.time(),
                                                        last.local_end.time()))
    return SessionForm(formdata=None, day=following.day, start=following.start, end=following.end)


@bp.route("/events/<int:event_id>")
@staff_required
def event_detail(event_id: int):
    return render_event_page(db.get_or_404(Event, event_id))


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@staff_required
def event_edit(event_id: int):
    event = event_for_change(event_id)
    form = EventFieldsForm(obj=event, event=event)
    if request.method == "GET":
        form.target_group_ids.data = [group.id for group in event.target_groups]
        form.trainer_ids.data = [user.id for user in event.trainers]
        form.language.data = event.language.value
    if form.validate_on_submit():
        services.apply_event_fields(event, form.fields())
        log_action(current_user, "event.update", event, title=event.title)
        db.session.commit()
        flash(_("Event saved."), "success")
        return redirect(url_for("events.event_detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=event)


@bp.post("/events/<int:event_id>/sessions")
@staff_required
def session_add(event_id: int):
    event = event_for_change(event_id)
    form = SessionForm()
    if form.validate_on_submit() and (times := form.times()):
        session = services.add_session(event, times)
        db.session.flush()
        log_action(current_user, "session.create", session, event_id=event.id)
        db.session.commit()
        flash(_("Session added."), "success")
        return redirect(url_for("events.event_detail", event_id=event.id))
    return render_event_page(event, session_form=form, status=400)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@staff_required
def session_edit(session_id: int):
    session = session_for_change(session_id)
    form = SessionForm()
    if request.method == "GET":
        form.day.data, form.start.data = session.local_start.date(), session.local_start.time()
        form.end.data = session.local_end.time()
    if form.validate_on_submit() and (times := form.times()):
        services.update_session(session, times)
        log_action(current_user, "session.update", session, event_id=session.event_id)
        db.session.commit()
        flash(_("Session saved."), "success")
        return redirect(url_for("events.event_detail", event_id=session.event_id))
    return render_template("events/session_form.html", form=form, session=session)


@bp.post("/sessions/<int:session_id>/remove")
@staff_required
def session_remove(session_id: int):
    session = session_for_change(session_id)
    event_id = session.event_id
    if ConfirmForm().validate_on_submit():
        if services.remove_session(session):
            log_action(current_user, "session.remove", None, session_id=session_id, event_id=event_id)
            db.session.commit()
            flash(_("Session removed."), "success")
        else:
            flash(_("This session has attendance records, so it cannot be removed."), "error")
    return redirect(url_for("events.event_detail", event_id=event_id))


@bp.post("/events/<int:event_id>/complete")
@staff_required
def event_complete(event_id: int):
    event = event_for_change(event_id)
    if ConfirmForm().validate_on_submit():
        services.mark_completed(event)
        log_action(current_user, "event.complete", event)
        db.session.commit()
        flash(_("Event marked as completed."), "success")
    return redirect(url_for("events.event_detail", event_id=event.id))


@bp.post("/events/<int:event_id>/cancel")
@staff_required
def event_cancel(event_id: int):
    event = event_for_change(event_id)
    form = CancelForm()
    if form.validate_on_submit():
        services.cancel_event(event, form.reason.data)
        log_action(current_user, "event.cancel", event, reason=event.cancel_reason)
        db.session.commit()
        flash(_("Event cancelled."), "success")
        return redirect(url_for("events.event_detail", event_id=event.id))
    return render_event_page(event, cancel_form=form, status=400)


@bp.post("/events/<int:event_id>/reopen")
@staff_required
def event_reopen(event_id: int):
    event = event_for_change(event_id)
    if ConfirmForm().validate_on_submit():
        services.reopen_event(event)
        log_action(current_user, "event.reopen", event)
        db.session.commit()
        flash(_("Event is planned again."), "success")
    return redirect(url_for("events.event_detail", event_id=event.id))


def reference_list_or_404(kind: str):
    if kind not in services.REFERENCE_LISTS:
        abort(404)
    return services.REFERENCE_LISTS[kind][0]


@bp.route("/admin/lists/<kind>", methods=["GET", "POST"])
@admin_required
def reference_list(kind: str):
    model = reference_list_or_404(kind)
    form = ReferenceEntryForm()
    if form.validate_on_submit():
        entry = model(code=services.new_reference_code(model, form.name_en.data))
        form.populate_obj(entry)
        db.session.add(entry)
        db.session.flush()
        log_action(current_user, "reference.create", entry, name=entry.name_en)
        db.session.commit()
        flash(_("Entry added."), "success")
        return redirect(url_for("events.reference_list", kind=kind))
    entries = db.session.scalars(db.select(model).order_by(model.sort_order, model.name_en)).all()
    return render_template("events/reference_list.html", kind=kind, entries=entries, form=form,
                           confirm=ConfirmForm(), lists=services.REFERENCE_LISTS)


@bp.route("/admin/lists/<kind>/<int:entry_id>", methods=["GET", "POST"])
@admin_required
def reference_edit(kind: str, entry_id: int):
    entry = db.get_or_404(reference_list_or_404(kind), entry_id)
    form = ReferenceEntryForm(obj=entry)
    if form.validate_on_submit():
        form.populate_obj(entry)
        log_action(current_user, "reference.update", entry, name=entry.name_en, active=entry.active)
        db.session.commit()
        flash(_("Entry saved."), "success")
        return redirect(url_for("events.reference_list", kind=kind))
    return render_template("events/reference_edit.html", kind=kind, entry=entry, form=form, confirm=ConfirmForm(),
                           in_use=services.reference_entry_in_use(entry))


@bp.post("/admin/lists/<kind>/<int:entry_id>/delete")
@admin_required
def reference_delete(kind: str, entry_id: int):
    entry = db.get_or_404(reference_list_or_404(kind), entry_id)
    if ConfirmForm().validate_on_submit():
        name = entry.name_en
        if services.delete_reference_entry(entry):
            log_action(current_user, "reference.delete", None, kind=kind, name=name)
            db.session.commit()
            flash(_("Entry deleted."), "success")
        else:
            flash(_("This entry is in use, so it can only be deactivated."), "error")
    return redirect(url_for("events.reference_list", kind=kind))
