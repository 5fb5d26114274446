"""The schema changes only through migrations, and they agree with the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect

from tests.conftest import new_database, settings_for
from training_portal import create_app
from training_portal.extensions import db


def test_migrations_build_the_whole_schema_on_an_empty_database_and_match_the_models(tmp_path):
    with new_database(tmp_path) as url:
        app = create_app(settings_for(url))
        app.instance_path = str(tmp_path)
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                differences = compare_metadata(
                    MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata)
                tables = set(inspect(connection).get_table_names())
            db.session.remove()
            db.engine.dispose()
    assert differences == [], "models and migrations disagree: run `flask --app wsgi db migrate`"
    assert {"users", "events", "event_sessions", "participants", "attendances", "quiz_attempts"} <= tables
