"""Errors as problem details (RFC 9457), with field-level messages in the request's language.

Marshmallow writes its messages in English; the ones our schemas can produce are listed here for the
catalogues, and each is translated when the answer is written.
"""

from http import HTTPStatus

from flask import jsonify, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

PROBLEM_TYPE = "about:blank"

# Messages from marshmallow and from our schemas, marked for extraction; translated by gettext at answer time.
FIELD_MESSAGES = [
    _l("Missing data for required field."),
    _l("Unknown field."),
    _l("Not a valid integer."),
    _l("Not a valid string."),
    _l("Not a valid date."),
    _l("Not a valid boolean."),
    _l("Not a valid mapping type."),
    _l("Not a valid list."),
    _l("Invalid input type."),
    _l("Field may not be null."),
    _l("Invalid value."),
    _l("Must be greater than or equal to {min} and less than or equal to {max}."),
    _l("Length must be between {min} and {max}."),
    _l("Shorter than minimum length {min}."),
    _l("Longer than maximum length {max}."),
    _l("Must be one of: {choices}."),
    _l("String does not match expected pattern."),
]

TITLES = {
    400: _l("Bad request"),
    401: _l("Not signed in"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Request too large"),
    415: _l("Unsupported media type"),
    422: _l("The request has invalid values"),
    429: _l("Too many requests"),
    500: _l("Server error"),
    503: _l("Service unavailable"),
}


class ApiProblem(Exception):
    """Raised by an API view or service: answered as a problem with this status, detail and field errors."""

    def __init__(self, status: int, detail, errors: dict | None = None):
        super().__init__(str(detail))
        self.status, self.detail, self.errors = status, detail, errors or {}


def is_api_request() -> bool:
    return request.path == "/api/v1" or request.path.startswith("/api/v1/")


def translated(message) -> str:
    return gettext(str(message)) if isinstance(message, str) else str(message)


def flat_errors(messages, prefix: str = "") -> dict[str, list[str]]:
    """{"walk_in": {"sex": [...]}} -> {"walk_in.sex": [...]}; list positions become path parts."""
    if isinstance(messages, (list, tuple)) and all(not isinstance(m, (dict, list)) for m in messages):
        return {prefix or "_": [translated(m) for m in messages]}
    if isinstance(messages, (str,)) or not isinstance(messages, (dict, list, tuple)):
        return {prefix or "_": [translated(messages)]}
    items = messages.items() if isinstance(messages, dict) else enumerate(messages)
    flat = {}
    for key, value in items:
        name = "_" if key == "_schema" else str(key)
        flat.update(flat_errors(value, f"{prefix}.{name}" if prefix else name))
    return flat


def problem_response(status: int, detail=None, errors: dict | None = None, headers: dict | None = None):
    title = TITLES.get(status) or HTTPStatus(status).phrase
    body = {"type": PROBLEM_TYPE, "title": str(title), "status": status,
            "detail": str(detail) if detail else str(title), "errors": errors or {}}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_http_exception(error):
    """A werkzeug HTTPException (webargs' 422 included) as a problem."""
    data = getattr(error, "data", None) or {}
    errors = {}
    messages = data.get("messages")
    if isinstance(messages, dict):
        for location_errors in messages.values():
            errors.update(flat_errors(location_errors))
    detail = TITLES.get(error.code) if error.code != 422 else _l("Correct the marked fields.")
    valid_methods = getattr(error, "valid_methods", None)
    headers = {"Allow": ", ".join(valid_methods)} if valid_methods else None
    return problem_response(error.code or 500, detail, errors, headers)
