"""Event participants: the distinct (event, participant) pairs the reports count, with the
participant's sex, age band and target group and the event's type, province and month, filled
from the existing attendance.

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
    sa.Column('event_type_id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('month_key', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_participants_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_type_id'], ['event_types.id'], name=op.f('fk_event_participants_event_type_id_event_types')),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_event_participants_participant_id_participants')),
    sa.ForeignKeyConstraint(['province_id'], ['provinces.id'], name=op.f('fk_event_participants_province_id_provinces')),
    sa.ForeignKeyConstraint(['target_group_id'], ['target_groups.id'], name=op.f('fk_event_participants_target_group_id_target_groups')),
    sa.PrimaryKeyConstraint('event_id', 'participant_id', name=op.f('pk_event_participants'))
    )
    # Filled before the indexes are built: one sort each instead of an index update per row.
    attendances = sa.table('attendances', sa.column('session_id'), sa.column('participant_id'))
    sessions = sa.table('event_sessions', sa.column('id'), sa.column('event_id'))
    events = sa.table('events', sa.column('id'), sa.column('event_type_id'), sa.column('province_id'),
                      sa.column('starts_on', sa.Date))
    participants = sa.table('participants', sa.column('id'), sa.column('sex'), sa.column('age_band'),
                            sa.column('target_group_id'))
    month_key = sa.cast(sa.extract('year', events.c.starts_on) * 100 + sa.extract('month', events.c.starts_on),
                        sa.Integer)
    pairs = (
        sa.select(sessions.c.event_id, attendances.c.participant_id, participants.c.sex, participants.c.age_band,
                  participants.c.target_group_id, events.c.event_type_id, events.c.province_id, month_key)
        .select_from(attendances)
        .join(sessions, sessions.c.id == attendances.c.session_id)
        .join(events, events.c.id == sessions.c.event_id)
        .join(participants, participants.c.id == attendances.c.participant_id)
        .group_by(sessions.c.event_id, attendances.c.participant_id, participants.c.sex, participants.c.age_band,
                  participants.c.target_group_id, events.c.event_type_id, events.c.province_id, events.c.starts_on)
    )
    summary = sa.table('event_participants', *(sa.column(name) for name in (
        'event_id', 'participant_id', 'sex', 'age_band', 'target_group_id', 'event_type_id', 'province_id',
        'month_key')))
    op.execute(summary.insert().from_select(list(summary.c.keys()), pairs))
    with op.batch_alter_table('event_participants', schema=None) as batch_op:
        batch_op.create_index('ix_event_participants_event_profile', ['event_id', 'sex', 'target_group_id', 'age_band', 'participant_id'], unique=False)
        batch_op.create_index('ix_event_participants_event_type', ['event_type_id', 'participant_id', 'event_id'], unique=False)
        batch_op.create_index('ix_event_participants_month', ['month_key', 'participant_id', 'event_id'], unique=False)
        batch_op.create_index('ix_event_participants_profile', ['sex', 'target_group_id', 'age_band', 'participant_id', 'event_id'], unique=False)
        batch_op.create_index('ix_event_participants_province', ['province_id', 'participant_id', 'event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('event_participants', schema=None) as batch_op:
        batch_op.drop_index('ix_event_participants_province')
        batch_op.drop_index('ix_event_participants_profile')
        batch_op.drop_index('ix_event_participants_month')
        batch_op.drop_index('ix_event_participants_event_type')
        batch_op.drop_index('ix_event_participants_event_profile')

    op.drop_table('event_participants')
