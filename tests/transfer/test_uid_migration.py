"""The migration that adds the stable identifiers gives every existing row its own."""

import uuid

import sqlalchemy as sa
from flask_migrate import upgrade

from tests.conftest import new_database, settings_for
from training_portal import create_app
from training_portal.extensions import db


def test_existing_participants_and_quizzes_get_distinct_identifiers(tmp_path):
    with new_database(tmp_path) as url:
        app = create_app(settings_for(url))
        app.instance_path = str(tmp_path)
        with app.app_context():
            upgrade(revision="a3c1f2d4b6e8")
            with db.engine.begin() as connection:
                connection.execute(sa.text(
                    "INSERT INTO target_groups (code, name_en, name_km, active, sort_order) "
                    "VALUES ('villager', 'Villagers', '', true, 0)"))
                for name in ("Srey Mom", "Dara Chan"):
                    connection.execute(sa.text(
                        "INSERT INTO participants (name, sex, age_band, target_group_id, organisation, card_code, "
                        "personal_code, created_at) VALUES (:name, 'female', '25_34', 1, '', :card, 'ABC123', "
                        "CURRENT_TIMESTAMP)"), {"name": name, "card": uuid.uuid4().hex})
                    connection.execute(sa.text(
                        "INSERT INTO quizzes (title_en, title_km, archived, created_at) "
                        "VALUES (:title, '', false, CURRENT_TIMESTAMP)"), {"title": name})
            upgrade()
            with db.engine.connect() as connection:
                uids = [connection.scalars(sa.text(f"SELECT uid FROM {table}")).all()
                        for table in ("participants", "quizzes")]
            db.session.remove()
            db.engine.dispose()
    for table_uids in uids:
        assert len(set(table_uids)) == 2 and all(uuid.UUID(uid) for uid in table_uids)
