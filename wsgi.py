"""Entry point for gunicorn and `flask --app wsgi`."""

from training_portal import create_app

app = create_app()
