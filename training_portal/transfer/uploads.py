"""An uploaded package kept between its preview and its confirmation, in the instance folder."""

import re
import secrets
from pathlib import Path

from flask import current_app

TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def folder() -> Path:
    path = Path(current_app.instance_path) / "event-packages"
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep(content: bytes) -> str:
    """Store the uploaded file; its token names it in the review form."""
    token = secrets.token_urlsafe(24)
    (folder() / token).write_bytes(content)
    return token


def load(token: str) -> bytes | None:
    """The file kept under ``token``, or None (a token that is not one of ours names no file)."""
    path = folder() / token
    return path.read_bytes() if TOKEN.fullmatch(token) and path.is_file() else None


def discard(token: str) -> None:
    if TOKEN.fullmatch(token):
        (folder() / token).unlink(missing_ok=True)
