"""Stable identifiers (uid) on events, sessions, participants and quizzes, kept when an event package
moves from a field laptop to the central server.

Revision ID: c4d8e2f1a9b7
Revises: a3c1f2d4b6e8
Create Date: 2026-12-06 03:00:00.000000

"""
import uuid

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4d8e2f1a9b7'
down_revision = 'a3c1f2d4b6e8'
branch_labels = None
depends_on = None

TABLES = ('events', 'event_sessions', 'participants', 'quizzes')


def upgrade():
    connection = op.get_bind()
    for name in TABLES:
        # A plain ADD COLUMN with a default: SQLite adds it in place, where a rebuilt table would be refused
        # by the foreign keys that point at it.
        op.add_column(name, sa.Column('uid', sa.String(length=36), nullable=False, server_default=''))
        table = sa.table(name, sa.column('id', sa.Integer), sa.column('uid', sa.String))
        ids = connection.execute(sa.select(table.c.id)).scalars().all()
        if ids:
            connection.execute(
                table.update().where(table.c.id == sa.bindparam('row_id')).values(uid=sa.bindparam('new_uid')),
                [{'row_id': row_id, 'new_uid': str(uuid.uuid4())} for row_id in ids])
        if connection.dialect.name != 'sqlite':  # SQLite cannot drop a default in place; the models always set one
            op.alter_column(name, 'uid', server_default=None)
        op.create_index(f'ix_{name}_uid', name, ['uid'], unique=True)


def downgrade():
    for name in reversed(TABLES):
        op.drop_index(f'ix_{name}_uid', table_name=name)
        op.drop_column(name, 'uid')
