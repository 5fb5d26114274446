"""The JSON API, /api/v1: flask-smorest views whose marshmallow schemas validate the requests and
generate the OpenAPI document at /api/v1/openapi.json."""

from flask_smorest import Api, Blueprint

from .schemas import ProblemSchema

bp = Blueprint("api", __name__, url_prefix="/api/v1", description="Training Portal JSON API")


class PortalApi(Api):
    ERROR_SCHEMA = ProblemSchema  # every error is problem+json (see problems.py)


api = PortalApi()


API_SETTINGS = {
    "API_TITLE": "Training Portal API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "components": {"securitySchemes": {
            "token": {"type": "http", "scheme": "bearer", "description": "a personal access token"},
            "session": {"type": "apiKey", "in": "cookie", "name": "session",
                        "description": "the staff session of the browser; writes need the X-CSRFToken header"},
        }},
        "security": [{"token": []}, {"session": []}],
    },
}

from . import read_routes, routes  # noqa: E402,F401  (the views register themselves on bp)


def init_app(app) -> None:
    from ..extensions import csrf

    for name, value in API_SETTINGS.items():
        app.config.setdefault(name, value)
    from . import account, docs

    api.init_app(app)
    api.register_blueprint(bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(docs.bp)
    csrf.exempt(bp)  # a token request needs no CSRF token; a session request is checked in access.authenticate
