"""Personal access tokens for the JSON API."""

import enum
import hashlib
import secrets
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..extensions import db, enum_column_type
from ..timeutil import utcnow

TOKEN_PREFIX = "tp_"


class TokenScope(enum.StrEnum):
    READ = "read"
    WRITE = "write"


def new_token_secret() -> str:
    """What the staff member sees once: 256 random bits with a recognisable prefix."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(secret: str) -> str:
    """Only this is stored: a random secret needs no slow hash."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scope: Mapped[TokenScope] = mapped_column(enum_column_type(TokenScope, "token_scope"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_on: Mapped[date | None]  # the last day it works (local date), none: until revoked
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def is_usable_on(self, today: date) -> bool:
        return self.revoked_at is None and (self.expires_on is None or today <= self.expires_on)

    @property
    def allows_writes(self) -> bool:
        return self.scope == TokenScope.WRITE
