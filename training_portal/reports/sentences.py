"""The annual-report sentences, in the NGO's own words, generated from the table by event type."""

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from ..events.models import EventType
from ..extensions import db
from ..spreadsheets import Table
from .period import ReportFilters, period_label

GUEST_SPEAKER_TYPE = "guest_speaker"


def _number(value: int) -> str:
    return format_decimal(value)


def event_type_phrase(entry: EventType, number: int) -> str:
    """"7 awareness raising events", in the report's own words for the standard event types."""
    num = _number(number)
    phrases = {
        "awareness": lambda: ngettext("%(count)s awareness raising event", "%(count)s awareness raising events",
                                      number, count=num),
        "training": lambda: ngettext("%(count)s training activity", "%(count)s training activities", number, count=num),
        "workshop": lambda: ngettext("%(count)s workshop", "%(count)s workshops", number, count=num),
        "informant": lambda: ngettext("%(count)s informant discussion", "%(count)s informant discussions",
                                      number, count=num),
        "online_safety": lambda: ngettext("%(count)s online safety session", "%(count)s online safety sessions",
                                          number, count=num),
    }
    if entry.code in phrases:
        return phrases[entry.code]()
    return ngettext("%(count)s event of the type “%(name)s”", "%(count)s events of the type “%(name)s”",
                    number, count=num, name=entry.name)


def join_phrases(phrases: list[str]) -> str:
    if len(phrases) == 1:
        return phrases[0]
    return _("%(list)s and %(last)s", list=", ".join(phrases[:-1]), last=phrases[-1])


def annual_report_sentences(filters: ReportFilters, by_type: Table) -> list[str]:
    """The annual-report sentences of the period, generated from the table by event type.

    "In 2015, 1,066 participants attended 7 awareness raising events, ..." over
    the NGO's own events, and "Invited to be a guest speaker at 10
    government-led events with 377 participants." for guest speaking.
    """
    entries = {entry.id: entry for entry in db.session.scalars(select(EventType))}
    own_events = own_participants = 0
    phrases, sentences = [], []
    guest = None
    for type_id, row in zip(by_type.extra["ids"], by_type.rows):
        entry, events, participants = entries[type_id], row[1], row[2]
        if entry.code == GUEST_SPEAKER_TYPE:
            guest = (events, participants)
            continue
        own_events += events
        own_participants += participants
        if events:
            phrases.append(event_type_phrase(entry, events))
    period = period_label(filters.period)
    if phrases:
        sentences.append(ngettext(
            "In %(period)s, %(count)s participant attended %(events)s.",
            "In %(period)s, %(count)s participants attended %(events)s.",
            own_participants, count=_number(own_participants), period=period, events=join_phrases(phrases),
        ))
    if guest and guest[0]:
        sentences.append(ngettext(
            "Invited to be a guest speaker at %(count)s government-led event with %(participants)s participants.",
            "Invited to be a guest speaker at %(count)s government-led events with %(participants)s participants.",
            guest[0], count=_number(guest[0]), participants=_number(guest[1]),
        ))
    if not sentences:
        sentences.append(_("In %(period)s, no events were recorded.", period=period))
    return sentences
