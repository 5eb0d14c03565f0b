"""Meeting sessions, agendas, speakers, attendance, captions, the floor's queue (issue 30)

New tables only, and plain added columns on `meeting` (dates, venue, `floor_note`): no table
is rebuilt on SQLite (`event`, `report` and `section` keep the triggers of migration
3f6a2d9c8b15; `meeting` has none, but needs no rebuild either).

A meeting open at upgrade time gets a plenary session in progress from its opening, as a
meeting opened from now on does by default: decisions of the group are taken only in a
session in progress, and a meeting already sitting keeps deciding.

Revision ID: a30e5e551045
Revises: 2751c6f0484a
Create Date: 2026-12-06 05:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db

revision = 'a30e5e551045'
down_revision = '2751c6f0484a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('floor_queue',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('amendment_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('deferred', sa.Boolean(), nullable=False),
    sa.Column('queued_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['amendment_id'], ['amendment.id'], name=op.f('fk_floor_queue_amendment_id_amendment')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_floor_queue_meeting_id_meeting')),
    sa.PrimaryKeyConstraint('meeting_id', 'amendment_id', name=op.f('pk_floor_queue'))
    )
    op.create_table('meeting_captioner',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_captioner_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_meeting_captioner_participant_id_participant')),
    sa.PrimaryKeyConstraint('meeting_id', 'participant_id', name=op.f('pk_meeting_captioner'))
    )
    op.create_table('meeting_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('open_consultation', 'plenary', 'closed', name='sessionkind', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('public_speakers', sa.String(length=20), nullable=False),
    sa.Column('speaking_seconds', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('current_item_id', sa.Integer(), nullable=True),
    sa.Column('projection', sa.String(length=30), nullable=False),
    sa.Column('projection_paragraph', sa.Integer(), nullable=True),
    sa.Column('projection_amendment_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('summary_updated_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('summary_published_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_session_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_meeting_session_report_id_report')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_session'))
    )
    with op.batch_alter_table('meeting_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_session_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_session_report_id'), ['report_id'], unique=False)

    op.create_table('agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('report_part', 'amendment_list', 'consultation', 'questionnaire', 'text', name='agendakind', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['meeting_session.id'], name=op.f('fk_agenda_item_session_id_meeting_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_item'))
    )
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_item_session_id'), ['session_id'], unique=False)

    op.create_table('attendance',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('checked_in_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.Column('left_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['participant.id'], name=op.f('fk_attendance_checked_in_by_id_participant')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_attendance_participant_id_participant')),
    sa.ForeignKeyConstraint(['session_id'], ['meeting_session.id'], name=op.f('fk_attendance_session_id_meeting_session')),
    sa.PrimaryKeyConstraint('session_id', 'participant_id', name=op.f('pk_attendance'))
    )
    op.create_table('caption_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['participant.id'], name=op.f('fk_caption_line_author_id_participant')),
    sa.ForeignKeyConstraint(['session_id'], ['meeting_session.id'], name=op.f('fk_caption_line_session_id_meeting_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_caption_line'))
    )
    with op.batch_alter_table('caption_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_caption_line_session_id'), ['session_id'], unique=False)

    op.create_table('speaker_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('point_of_order', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'speaking', 'done', 'withdrawn', 'skipped', name='speakerstatus', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('requested_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_speaker_request_participant_id_participant')),
    sa.ForeignKeyConstraint(['session_id'], ['meeting_session.id'], name=op.f('fk_speaker_request_session_id_meeting_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speaker_request'))
    )
    with op.batch_alter_table('speaker_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speaker_request_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_speaker_request_session_id'), ['session_id'], unique=False)

    op.add_column('meeting', sa.Column('title', sa.String(length=200), server_default='', nullable=False))
    op.add_column('meeting', sa.Column('venue', sa.String(length=200), server_default='', nullable=False))
    op.add_column('meeting', sa.Column('starts_on', sa.Date(), nullable=True))
    op.add_column('meeting', sa.Column('ends_on', sa.Date(), nullable=True))
    op.add_column('meeting', sa.Column('floor_note', sa.Text(), server_default='', nullable=False))

    op.execute(
        "INSERT INTO meeting_session (meeting_id, report_id, kind, title, public_speakers, "
        "created_at, started_at, projection, summary) "
        "SELECT id, report_id, 'plenary', '', 'participant', opened_at, opened_at, 'agenda', '' "
        "FROM meeting WHERE closed_at IS NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('floor_note')
        batch_op.drop_column('ends_on')
        batch_op.drop_column('starts_on')
        batch_op.drop_column('venue')
        batch_op.drop_column('title')

    with op.batch_alter_table('speaker_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speaker_request_session_id'))
        batch_op.drop_index(batch_op.f('ix_speaker_request_participant_id'))

    op.drop_table('speaker_request')
    with op.batch_alter_table('caption_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_caption_line_session_id'))

    op.drop_table('caption_line')
    op.drop_table('attendance')
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_item_session_id'))

    op.drop_table('agenda_item')
    with op.batch_alter_table('meeting_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_session_report_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_session_meeting_id'))

    op.drop_table('meeting_session')
    op.drop_table('meeting_captioner')
    op.drop_table('floor_queue')
