"""Participants: a personal code, printed on their card, that with their phone number checks them in
on another phone.

Revision ID: a3c1f2d4b6e8
Revises: 5b0e3c9a7d21
Create Date: 2026-12-05 10:10:00.000000

"""
import secrets

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a3c1f2d4b6e8'
down_revision = '5b0e3c9a7d21'
branch_labels = None
depends_on = None

ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"


def upgrade():
    # A plain ADD COLUMN with a default: SQLite adds it in place, where a rebuilt table would be refused
    # by the foreign keys of the attendance that points at it.
    op.add_column('participants', sa.Column('personal_code', sa.String(length=6), nullable=False, server_default=''))
    participants = sa.table('participants', sa.column('id', sa.Integer), sa.column('personal_code', sa.String))
    connection = op.get_bind()
    ids = connection.execute(sa.select(participants.c.id)).scalars().all()
    if ids:
        connection.execute(
            participants.update().where(participants.c.id == sa.bindparam('participant_id'))
            .values(personal_code=sa.bindparam('code')),
            [{'participant_id': participant_id, 'code': "".join(secrets.choice(ALPHABET) for _ in range(6))}
             for participant_id in ids])
    if connection.dialect.name != 'sqlite':  # SQLite cannot drop a default in place; the model always sets one
        op.alter_column('participants', 'personal_code', server_default=None)


def downgrade():
    op.drop_column('participants', 'personal_code')
