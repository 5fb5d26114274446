"""Admin pages: the audit log and the program settings."""

from datetime import time, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..settings import program_settings, save_program_settings
from ..timeutil import local_to_utc
from . import bp
from .admin_forms import AuditFilterForm, SettingsForm
from .models import AuditLog
from .services import admin_required, log_action

AUDIT_PER_PAGE = 50
MIDNIGHT = time(0, 0)


def audit_query(form: AuditFilterForm):
    """The audit entries matching the valid filters of ``form``, newest first."""
    query = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    if not form.validate():
        return query
    if form.user.data == -1:
        query = query.where(AuditLog.user_id.is_(None))
    elif form.user.data:
        query = query.where(AuditLog.user_id == form.user.data)
    if form.action.data:
        query = query.where(AuditLog.action == form.action.data)
    if form.object_type.data:
        query = query.where(AuditLog.object_type == form.object_type.data)
    if form.date_from.data:
        query = query.where(AuditLog.at >= local_to_utc(form.date_from.data, MIDNIGHT))
    if form.date_to.data:
        query = query.where(AuditLog.at < local_to_utc(form.date_to.data + timedelta(days=1), MIDNIGHT))
    return query


@bp.route("/admin/audit")
@admin_required
def audit_log():
    form = AuditFilterForm(request.args)
    page = db.paginate(audit_query(form), per_page=AUDIT_PER_PAGE, error_out=False)
    return render_template("auth/audit_log.html", form=form, page=page)


@bp.route("/admin/settings", methods=["GET", "POST"])
@admin_required
def settings():
    form = SettingsForm(data=program_settings())
    if form.validate_on_submit():
        changed = save_program_settings({name: form[name].data for name in program_settings()})
        if changed:
            log_action(current_user, "settings.update", None, **changed)
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for("auth.settings"))
    return render_template("auth/settings.html", form=form), 400 if form.errors else 200
