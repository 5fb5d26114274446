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
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personal_code', sa.String(length=6), nullable=True))
    participants = sa.table('participants', sa.column('id', sa.Integer), sa.column('personal_code', sa.String))
    connection = op.get_bind()
    for (participant_id,) in connection.execute(sa.select(participants.c.id)).all():
        code = "".join(secrets.choice(ALPHABET) for _ in range(6))
        connection.execute(participants.update().where(participants.c.id == participant_id)
                           .values(personal_code=code))
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.alter_column('personal_code', existing_type=sa.String(length=6), nullable=False)


def downgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('personal_code')
