"""Moving an event between servers: the event package (export, import with review)."""

from flask import Blueprint

bp = Blueprint("transfer", __name__, template_folder="templates")

from . import routes  # noqa: E402,F401  (routes attach themselves to bp)
