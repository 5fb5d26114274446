"""Program settings that admins change on /admin/settings (stored in the settings table).

Values are stored as text; each setting has a default used until an admin
stores a choice. Features keep their own typed helpers on top of these
(reports: fiscal year start month, i18n: Khmer digits, retention of personal data).
"""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db


class Setting(db.Model):
    """Admin-editable program settings (fiscal year start month, retention...)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(255))


RETENTION_MONTHS = "retention_months"
SMALL_CELL_THRESHOLD = "small_cell_threshold"

DEFAULTS = {
    # 0 means "keep personal fields until an admin chooses a period".
    RETENTION_MONTHS: "0",
    # Workbooks for outside readers show "<N" instead of counts below N (0: no suppression).
    SMALL_CELL_THRESHOLD: "5",
}


def get_setting(key: str, default: str | None = None) -> str | None:
    """The stored value of ``key``, else ``default``, else the built-in default."""
    stored = db.session.get(Setting, key)
    if stored is not None:
        return stored.value
    return default if default is not None else DEFAULTS.get(key)


def set_setting(key: str, value) -> bool:
    """Store ``value`` (as text) under ``key``; True when it changed. The caller logs and commits."""
    text = str(value)
    stored = db.session.get(Setting, key)
    if stored is None:
        db.session.add(Setting(key=key, value=text))
        return True
    if stored.value == text:
        return False
    stored.value = text
    return True


def get_int_setting(key: str, default: int = 0) -> int:
    """An integer setting; a stored value that is not a number counts as the default."""
    try:
        return int(get_setting(key, None) or default)
    except ValueError:
        return default


# --- The settings page -------------------------------------------------------------
# Each entry: the form field's name, how to read the current value, how to store a new one.
# A feature adds its setting here (and a field to auth/admin_forms.SettingsForm).


def _setting_sections():
    from .i18n import khmer_digits_setting, set_khmer_digits
    from .reports.period import fiscal_year_start_month, set_fiscal_year_start_month

    def int_setting(key):
        return (lambda: get_int_setting(key, int(DEFAULTS[key])), lambda value: set_setting(key, int(value or 0)))

    return {
        RETENTION_MONTHS: int_setting(RETENTION_MONTHS),
        SMALL_CELL_THRESHOLD: int_setting(SMALL_CELL_THRESHOLD),
        "fiscal_year_start_month": (fiscal_year_start_month, set_fiscal_year_start_month),
        "khmer_digits": (khmer_digits_setting, lambda value: set_khmer_digits(bool(value))),
    }


def program_settings() -> dict:
    """The current value of every setting on the settings page, by form field name."""
    return {name: read() for name, (read, _store) in _setting_sections().items()}


def save_program_settings(values: dict) -> dict:
    """Store the settings in ``values`` (form field name -> value); the ones that changed, old and new.

    The caller logs the changes and commits.
    """
    before = program_settings()
    sections = _setting_sections()
    for name, value in values.items():
        if name in sections:
            sections[name][1](0 if value is None and name in DEFAULTS else value)
    db.session.flush()
    after = program_settings()
    return {name: [before[name], after[name]] for name in sections if before[name] != after[name]}
