"""The participant's phone remembers who they are with a cookie holding their card code.

The card code is the 128-bit secret of the personal QR card, so the cookie
needs no signature; it is HttpOnly and, in production, Secure.
"""

from flask import current_app, request

from .models import Participant
from .services import participant_by_card

PARTICIPANT_COOKIE = "participant"
TWO_YEARS = 2 * 365 * 24 * 3600


def remembered_participant() -> Participant | None:
    """The participant this phone checked in as before, if any."""
    return participant_by_card(remembered_card())


def remembered_card() -> str | None:
    """The card code this phone remembers, if any (not checked against the database)."""
    code = request.cookies.get(PARTICIPANT_COOKIE)
    return code if code and len(code) <= 64 else None


def remember_participant(response, participant: Participant):
    response.set_cookie(
        PARTICIPANT_COOKIE,
        participant.card_code,
        max_age=TWO_YEARS,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def forget_participant(response):
    response.delete_cookie(PARTICIPANT_COOKIE)
    return response
