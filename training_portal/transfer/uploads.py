"""An uploaded package kept between its preview and its confirmation, in the instance folder."""

import re
import secrets
import time
from pathlib import Path

from flask import current_app

TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
KEPT_SECONDS = 24 * 3600  # a preview left without confirmation is removed the next day


def folder() -> Path:
    path = Path(current_app.instance_path) / "event-packages"
    path.mkdir(parents=True, exist_ok=True)
    return path


def remove_stale() -> None:
    for path in folder().iterdir():
        if path.stat().st_mtime < time.time() - KEPT_SECONDS:
            path.unlink(missing_ok=True)


def keep(content: bytes) -> str:
    """Store the uploaded file; its token names it in the review form."""
    remove_stale()
    token = secrets.token_urlsafe(24)
    (folder() / token).write_bytes(content)
    return token


def load(token: str) -> bytes | None:
    """The file kept under ``token``, or None (a token that is not one of ours names no file)."""
    remove_stale()
    path = folder() / token
    return path.read_bytes() if TOKEN.fullmatch(token) and path.is_file() else None


def discard(token: str) -> None:
    if TOKEN.fullmatch(token):
        (folder() / token).unlink(missing_ok=True)
