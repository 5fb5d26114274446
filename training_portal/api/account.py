"""The staff member's personal access tokens, on their account pages: created (shown once) and revoked."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..auth.services import log_action, staff_required
from ..extensions import db
from ..forms import ConfirmForm, Form
from ..timeutil import local_today
from . import tokens
from .models import ApiToken, TokenScope

bp = Blueprint("tokens", __name__, template_folder="templates")

SCOPE_LABELS = {TokenScope.READ: _l("Read only"), TokenScope.WRITE: _l("Read and write")}


def not_in_the_past(_form, field):
    if field.data is not None and field.data < local_today():
        raise ValidationError(_l("Choose today or a later day."))


class TokenForm(Form):
    name = StringField(_l("What it is for"), validators=[DataRequired(), Length(max=80)])
    scope = RadioField(_l("Access"), choices=list(SCOPE_LABELS.items()), default=TokenScope.READ.value,
                       validators=[DataRequired()])
    expires_on = DateField(_l("Last day it works (optional)"), validators=[Optional(), not_in_the_past])
    submit = SubmitField(_l("Create token"))


def token_page(form: TokenForm, secret: str | None = None, status: int = 200):
    return render_template("api/tokens.html", form=form, tokens=tokens.tokens_of(current_user), secret=secret,
                           confirm=ConfirmForm(), scope_labels=SCOPE_LABELS, today=local_today()), status


@bp.get("/account/tokens")
@staff_required
def token_list():
    return token_page(TokenForm(formdata=None))


@bp.post("/account/tokens")
@staff_required
def token_new():
    form = TokenForm()
    if not form.validate_on_submit():
        return token_page(form, status=400)
    token, secret = tokens.create_token(current_user, form.name.data, form.scope.data, form.expires_on.data)
    log_action(current_user, "api_token.create", token, scope=token.scope.value, expires_on=token.expires_on)
    db.session.commit()
    # Shown on this answer only: it is stored hashed, and the page is not kept by the browser (no-store).
    return token_page(TokenForm(formdata=None), secret=secret, status=201)


@bp.post("/account/tokens/<int:token_id>/revoke")
@staff_required
def token_revoke(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        tokens.revoke_token(token)
        log_action(current_user, "api_token.revoke", token)
        db.session.commit()
        flash(_("The token is revoked: it no longer works."), "success")
    return redirect(url_for("tokens.token_list"))
