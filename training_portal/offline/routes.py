"""The offline app's page, its preparation data and its service worker. Check-ins, walk-ins,
headcounts and paper answers are sent through the JSON API (/api/v1), never through these views."""

import os

from flask import current_app, jsonify, render_template, send_from_directory, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ..auth.services import staff_required
from ..events.access import event_for_change
from ..events.models import Event
from ..extensions import db
from ..i18n import current_language
from ..labels import AGE_BAND_LABELS, PHASE_LABELS, SEX_LABELS
from . import bp, services

FONTS = ("noto-sans-khmer-khmer-400-normal.woff2", "noto-sans-khmer-khmer-700-normal.woff2")


def precache_urls(event_id: int) -> list[str]:
    """The page and every file it needs, stored on the phone by "Prepare for offline"."""
    files = ["css/app.css", "css/attendance.css", "vendor/jsqr/jsQR.js", "vendor/idb/idb.umd.js",
             "js/scanner.js", "js/offline-queue.js", "js/offline-forms.js", "js/offline.js"]
    if current_language() == "km":
        files += ["css/khmer.css", *(f"fonts/{name}" for name in FONTS)]
    return [url_for("offline.app_page", event_id=event_id),
            *(url_for("static", filename=name) for name in files)]


@bp.get("/events/<int:event_id>/offline/")
@staff_required
def app_page(event_id: int):
    event = event_for_change(event_id)
    return render_template("offline/app.html", event=event, precache=precache_urls(event.id),
                           sex_labels={services.API_SEX[key]: str(label) for key, label in SEX_LABELS.items()},
                           age_band_labels=AGE_BAND_LABELS, phase_labels=PHASE_LABELS)


@bp.get("/events/<int:event_id>/offline/data.json")
@staff_required
def data(event_id: int):
    """The preparation data, with the same access rules as the event's check-in pages."""
    event = event_for_change(event_id)
    # The token the queue sends with its API calls: the stored page's own token may be from an older login.
    return jsonify({**services.preparation_data(event, current_user), "csrf_token": generate_csrf()})


@bp.get("/events/<int:event_id>/offline/sw.js")
def service_worker(event_id: int):
    """The service worker, served under the offline page's path so that its scope is that page."""
    db.get_or_404(Event, event_id)
    response = send_from_directory(os.path.join(current_app.static_folder, "js"), "offline-sw.js",
                                   mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response
