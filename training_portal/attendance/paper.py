"""Paper sheets: the rows of a filled-in sign-in or registration sheet, recorded or registered once.

The rows go from the preview to the confirmation signed (:func:`sign_rows`), so they cannot be altered
between the two.
"""

from dataclasses import dataclass, field

from itsdangerous import BadSignature, URLSafeSerializer

from ..auth.models import User
from ..events.models import Event, Session
from .models import AgeBand, CheckInMethod, Participant, Sex
from .roster import register, registered_participants
from .services import ParticipantFields, attendance_by_key, check_in, participant_by_phone


@dataclass
class ImportOutcome:
    recorded: int = 0
    already: int = 0
    registered: int = 0
    problems: list = field(default_factory=list)


def import_sheet_rows(session: Session, rows: list, staff: User | None) -> ImportOutcome:
    """Record the valid rows of a paper sign-in sheet (the caller commits them together).

    Each row carries a deterministic key (see SheetRow.import_key), so a sheet
    uploaded twice records nobody twice. A row with the phone number of a
    known participant is that participant.
    """
    outcome = ImportOutcome()
    for row in rows:
        key = row.import_key(session.id)
        if attendance_by_key(key) is not None:
            outcome.already += 1
            continue
        fields = row.participant_fields()
        participant = participant_by_phone(fields.phone) or fields.new_participant()
        result = check_in(session, participant, CheckInMethod.IMPORT, "", recorded_by=staff, stored_key=key)
        if result.recorded:
            outcome.recorded += 1
        else:
            outcome.already += 1
    return outcome


def register_sheet_rows(event: Event, rows: list, staff: User | None) -> ImportOutcome:
    """Register the rows of a sheet for an event in advance; a row registered before is skipped."""
    outcome = ImportOutcome()
    registered = registered_participants(event)
    for row in rows:
        fields = row.participant_fields()
        participant = participant_by_phone(fields.phone)
        if participant is None:
            twins = [p for p in registered if same_person(p, fields)]
            if len(twins) > row.occurrence:
                outcome.already += 1
                continue
            participant = fields.new_participant()
        elif any(p.id == participant.id for p in registered):
            outcome.already += 1
            continue
        register(event, participant, staff)
        registered.append(participant)
        outcome.registered += 1
    return outcome


def same_person(participant: Participant, fields: ParticipantFields) -> bool:
    """A registered participant without a phone that matches a sheet row in every field."""
    return (
        participant.phone is None and not fields.phone
        and " ".join(participant.name.split()).casefold() == " ".join(fields.name.split()).casefold()
        and participant.sex == Sex(fields.sex) and participant.age_band == AgeBand(fields.age_band)
        and participant.target_group_id == fields.target_group_id
        and participant.organisation.casefold() == fields.organisation.strip().casefold()
    )


def sign_rows(scope: str, payload: list[dict], secret_key: str) -> str:
    """The rows of a preview, signed for ``scope`` (a session or an event)."""
    return URLSafeSerializer(secret_key, salt="attendance-sheet").dumps({"scope": scope, "rows": payload})


def unsign_rows(scope: str, token: str, secret_key: str) -> list[dict] | None:
    """The rows signed for this scope, or None when the token was altered or is for another scope."""
    try:
        data = URLSafeSerializer(secret_key, salt="attendance-sheet").loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("scope") != scope:
        return None
    return data.get("rows")
