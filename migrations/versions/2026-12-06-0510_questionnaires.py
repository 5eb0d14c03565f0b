"""Questionnaires (issue 31)

A questionnaire of a group (optionally tied to a report, whose log records its events), its
ordered questions, the public links by which the public answers its public version, and the
replies (one per member, or per link: two unique keys). A thread may discuss a question:
`thread.question_id`, and `question` among the subjects its CHECK constraint allows.

SQLite cannot change a CHECK in place, so `thread` is rebuilt (batch). It has no triggers,
unlike `event`, `report` and `section` (migration 3f6a2d9c8b15), which are not touched; and
migrations run on a plain connection (foreign keys off), so its messages keep pointing at it.

Revision ID: 8d2f4c61a9e3
Revises: a30e5e551045
Create Date: 2026-12-06 05:10:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db

revision = '8d2f4c61a9e3'
down_revision = 'a30e5e551045'
branch_labels = None
depends_on = None

THREAD_FK = 'fk_thread_question_id_questionnaire_question'
OLD_SUBJECTS = ('amendment', 'objection', 'section', 'paragraph')
NEW_SUBJECTS = (*OLD_SUBJECTS, 'question')
CATEGORIES = (
    'government', 'private_sector', 'civil_society', 'technical_academic',
    'intergovernmental', 'observer', 'individual',
)


def _enum(name: str, values: tuple[str, ...], length: int = 20) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=length)


def _thread(values: tuple[str, ...], *, question_column: bool) -> None:
    """`thread.subject` takes `values`, and `question_id` comes or goes."""
    old = NEW_SUBJECTS if values == OLD_SUBJECTS else OLD_SUBJECTS
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('thread', recreate='always') as batch_op:
            if question_column:
                batch_op.add_column(sa.Column('question_id', sa.Integer(), nullable=True))
                batch_op.create_foreign_key(
                    THREAD_FK, 'questionnaire_question', ['question_id'], ['id']
                )
                batch_op.create_index('ix_thread_question_id', ['question_id'], unique=False)
            else:
                batch_op.drop_index('ix_thread_question_id')
                batch_op.drop_constraint(THREAD_FK, type_='foreignkey')
                batch_op.drop_column('question_id')
            batch_op.alter_column(
                'subject',
                existing_type=_enum('subject', old),
                type_=_enum('subject', values),
                existing_nullable=False,
            )
        return
    op.drop_constraint(op.f('ck_thread_subject'), 'thread', type_='check')
    listed = ', '.join(f"'{v}'" for v in values)
    op.create_check_constraint(op.f('ck_thread_subject'), 'thread', f'subject IN ({listed})')
    if question_column:
        op.add_column('thread', sa.Column('question_id', sa.Integer(), nullable=True))
        op.create_foreign_key(THREAD_FK, 'thread', 'questionnaire_question', ['question_id'], ['id'])
        op.create_index('ix_thread_question_id', 'thread', ['question_id'], unique=False)
    else:
        op.drop_index('ix_thread_question_id', table_name='thread')
        op.drop_constraint(THREAD_FK, 'thread', type_='foreignkey')
        op.drop_column('thread', 'question_id')


def upgrade() -> None:
    op.create_table('questionnaire',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('internal_chapeau', sa.Text(), nullable=True),
    sa.Column('public_chapeau', sa.Text(), nullable=True),
    sa.Column('deadline', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('shared_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_recorded_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['participant.id'], name=op.f('fk_questionnaire_created_by_id_participant')),
    sa.ForeignKeyConstraint(['group_id'], ['working_group.id'], name=op.f('fk_questionnaire_group_id_working_group')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_questionnaire_report_id_report')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire'))
    )
    op.create_index(op.f('ix_questionnaire_group_id'), 'questionnaire', ['group_id'], unique=False)
    op.create_index(op.f('ix_questionnaire_report_id'), 'questionnaire', ['report_id'], unique=False)

    op.create_table('questionnaire_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('category', _enum('respondentcategory', CATEGORIES, 30), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaire.id'], name=op.f('fk_questionnaire_link_questionnaire_id_questionnaire')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_link')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_questionnaire_link_code_hash'))
    )
    op.create_index(op.f('ix_questionnaire_link_questionnaire_id'), 'questionnaire_link', ['questionnaire_id'], unique=False)

    op.create_table('questionnaire_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', _enum('questionkind', ('text', 'single', 'multiple', 'scale', 'ranking')), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('max_chars', sa.Integer(), nullable=True),
    sa.Column('scale_min', sa.Integer(), nullable=True),
    sa.Column('scale_max', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaire.id'], name=op.f('fk_questionnaire_question_questionnaire_id_questionnaire')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_question')),
    sa.UniqueConstraint('questionnaire_id', 'position', name=op.f('uq_questionnaire_question_questionnaire_id_position'))
    )
    op.create_index(op.f('ix_questionnaire_question_questionnaire_id'), 'questionnaire_question', ['questionnaire_id'], unique=False)

    op.create_table('questionnaire_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('audience', _enum('replyaudience', ('internal', 'public')), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('link_id', sa.Integer(), nullable=True),
    sa.Column('respondent_name', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('category', _enum('respondentcategory', CATEGORIES, 30), nullable=True),
    sa.Column('publish_name', sa.Boolean(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('status', _enum('replystatus', ('draft', 'submitted', 'withdrawn')), nullable=False),
    sa.Column('moderation', _enum('moderation', ('pending', 'published', 'rejected')), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['link_id'], ['questionnaire_link.id'], name=op.f('fk_questionnaire_reply_link_id_questionnaire_link')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_questionnaire_reply_participant_id_participant')),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaire.id'], name=op.f('fk_questionnaire_reply_questionnaire_id_questionnaire')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_reply')),
    sa.UniqueConstraint('link_id', name=op.f('uq_questionnaire_reply_link_id')),
    sa.UniqueConstraint('questionnaire_id', 'participant_id', name=op.f('uq_questionnaire_reply_questionnaire_id_participant_id'))
    )
    op.create_index(op.f('ix_questionnaire_reply_questionnaire_id'), 'questionnaire_reply', ['questionnaire_id'], unique=False)

    _thread(NEW_SUBJECTS, question_column=True)


def downgrade() -> None:
    _thread(OLD_SUBJECTS, question_column=False)
    op.drop_index(op.f('ix_questionnaire_reply_questionnaire_id'), table_name='questionnaire_reply')
    op.drop_table('questionnaire_reply')
    op.drop_index(op.f('ix_questionnaire_question_questionnaire_id'), table_name='questionnaire_question')
    op.drop_table('questionnaire_question')
    op.drop_index(op.f('ix_questionnaire_link_questionnaire_id'), table_name='questionnaire_link')
    op.drop_table('questionnaire_link')
    op.drop_index(op.f('ix_questionnaire_report_id'), table_name='questionnaire')
    op.drop_index(op.f('ix_questionnaire_group_id'), table_name='questionnaire')
    op.drop_table('questionnaire')
