"""Staff pages: download an event's package; import one (upload, review, confirm)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.models import Role
from ..auth.services import log_action, role_required, staff_required
from ..downloads import send_download
from ..events.access import event_for_change
from ..extensions import db
from ..forms import ConfirmForm
from . import bp, uploads
from .forms import PackageUploadForm, review_form
from .importing import import_package
from .package import PackageError, package_bytes, package_file_name, read_package

manager_required = role_required(Role.ADMIN, Role.MANAGER)

PACKAGE_MESSAGES = {
    "damaged": _l("The file is damaged: it could not be unpacked."),
    "too_large": _l("The file is too large to be an event package."),
    "not_json": _l("The file is not an event package: it is not JSON."),
    "not_a_package": _l("The file is not an event package of this portal."),
    "unknown_version": _l("The event package was written by another version of the portal, which this one "
                          "cannot read."),
    "invalid": _l("The event package is not valid: a wrong or missing value at %(place)s."),
    "duplicate": _l("The event package is not valid: the same record twice, at %(place)s."),
    "unknown_code": _l("The event package names something this server does not have, at %(place)s (add it to the "
                       "reference lists first)."),
}
KIND_LABELS = {
    "sessions": _l("Sessions"), "participants": _l("Participants"), "registrations": _l("Registrations"),
    "attendance": _l("Attendance"), "headcounts": _l("Headcounts"), "quizzes": _l("Quizzes"),
    "quiz_attempts": _l("Quiz attempts"),
}


def package_message(error: PackageError) -> str:
    return str(PACKAGE_MESSAGES[error.reason]) % {"place": error.place or "—"}


@bp.post("/events/<int:event_id>/package")
@staff_required
def event_package(event_id: int):
    event = event_for_change(event_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("events.event_detail", event_id=event.id))
    content = package_bytes(event)
    log_action(current_user, "event.package", event)
    db.session.commit()
    return send_download(content, package_file_name(event), "application/gzip")


@bp.route("/events/import", methods=["GET", "POST"])
@manager_required
def package_upload():
    form = PackageUploadForm()
    if form.validate_on_submit():
        content = form.package.data.read()
        try:
            result = import_package(read_package(content), current_user, apply=False)
        except PackageError as error:
            form.package.errors.append(package_message(error))
        else:
            return review_page(result, review_form(result.conflicts, fresh=True), uploads.keep(content))
    return render_template("transfer/upload.html", form=form), 400 if form.errors else 200


def review_page(result, form, token: str, status: int = 200):
    form.token.data = token
    return render_template("transfer/review.html", result=result, form=form, kinds=KIND_LABELS), status


@bp.post("/events/import/confirm")
@manager_required
def package_confirm():
    token = request.form.get("token", "")
    content = uploads.load(token)
    if content is None:
        flash(_("The uploaded package is no longer here: upload it again."), "error")
        return redirect(url_for("transfer.package_upload"))
    try:
        data = read_package(content)
        preview = import_package(data, current_user, apply=False)
        form = review_form(preview.conflicts)
        if not form.validate_on_submit():
            return review_page(preview, form, token, 400)
        result = import_package(data, current_user, resolve=form.decisions())
    except PackageError as error:  # checked at the upload; the server's records changed since
        flash(package_message(error), "error")
        return redirect(url_for("transfer.package_upload"))
    if not result.applied:  # a new conflict since the preview: review again
        return review_page(result, review_form(result.conflicts, fresh=True), token, 409)
    db.session.commit()
    uploads.discard(token)
    flash(_("Event imported: %(count)s records added.", count=sum(result.created.values())), "success")
    return redirect(url_for("events.event_detail", event_id=result.event.id))
