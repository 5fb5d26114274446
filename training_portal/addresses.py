"""The addresses the portal gives out: links in QR codes and on posters, static files' names.

With ``BASE_URL`` set (``https://portal.example.org``, or ``http://10.42.0.1:5000`` on a field
laptop's hotspot), every address a phone is meant to open starts with it, whatever address the
trainer's own browser used (``127.0.0.1`` on a poster is useless to a phone). Without it, the
address of the request is used.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, url_for


def public_url(endpoint: str, **values) -> str:
    """The full address of ``endpoint`` as a phone should open it."""
    base = (current_app.config.get("BASE_URL") or "").rstrip("/")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


@lru_cache(maxsize=512)
def _content_version(path: str, modified: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_version(static_folder: str, filename: str) -> str | None:
    """The start of a static file's sha256: a new name (``?v=``) whenever its content changes."""
    path = Path(static_folder) / filename
    try:
        return _content_version(str(path), path.stat().st_mtime)
    except OSError:
        return None


def init_app(app: Flask) -> None:
    @app.url_defaults
    def versioned_static_files(endpoint: str, values: dict) -> None:
        # A static file's address changes with its content, so that nginx may let phones keep it
        # for a year (deploy/nginx/training-portal.conf) and a new release is still fetched at once.
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = static_version(app.static_folder, values["filename"])
            if version:
                values["v"] = version

    app.jinja_env.globals["public_url"] = public_url
