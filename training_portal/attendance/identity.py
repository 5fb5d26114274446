"""Who a returning participant is on a phone that does not remember them: their phone number and the
personal code on their card, both (a phone number alone names nobody). See SECURITY.md."""

from sqlalchemy import select

from ..extensions import db
from .models import Participant


def participant_by_phone_and_code(phone: str | None, personal_code: str | None) -> Participant | None:
    """The participant (not anonymised) with this phone number and personal code; None when either is
    wrong, so that a phone number alone names nobody."""
    code = (personal_code or "").strip().upper()
    if not phone or len(code) != 6:
        return None
    return db.session.scalar(
        select(Participant)
        .where(Participant.phone == phone, Participant.personal_code == code, Participant.anonymised_at.is_(None))
        .order_by(Participant.id.desc())
        .limit(1)
    )
