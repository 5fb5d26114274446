"""Configuration defaults, overridden by instance/config.py and the environment.

Order of precedence (later wins): these defaults, ``instance/config.py``,
environment variables, and the ``test_config`` passed to ``create_app``.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

ENVIRONMENT_KEYS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "RATELIMIT_STORAGE_URI",
    "TIMEZONE",
    "TRUSTED_PROXIES",
)

WEAK_SECRET_KEYS = {"", "dev", "secret", "changeme", "change-me", "development"}
MIN_SECRET_KEY_LENGTH = 32


class Defaults:
    """Settings every deployment starts from."""

    TIMEZONE = "Asia/Phnom_Penh"
    LANGUAGES = ("km", "en")
    BABEL_DEFAULT_LOCALE = "km"
    BABEL_DEFAULT_TIMEZONE = "Asia/Phnom_Penh"
    # Khmer digits (០១២...) for dates and numbers on Khmer pages, until an admin
    # stores the program's own choice (Setting "khmer_digits").
    KHMER_DIGITS = False

    # A pooled connection is checked before each use and replaced when the database went away
    # (a restart, a dropped link), so that the request using it does not fail.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Staff sessions end after this much inactivity (the cookie is re-signed on
    # every request, so activity keeps it alive).
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    SESSION_REFRESH_EACH_REQUEST = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set to True in production by create_app

    # Participants' quizzes can take a long time on a slow phone: the CSRF token
    # lives as long as the signed cookie it is checked against.
    WTF_CSRF_TIME_LIMIT = None

    MAX_CONTENT_LENGTH = 4 * 1024 * 1024

    # Static files (css, js, the Khmer font) are reused from the phone's cache for an
    # hour instead of being asked for again on every page (400 ms each on 3G).
    SEND_FILE_MAX_AGE_DEFAULT = timedelta(hours=1)

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "fixed-window"
    LOGIN_RATE_LIMIT = "10 per minute"
    API_RATE_LIMIT = "120 per minute"  # per personal access token (see README, "The JSON API")

    # argon2id parameters (RFC 9106 second recommendation); tests lower them.
    PASSWORD_TIME_COST = 3
    PASSWORD_MEMORY_COST = 64 * 1024
    PASSWORD_PARALLELISM = 4

    PRODUCTION = False

    # How many reverse proxies (nginx, a load balancer) stand in front of gunicorn. With 1, the
    # client's address and scheme are taken from the proxy's X-Forwarded-For/-Proto headers, so that
    # per-address login limits count people, not the proxy; with 0 those headers are ignored (they
    # could be forged).
    TRUSTED_PROXIES = 0


def instance_secret_key(instance_path: str) -> str:
    """Return the SECRET_KEY kept in the instance folder, creating it on first use."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def environment_overrides() -> dict:
    """Settings given by environment variables."""
    values = {key: os.environ[key] for key in ENVIRONMENT_KEYS if os.environ.get(key)}
    if os.environ.get("TRAINING_PORTAL_PRODUCTION", "").lower() in {"1", "true", "yes"}:
        values["PRODUCTION"] = True
    return values


def is_weak_secret_key(key: str | None) -> bool:
    """True when a key is missing, a well-known placeholder, or too short."""
    return not key or key.lower() in WEAK_SECRET_KEYS or len(key) < MIN_SECRET_KEY_LENGTH
