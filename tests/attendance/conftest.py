"""The attendance tests read English pages (the participant pages default to the event's language)."""

from tests.english_pages import client, manager_client, other_trainer_client, trainer_client  # noqa: F401
