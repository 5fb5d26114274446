"""Accounts, password hashing and permissions."""

import json
from functools import wraps
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..timeutil import utcnow
from .models import AuditLog, Role, User

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
COMMON_PASSWORDS = frozenset(
    line.strip().lower()
    for line in (Path(__file__).with_name("common_passwords.txt")).read_text().splitlines()
    if line.strip() and not line.startswith("#")
)


def password_hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["PASSWORD_TIME_COST"],
        memory_cost=config["PASSWORD_MEMORY_COST"],
        parallelism=config["PASSWORD_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None when it is acceptable (untranslated key)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "too_short"
    if len(password) > MAX_PASSWORD_LENGTH:
        return "too_long"
    if password.lower() in COMMON_PASSWORDS:
        return "common"
    return None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def load_user_by_token(token: str) -> User | None:
    """Flask-Login's loader: the session cookie carries the account's login token."""
    try:
        return db.session.scalar(select(User).where(User.login_token == token, User.active.is_(True)))
    except SQLAlchemyError:
        db.session.rollback()
        return None


def authenticate(email: str, password: str) -> User | None:
    """The active account with this email and password, re-hashing an outdated hash."""
    user = user_by_email(email)
    hasher = password_hasher()
    if user is None or not user.active:
        # Spend the same time as a real check so that timing does not reveal accounts.
        hasher.hash(password)
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.last_login_at = utcnow()
    return user


def create_user(email: str, name: str, role: Role, password: str) -> User:
    user = User(email=normalise_email(email), name=name.strip(), role=Role(role), password_hash=hash_password(password))
    db.session.add(user)
    return user


def set_password(user: User, password: str) -> None:
    """A new password ends every existing session of the account."""
    user.password_hash = hash_password(password)
    user.end_sessions()


def set_active(user: User, active: bool) -> None:
    user.active = active
    if not active:
        user.end_sessions()


def log_action(actor: User | None, action: str, obj=None, **details) -> AuditLog:
    """Add an audit entry to the current transaction."""
    entry = AuditLog(
        user_id=actor.id if actor is not None and getattr(actor, "is_authenticated", True) else None,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        details=json.dumps(details, ensure_ascii=False, default=str) if details else "",
    )
    db.session.add(entry)
    return entry


def role_required(*roles: Role):
    """Staff view decorator: signed in with one of these roles, otherwise 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if roles and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required()
admin_required = role_required(Role.ADMIN)
