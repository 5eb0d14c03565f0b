"""deliberation: threads and their messages, reservations on paragraphs, open points (brackets)

Revision ID: 2aa324f281e4
Revises: 8e3b1f4c2a71
Create Date: 2026-11-28 10:10:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db

revision = '2aa324f281e4'
down_revision = '8e3b1f4c2a71'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('open_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'kept', 'resolved', name='openpointstatus', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('created_version', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('resolved_version', sa.Integer(), nullable=True),
    sa.Column('kept_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_open_point_report_id_report')),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_open_point_section_id_section')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open_point'))
    )
    with op.batch_alter_table('open_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_open_point_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_open_point_section_id'), ['section_id'], unique=False)

    op.create_table('reservation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('paragraph', sa.Integer(), nullable=False),
    sa.Column('anchor_version', sa.Integer(), nullable=False),
    sa.Column('anchor_start', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=1000), nullable=False),
    sa.Column('attributed', sa.Boolean(), nullable=False),
    sa.Column('withdrawn_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_reservation_participant_id_participant')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_reservation_report_id_report')),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_reservation_section_id_section')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reservation'))
    )
    with op.batch_alter_table('reservation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reservation_report_id'), ['report_id'], unique=False)

    op.create_table('thread',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.Enum('amendment', 'objection', 'section', 'paragraph', name='subject', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('amendment_id', sa.Integer(), nullable=True),
    sa.Column('consent_id', sa.Integer(), nullable=True),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.Column('paragraph', sa.Integer(), nullable=True),
    sa.Column('anchor_version', sa.Integer(), nullable=True),
    sa.Column('anchor_start', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('opener_id', sa.Integer(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('resolved_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['amendment_id'], ['amendment.id'], name=op.f('fk_thread_amendment_id_amendment')),
    sa.ForeignKeyConstraint(['consent_id'], ['consent.id'], name=op.f('fk_thread_consent_id_consent')),
    sa.ForeignKeyConstraint(['opener_id'], ['participant.id'], name=op.f('fk_thread_opener_id_participant')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_thread_report_id_report')),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_thread_section_id_section')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thread'))
    )
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thread_amendment_id'), ['amendment_id'], unique=False)
        batch_op.create_index('ix_thread_report_id_id', ['report_id', 'id'], unique=False)

    op.create_table('thread_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['participant.id'], name=op.f('fk_thread_message_author_id_participant')),
    sa.ForeignKeyConstraint(['parent_id'], ['thread_message.id'], name=op.f('fk_thread_message_parent_id_thread_message')),
    sa.ForeignKeyConstraint(['thread_id'], ['thread.id'], name=op.f('fk_thread_message_thread_id_thread')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thread_message'))
    )
    with op.batch_alter_table('thread_message', schema=None) as batch_op:
        batch_op.create_index('ix_thread_message_thread_id_id', ['thread_id', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('thread_message', schema=None) as batch_op:
        batch_op.drop_index('ix_thread_message_thread_id_id')

    op.drop_table('thread_message')
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.drop_index('ix_thread_report_id_id')
        batch_op.drop_index(batch_op.f('ix_thread_amendment_id'))

    op.drop_table('thread')
    with op.batch_alter_table('reservation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reservation_report_id'))

    op.drop_table('reservation')
    with op.batch_alter_table('open_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_open_point_section_id'))
        batch_op.drop_index(batch_op.f('ix_open_point_report_id'))

    op.drop_table('open_point')
