"""Gzip for text responses: participants' phones fetch the pages over slow mobile data.

Only whole bodies are compressed. A streamed response (a csv download read
from the database as it is sent) is left alone, so that its first bytes still
leave at once; static files (css, js, svg) are read and compressed, small as
they are. Browsers send ``Accept-Encoding: gzip`` and undo it transparently.
"""

import gzip

from flask import Flask, request

COMPRESSIBLE_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")
MINIMUM_BYTES = 500  # below this the gzip header costs more than it saves
MAXIMUM_STATIC_BYTES = 512 * 1024
LEVEL = 6


def should_compress(response) -> bool:
    if response.status_code != 200 or "Content-Encoding" in response.headers:
        return False
    if not (response.mimetype or "").startswith(COMPRESSIBLE_TYPES):
        return False
    if "gzip" not in request.accept_encodings:
        return False
    if response.direct_passthrough:  # a file from send_file: only small static files
        return response.content_length is not None and MINIMUM_BYTES <= response.content_length <= MAXIMUM_STATIC_BYTES
    return not response.is_streamed


def init_app(app: Flask) -> None:
    @app.after_request
    def compress(response):
        response.vary.add("Accept-Encoding")
        if not should_compress(response):
            return response
        response.direct_passthrough = False
        data = response.get_data()
        if len(data) < MINIMUM_BYTES:
            return response
        response.set_data(gzip.compress(data, compresslevel=LEVEL, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
        etag = response.headers.get("ETag")
        if etag and not etag.startswith("W/"):
            # The compressed body is another representation of the same content.
            response.headers["ETag"] = "W/" + etag
        return response
