"""stream tickets; replayed answers keep their Location and ETag

Revision ID: 5d1c0e7a9b42
Revises: 741bbd655afc
Create Date: 2026-11-28 09:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db

revision = '5d1c0e7a9b42'
down_revision = '741bbd655afc'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stream_ticket',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_hash', sa.String(length=64), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('token_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_stream_ticket_report_id_report')),
    sa.ForeignKeyConstraint(['token_id'], ['token.id'], name=op.f('fk_stream_ticket_token_id_token')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stream_ticket')),
    sa.UniqueConstraint('ticket_hash', name=op.f('uq_stream_ticket_ticket_hash'))
    )
    with op.batch_alter_table('stream_ticket', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stream_ticket_expires_at'), ['expires_at'], unique=False)
    # Existing records replay without headers, as before.
    with op.batch_alter_table('idempotency_key', schema=None) as batch_op:
        batch_op.add_column(sa.Column('response_headers', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('idempotency_key', schema=None) as batch_op:
        batch_op.drop_column('response_headers')
    with op.batch_alter_table('stream_ticket', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stream_ticket_expires_at'))
    op.drop_table('stream_ticket')
