"""Staff accounts and the audit log."""

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db, enum_column_type
from ..timeutil import utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    TRAINER = "trainer"


def new_login_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[Role] = mapped_column(enum_column_type(Role, "role"))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    # Changing the token ends every session of this account (logout, disable,
    # password change): the session cookie carries the token, not the id.
    login_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_login_token)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def sees_all_events(self) -> bool:
        """Managers and admins may view and change every event."""
        return self.role in (Role.ADMIN, Role.MANAGER)

    def get_id(self) -> str:
        return self.login_token

    def end_sessions(self) -> None:
        self.login_token = new_login_token()

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class AuditLog(db.Model):
    """Who created, changed, removed or exported what, and when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    details: Mapped[str] = mapped_column(sa.Text, default="")

    user: Mapped[User | None] = relationship()

