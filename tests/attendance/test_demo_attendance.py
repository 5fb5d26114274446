"""`flask seed-demo` gives the demo year its participants, as the 2015 annual report counts them."""

import sqlalchemy as sa

from training_portal.extensions import db

PER_EVENT = """
    SELECT e.id, et.code AS type, COUNT(DISTINCT a.participant_id) AS participants, COUNT(DISTINCT s.id) AS sessions
    FROM events e JOIN event_types et ON et.id = e.event_type_id
    LEFT JOIN event_sessions s ON s.event_id = e.id
    LEFT JOIN attendances a ON a.session_id = s.id
    GROUP BY e.id, et.code
"""


def scalar(sql: str):
    return db.session.execute(sa.text(sql)).scalar()


def test_seed_demo_gives_1066_participants_at_own_events_and_377_in_guest_speaker_headcounts(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    rows = db.session.execute(sa.text(PER_EVENT)).all()
    own = [row for row in rows if row.type != "guest_speaker"]
    guest = [row for row in rows if row.type == "guest_speaker"]
    assert len(own) == 24 and len(guest) == 10
    assert sum(row.participants for row in own) == 1066
    assert all(row.participants > 0 for row in own) and all(row.participants == 0 for row in guest)
    assert scalar("""SELECT SUM(h.count) FROM headcounts h JOIN events e ON e.id = h.event_id
                     JOIN event_types et ON et.id = e.event_type_id WHERE et.code = 'guest_speaker'""") == 377
    assert scalar("SELECT COUNT(*) FROM headcounts h JOIN events e ON e.id = h.event_id "
                  "JOIN event_types et ON et.id = e.event_type_id WHERE et.code <> 'guest_speaker'") == 0

    # Some people came to several events, so unique individuals are fewer than participants.
    individuals = scalar("SELECT COUNT(DISTINCT participant_id) FROM attendances")
    assert 900 < individuals < 1066
    # Multi-session events: some attended one session, most both.
    per_person = db.session.execute(sa.text("""
        SELECT s.event_id, a.participant_id, COUNT(*) AS n FROM attendances a
        JOIN event_sessions s ON s.id = a.session_id
        WHERE s.event_id IN (SELECT event_id FROM event_sessions GROUP BY event_id HAVING COUNT(*) > 1)
        GROUP BY s.event_id, a.participant_id""")).all()
    assert {row.n for row in per_person} == {1, 2}

    # A realistic mix.
    sexes = dict(db.session.execute(sa.text("SELECT sex, COUNT(*) FROM participants GROUP BY sex")).all())
    assert sexes["female"] > 300 and sexes["male"] > 300
    assert scalar("SELECT COUNT(DISTINCT age_band) FROM participants") == 6
    assert scalar("SELECT COUNT(DISTINCT target_group_id) FROM participants") == 10
    assert scalar("SELECT COUNT(DISTINCT province_id) FROM participants") >= 8
    assert scalar("SELECT COUNT(DISTINCT method) FROM attendances") == 4
    # Every participant's target group is one of the events they attended.
    assert scalar("""SELECT COUNT(*) FROM attendances a JOIN participants p ON p.id = a.participant_id
                     JOIN event_sessions s ON s.id = a.session_id
                     WHERE NOT EXISTS (SELECT 1 FROM event_target_groups g
                                       WHERE g.event_id = s.event_id AND g.target_group_id = p.target_group_id)
                     AND p.id NOT IN (SELECT participant_id FROM attendances a2 JOIN event_sessions s2 ON s2.id = a2.session_id
                                      GROUP BY participant_id HAVING COUNT(DISTINCT s2.event_id) > 1)""") == 0
