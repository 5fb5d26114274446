"""Training Portal: events, QR check-in, pre/post quizzes and program metrics."""

import os

from flask import Flask, jsonify, render_template, request
from werkzeug.routing import IntegerConverter

from . import config
from .database import database_answers, init_engine
from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .i18n import select_locale

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "font-src 'self'; media-src 'self' blob:; connect-src 'self'; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
}


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` in every route: ids beyond a 64-bit integer match no route (404), as no row has them."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(url_map, *args, **kwargs)


def create_app(test_config: dict | None = None) -> Flask:
    from .log_redaction import install_log_redaction

    install_log_redaction()  # before anything logs: no password, token or phone number in any log line
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = DatabaseIdConverter
    load_config(app, test_config)
    trust_proxies(app)
    register_compression(app)  # first registered, so it runs after every other after_request function
    register_extensions(app)
    register_blueprints(app)
    register_security_headers(app)
    register_error_handlers(app)
    register_addresses(app)
    register_template_helpers(app)
    register_commands(app)
    register_health_check(app)
    return app


def load_config(app: Flask, test_config: dict | None) -> None:
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_object(config.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config.environment_overrides())
    if test_config:
        app.config.update(test_config)

    database_url = app.config.get("DATABASE_URL") or f"sqlite:///{os.path.join(app.instance_path, 'portal.db')}"
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", database_url)
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]

    if app.config["PRODUCTION"]:
        if config.is_weak_secret_key(app.config.get("SECRET_KEY")):
            raise RuntimeError("Refusing to start in production without a strong SECRET_KEY (32+ characters).")
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
    elif not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.instance_secret_key(app.instance_path)


def register_compression(app: Flask) -> None:
    from . import compression

    compression.init_app(app)


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address and scheme from their headers."""
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def register_extensions(app: Flask) -> None:
    # Every model module, so that the metadata (and Alembic) sees all tables.
    from .api import models as _api_models  # noqa: F401
    from .attendance import models as _attendance_models  # noqa: F401
    from .auth import models as _auth_models  # noqa: F401
    from .events import models as _event_models  # noqa: F401
    from .quizzes import models as _quiz_models  # noqa: F401
    from . import settings as _settings  # noqa: F401

    db.init_app(app)
    init_engine(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_timezone=app.config["TIMEZONE"])
    limiter.init_app(app)
    login_manager.init_app(app)

    from .auth import services as auth_services

    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.user_loader(auth_services.load_user_by_token)


def register_blueprints(app: Flask) -> None:
    from .attendance import bp as attendance_bp
    from .auth import bp as auth_bp
    from .events import bp as events_bp
    from .offline import bp as offline_bp
    from .quizzes import bp as quizzes_bp
    from .reports import bp as reports_bp
    from .transfer import bp as transfer_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(attendance_bp)
    app.register_blueprint(quizzes_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(transfer_bp)
    app.register_blueprint(offline_bp)

    from . import api

    api.init_app(app)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response):
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        # Pages and downloads hold personal data: no browser or proxy keeps a copy. A download is
        # never public, even when sent with send_file (which would mark it cacheable for an hour);
        # static files keep their own caching.
        if response.headers.get("Content-Disposition", "").startswith("attachment"):
            response.headers["Cache-Control"] = "no-store"
        elif request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        if app.config["PRODUCTION"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def register_error_handlers(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError
    from sqlalchemy.exc import DataError, OperationalError
    from werkzeug.exceptions import HTTPException

    from .api import problems

    def error_page(status: int, error=None):
        if problems.is_api_request():
            return problems.from_http_exception(error) if error is not None else problems.problem_response(status)
        return render_template("error.html", status=status), status

    @app.errorhandler(problems.ApiProblem)
    def api_problem(error):
        db.session.rollback()
        return problems.problem_response(error.status, error.detail, error.errors)

    @app.errorhandler(HTTPException)
    def other_http_error(error):
        # The API answers every error as a problem; pages keep werkzeug's answer for the rest.
        return problems.from_http_exception(error) if problems.is_api_request() else error

    # Flask-Limiter adds Retry-After to a 429 itself (RATELIMIT_HEADERS_ENABLED).
    for status in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(status, lambda error, status=status: error_page(status, error))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if problems.is_api_request():
            return problems.problem_response(400, error.description)
        return render_template("error.html", status=400, csrf_expired=True), 400

    @app.errorhandler(DataError)
    def value_the_database_refuses(_error):
        # A value no form check caught (a NUL character, a number too large for its column):
        # nothing of the request is written, and the person is asked to check what they entered.
        db.session.rollback()
        app.logger.warning("request refused by the database: invalid value")
        if problems.is_api_request():
            return problems.problem_response(400)
        return render_template("error.html", status=400), 400

    @app.errorhandler(OperationalError)
    def database_unavailable(_error):
        db.session.rollback()
        app.logger.error("database unavailable")
        if problems.is_api_request():
            return problems.problem_response(503)
        return render_template("error.html", status=503), 503

    @app.errorhandler(500)
    def internal_error(_error):
        db.session.rollback()
        if problems.is_api_request():
            return problems.problem_response(500)
        return render_template("error.html", status=500), 500


def register_addresses(app: Flask) -> None:
    from . import addresses

    addresses.init_app(app)


def register_template_helpers(app: Flask) -> None:
    from . import templating

    templating.init_app(app)


def register_commands(app: Flask) -> None:
    from . import cli

    cli.init_app(app)


def register_health_check(app: Flask) -> None:
    @app.get("/healthz")
    def healthz():
        if database_answers():
            return jsonify(status="ok")
        return jsonify(status="unavailable"), 503
