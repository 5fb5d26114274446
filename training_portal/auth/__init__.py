"""Staff accounts, roles, login and logout."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")

from . import routes  # noqa: E402,F401  (routes attach themselves to bp)
from . import admin_routes  # noqa: E402,F401  (the audit log and settings pages)
