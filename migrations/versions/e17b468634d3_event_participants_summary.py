"""Event participants: the distinct (event, participant) pairs the reports count, with the
participant's sex, age band and target group, filled from the existing attendance.

Revision ID: e17b468634d3
Revises: 9021b5085256
Create Date: 2026-11-23 18:17:27.302130

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e17b468634d3'
down_revision = '9021b5085256'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_participants',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('sex', sa.Enum('female', 'male', 'other', name='sex', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('age_band', sa.Enum('under_15', '15_17', '18_24', '25_34', '35_49', '50_plus', name='age_band', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('target_group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_participants_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_event_participants_participant_id_participants')),
    sa.ForeignKeyConstraint(['target_group_id'], ['target_groups.id'], name=op.f('fk_event_participants_target_group_id_target_groups')),
    sa.PrimaryKeyConstraint('event_id', 'participant_id', name=op.f('pk_event_participants'))
    )
    # Filled before the indexes are built: one sort each instead of an index update per row.
    op.execute(
        "INSERT INTO event_participants (event_id, participant_id, sex, age_band, target_group_id) "
        "SELECT event_sessions.event_id, attendances.participant_id, participants.sex, participants.age_band, "
        "participants.target_group_id "
        "FROM attendances "
        "JOIN event_sessions ON event_sessions.id = attendances.session_id "
        "JOIN participants ON participants.id = attendances.participant_id "
        "GROUP BY event_sessions.event_id, attendances.participant_id, participants.sex, participants.age_band, "
        "participants.target_group_id"
    )
    with op.batch_alter_table('event_participants', schema=None) as batch_op:
        batch_op.create_index('ix_event_participants_event_profile', ['event_id', 'sex', 'target_group_id', 'age_band', 'participant_id'], unique=False)
        batch_op.create_index('ix_event_participants_profile', ['sex', 'target_group_id', 'age_band', 'participant_id', 'event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('event_participants', schema=None) as batch_op:
        batch_op.drop_index('ix_event_participants_profile')
        batch_op.drop_index('ix_event_participants_event_profile')

    op.drop_table('event_participants')
