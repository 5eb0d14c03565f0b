"""consultations and comments (issue 19): comment periods on a posted milestone

Revision ID: 741bbd655afc
Revises: c0a7e5d1f2b4
Create Date: 2026-11-28 08:30:00

New tables only; nothing existing changes. A comment keeps its anchor in the posted
milestone's coordinates and is carried to the head on read through section_version.edits.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db

revision = '741bbd655afc'
down_revision = 'c0a7e5d1f2b4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('consultation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('disclaimer', sa.Text(), nullable=False),
    sa.Column('opens_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closes_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('audiences', sa.JSON(), nullable=False),
    sa.Column('section_ids', sa.JSON(), nullable=True),
    sa.Column('moderated', sa.Boolean(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_recorded_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestone.id'], name=op.f('fk_consultation_milestone_id_milestone')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_consultation_report_id_report')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation'))
    )
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_report_id'), ['report_id'], unique=False)

    op.create_table('consultation_invite',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('category', sa.Enum('government', 'private_sector', 'civil_society', 'technical_academic', 'intergovernmental', 'individual', name='category', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_consultation_invite_consultation_id_consultation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_invite')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_consultation_invite_code_hash'))
    )
    with op.batch_alter_table('consultation_invite', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_invite_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('consultation_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('origin', sa.Enum('participant', 'public', name='origin', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('invite_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('category', sa.Enum('government', 'private_sector', 'civil_society', 'technical_academic', 'intergovernmental', 'individual', name='category', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('publish_name', sa.Boolean(), nullable=False),
    sa.Column('scope', sa.Enum('range', 'section', 'general', name='scope', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.Column('posted_version', sa.Integer(), nullable=True),
    sa.Column('paragraph', sa.Integer(), nullable=True),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('suggestion', sa.Text(), nullable=True),
    sa.Column('visibility', sa.Enum('pending', 'published', 'rejected', name='commentvisibility', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('disposition', sa.Enum('accepted', 'partly_accepted', 'not_accepted', 'noted', 'out_of_scope', name='disposition', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('disposed_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('amendment_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['amendment_id'], ['amendment.id'], name=op.f('fk_consultation_comment_amendment_id_amendment')),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_consultation_comment_consultation_id_consultation')),
    sa.ForeignKeyConstraint(['invite_id'], ['consultation_invite.id'], name=op.f('fk_consultation_comment_invite_id_consultation_invite')),
    sa.ForeignKeyConstraint(['parent_id'], ['consultation_comment.id'], name=op.f('fk_consultation_comment_parent_id_consultation_comment')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_consultation_comment_participant_id_participant')),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_consultation_comment_section_id_section')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_comment'))
    )
    with op.batch_alter_table('consultation_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_comment_amendment_id'), ['amendment_id'], unique=False)
        batch_op.create_index('ix_consultation_comment_consultation_id_id', ['consultation_id', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('consultation_comment', schema=None) as batch_op:
        batch_op.drop_index('ix_consultation_comment_consultation_id_id')
        batch_op.drop_index(batch_op.f('ix_consultation_comment_amendment_id'))

    op.drop_table('consultation_comment')
    with op.batch_alter_table('consultation_invite', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_invite_consultation_id'))

    op.drop_table('consultation_invite')
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_report_id'))

    op.drop_table('consultation')
