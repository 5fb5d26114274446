"""Creating and revoking personal access tokens (the account page's service)."""

from datetime import date

from sqlalchemy import select

from ..auth.models import User
from ..extensions import db
from ..timeutil import utcnow
from .models import ApiToken, TokenScope, new_token_secret, token_hash


def create_token(user: User, name: str, scope: TokenScope | str, expires_on: date | None = None) -> tuple[ApiToken, str]:
    """A new token and its secret, which is shown once and never stored (only its hash is)."""
    secret = new_token_secret()
    token = ApiToken(user=user, name=name.strip(), scope=TokenScope(scope), expires_on=expires_on,
                     token_hash=token_hash(secret))
    db.session.add(token)
    db.session.flush()
    return token, secret


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first (revoked ones too, marked so)."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))
