"""What a phone's pages ask of the database's transactions: on PostgreSQL a GET reads without one (one round
trip per query, no BEGIN and ROLLBACK), and a POST's reads and writes stay in transactions on both databases."""

from sqlalchemy import event

from tests.attendance.helpers import attendance_count, form_values, open_event, self_checkin
from training_portal.extensions import db

CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def in_transaction(dbapi_connection) -> bool:
    if db.engine.dialect.name == "postgresql":
        import psycopg

        return dbapi_connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE
    return dbapi_connection.in_transaction


def transactions_of(request) -> list[bool]:
    """For each query the request sends, whether it ran inside a transaction."""
    seen = []

    def after(connection, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(CONTROL) and statement.strip() not in ("", ";"):
            seen.append(in_transaction(connection.connection.dbapi_connection))

    db.session.remove()  # the request gets a session of its own, as in a server
    event.listen(db.engine, "after_cursor_execute", after)
    try:
        answer = request()
    finally:
        event.remove(db.engine, "after_cursor_execute", after)
    assert answer.status_code in (200, 302), answer.status_code
    assert seen, "the request sent no query"
    return seen


def test_a_phone_opening_the_check_in_page_reads_in_a_transaction_only_on_sqlite(client, trainer):
    url = f"/c/{open_event(trainer).sessions[0].checkin_code}"
    seen = transactions_of(lambda: client.get(url))
    assert seen == [db.engine.dialect.name == "sqlite"] * len(seen)


def test_a_check_in_sent_reads_and_writes_in_transactions(client, trainer):
    code = open_event(trainer).sessions[0].checkin_code
    # The form's page first: on PostgreSQL its connection read without a transaction and went back to the pool.
    csrf_token, key = form_values(client.get(f"/c/{code}").get_data(as_text=True))
    seen = transactions_of(lambda: self_checkin(client, code, csrf_token=csrf_token, key=key, name=""))
    assert seen == [True] * len(seen) and len(seen) >= 3  # the look-up and at least two inserts
    assert attendance_count() == 1
