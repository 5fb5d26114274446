"""Sending a file download: one helper for every file a view sends as an attachment."""

from collections.abc import Iterable
from contextlib import nullcontext
from typing import BinaryIO

from flask import Response, current_app, request
from flask_babel import force_locale
from werkzeug.wsgi import wrap_file

from .database import reading_only


def send_download(content: bytes | BinaryIO | Iterable[bytes], name: str, mimetype: str,
                  language: str | None = None) -> Response:
    """``content`` as an attachment called ``name`` that no cache keeps (``Cache-Control: no-store``).

    ``content`` is bytes, a binary file (sent from its current position, then
    closed), or chunks produced while the response is sent (a streamed export
    read from the database cursor). Those are produced after the view has
    returned, in an application context of their own (the request's is gone by
    then), in ``language`` when given, and only read, so that on SQLite a slow
    client does not hold the write lock.
    """
    if hasattr(content, "read"):
        content = wrap_file(request.environ, content)
    elif not isinstance(content, bytes):
        content = _produced(current_app._get_current_object(), content, language)
    response = Response(content, mimetype=mimetype, headers={"Cache-Control": "no-store"},
                        direct_passthrough=not isinstance(content, bytes))
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response


def _produced(app, chunks: Iterable[bytes], language: str | None):
    # An empty first chunk before any context is entered: a server (or the test client) may ask for the
    # first chunk elsewhere than for the rest.
    yield b""
    with app.app_context(), force_locale(language) if language else nullcontext(), reading_only():
        yield from chunks
