"""Attendance: participants, QR check-in, walk-ins, paper sheets and headcounts."""

from flask import Blueprint

bp = Blueprint("attendance", __name__, template_folder="templates")

from . import participant, routes  # noqa: E402,F401  (the views register themselves on bp)
