"""Quizzes."""

from flask import Blueprint

bp = Blueprint("quizzes", __name__, template_folder="templates")

from . import participant, routes  # noqa: E402,F401  (registers the views on bp)
