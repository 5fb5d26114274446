"""Offline trainer mode: the event's check-in app stored on the trainer's phone (service worker and
IndexedDB), which queues check-ins, walk-ins, headcounts and paper answers and sends them through the
JSON API when the connection returns."""

from flask import Blueprint

bp = Blueprint("offline", __name__, template_folder="templates")

from . import routes  # noqa: E402,F401  (the views register themselves on bp)
