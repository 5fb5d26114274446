"""Reference lists, events and sessions."""

from flask import Blueprint

bp = Blueprint("events", __name__, template_folder="templates")

from . import routes  # noqa: E402,F401  (routes attach themselves to bp)
