from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from ..extensions import db, limiter
from ..forms import ConfirmForm
from ..i18n import LANGUAGE_COOKIE, ONE_YEAR
from ..redirects import local_path
from . import bp, services
from .forms import ChangePasswordForm, EditUserForm, LanguageForm, LoginForm, NewUserForm, SetPasswordForm
from .models import Role, User
from .services import admin_required


def login_email_key() -> str:
    return "login-account:" + services.normalise_email(request.form.get("email", ""))


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def safe_next_url() -> str:
    return local_path(request.args.get("next")) or url_for("events.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@limiter.limit(login_limit, methods=["POST"], key_func=login_email_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("events.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            flash(_("Email or password is not correct."), "error")
        else:
            db.session.commit()
            login_user(user)
            session.permanent = True
            return redirect(safe_next_url())
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    if ConfirmForm().validate_on_submit():
        current_user.end_sessions()
        db.session.commit()
        logout_user()
        flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
def set_language():
    form = LanguageForm()
    response = redirect(safe_back_url())
    if form.validate_on_submit():
        response.set_cookie(LANGUAGE_COOKIE, form.language.data, max_age=ONE_YEAR, samesite="Lax", httponly=True)
    return response


def safe_back_url() -> str:
    return local_path(request.form.get("next")) or url_for("events.home")


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if services.authenticate(current_user.email, form.current.data) is None:
            form.current.errors.append(_("The current password is not correct."))
        else:
            services.set_password(current_user, form.password.data)
            services.log_action(current_user, "password.change", current_user)
            db.session.commit()
            login_user(current_user)
            flash(_("Your password is changed. Other devices are logged out."), "success")
            return redirect(url_for("events.home"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/admin/staff")
@admin_required
def staff_list():
    users = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("auth/staff_list.html", users=users, form=ConfirmForm())


@bp.route("/admin/staff/new", methods=["GET", "POST"])
@admin_required
def staff_new():
    form = NewUserForm()
    if form.validate_on_submit():
        user = services.create_user(form.email.data, form.name.data, Role(form.role.data), form.password.data)
        db.session.flush()
        services.log_action(current_user, "user.create", user, email=user.email, role=user.role.value)
        db.session.commit()
        flash(_("Account %(email)s added.", email=user.email), "success")
        return redirect(url_for("auth.staff_list"))
    return render_template("auth/staff_form.html", form=form)


@bp.route("/admin/staff/<int:user_id>", methods=["GET", "POST"])
@admin_required
def staff_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = EditUserForm(obj=user)
    if form.validate_on_submit():
        user.name = form.name.data.strip()
        user.role = Role(form.role.data)
        services.log_action(current_user, "user.update", user, role=user.role.value)
        db.session.commit()
        flash(_("Account %(email)s saved.", email=user.email), "success")
        return redirect(url_for("auth.staff_list"))
    return render_template(
        "auth/staff_edit.html", user=user, form=form, password_form=SetPasswordForm(), confirm=ConfirmForm()
    )


@bp.post("/admin/staff/<int:user_id>/password")
@admin_required
def staff_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = SetPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        services.log_action(current_user, "user.reset_password", user)
        db.session.commit()
        flash(_("New password set for %(email)s.", email=user.email), "success")
        return redirect(url_for("auth.staff_list"))
    return render_template(
        "auth/staff_edit.html", user=user, form=EditUserForm(obj=user), password_form=form, confirm=ConfirmForm()
    ), 400


@bp.post("/admin/staff/<int:user_id>/active")
@admin_required
def staff_toggle_active(user_id: int):
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        if user.id == current_user.id:
            flash(_("You cannot disable your own account."), "error")
        else:
            services.set_active(user, not user.active)
            services.log_action(current_user, "user.enable" if user.active else "user.disable", user)
            db.session.commit()
            flash(_("Account %(email)s enabled.", email=user.email) if user.active
                  else _("Account %(email)s disabled.", email=user.email), "success")
    return redirect(url_for("auth.staff_list"))
