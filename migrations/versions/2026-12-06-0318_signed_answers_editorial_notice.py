"""Signed answers and the editorial notice (issue 28)

`signing_key`: participants' public keys (the private half stays on their devices). A consent
answer keeps its signature and key; an event keeps the signature of the answer it records
(members only; the public payload carries a salted commitment). `report.editorial_notice_hours`:
how long an editorial change after adoption waits for any voting member to call it substance.

`event` and `report` get plain added columns (no foreign key, no batch): a rebuilt table
would lose, or break, the triggers of migration 3f6a2d9c8b15 on SQLite.

Revision ID: 2751c6f0484a
Revises: 3f6a2d9c8b15
Create Date: 2026-12-06 03:18:25.409312
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db

revision = '2751c6f0484a'
down_revision = '3f6a2d9c8b15'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('signing_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('public_key', sa.String(length=64), nullable=False),
    sa.Column('origin', sa.Enum('first', 'rotated', 'replaced', name='keyorigin', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('endorsement', sa.String(length=100), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('replaced_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_signing_key_participant_id_participant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_key'))
    )
    with op.batch_alter_table('signing_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signing_key_participant_id'), ['participant_id'], unique=False)

    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signature', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('signing_key_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_consent_signing_key_id_signing_key'), 'signing_key', ['signing_key_id'], ['id'])

    op.add_column('event', sa.Column('signature', sa.String(length=100), nullable=True))
    op.add_column('event', sa.Column('signing_key_id', sa.Integer(), nullable=True))

    op.add_column('report', sa.Column('editorial_notice_hours', sa.Float(), server_default='48', nullable=False))



def downgrade() -> None:
    op.drop_column('report', 'editorial_notice_hours')

    op.drop_column('event', 'signing_key_id')
    op.drop_column('event', 'signature')

    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_consent_signing_key_id_signing_key'), type_='foreignkey')
        batch_op.drop_column('signing_key_id')
        batch_op.drop_column('signature')

    with op.batch_alter_table('signing_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signing_key_participant_id'))

    op.drop_table('signing_key')
