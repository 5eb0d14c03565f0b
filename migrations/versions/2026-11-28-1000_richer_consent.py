"""richer consent: stand aside, changed and withdrawn answers, reminders, revision links

Revision ID: 8e3b1f4c2a71
Revises: 5d1c0e7a9b42
Create Date: 2026-11-28 10:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db

revision = '8e3b1f4c2a71'
down_revision = '5d1c0e7a9b42'
branch_labels = None
depends_on = None

ANSWERS_BEFORE = "answer IN ('consent', 'object')"
ANSWERS_AFTER = "answer IN ('consent', 'stand_aside', 'object')"


def upgrade() -> None:
    # Answers recorded before this were never changed: revision 1, no change, no withdrawal.
    # Blocked amendments recorded before this were blocked for good (their decided_at is
    # set), which is what a blocked amendment with decided_at means from now on.
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changed_at', app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revision', sa.Integer(), server_default='1', nullable=False))
        batch_op.drop_constraint(op.f('ck_consent_answer'), type_='check')
        batch_op.create_check_constraint(op.f('ck_consent_answer'), ANSWERS_AFTER)

    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revised_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('remind_at', app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reminded_at', app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_amendment_revised_by_id_amendment'), 'amendment', ['revised_by_id'], ['id'])
    # The other end of every revision made before this: the old wording names its successor.
    op.execute(
        "UPDATE amendment SET revised_by_id = ("
        "SELECT MIN(newer.id) FROM amendment AS newer WHERE newer.supersedes_id = amendment.id)"
    )


def downgrade() -> None:
    # Stand-asides become consents (both are "no objection"); a withdrawn objection is gone.
    op.execute("UPDATE consent SET answer = 'consent' WHERE answer = 'stand_aside'")
    op.execute("DELETE FROM consent WHERE withdrawn_at IS NOT NULL")
    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_amendment_revised_by_id_amendment'), type_='foreignkey')
        batch_op.drop_column('reminded_at')
        batch_op.drop_column('remind_at')
        batch_op.drop_column('revised_by_id')

    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_consent_answer'), type_='check')
        batch_op.create_check_constraint(op.f('ck_consent_answer'), ANSWERS_BEFORE)
        batch_op.drop_column('revision')
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('changed_at')
