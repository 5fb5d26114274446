"""Quiz attempts: the index on the event also holds the participant, phase and score, so that the
reports' knowledge figures read an event's attempts from the index alone.

Revision ID: 5b0e3c9a7d21
Revises: e17b468634d3
Create Date: 2026-11-29 22:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5b0e3c9a7d21'
down_revision = 'e17b468634d3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_attempts_event_scores', ['event_id', 'participant_id', 'phase', 'score'],
                              unique=False)
        batch_op.drop_index('ix_quiz_attempts_event_id')


def downgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_attempts_event_id', ['event_id'], unique=False)
        batch_op.drop_index('ix_quiz_attempts_event_scores')
