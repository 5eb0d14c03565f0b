"""Structural amendments (issue 32)

`amendment_structure`: one row per structural amendment (insert, delete, move, split, merge,
rename a section; a text change across neighbouring sections), beside its `amendment` row:
the operation, its operands and its base (outline revision, touched sections' versions);
`amendment.structure` names the operation (None: a text amendment), so reads of text
amendments never look for the row.
A new table only: `event`, `report` and `section` are not rebuilt.

Revision ID: 5c1e7d2a9b40
Revises: 8d2f4c61a9e3
Create Date: 2026-12-06 05:20:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '5c1e7d2a9b40'
down_revision = '8d2f4c61a9e3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('amendment_structure',
    sa.Column('amendment_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('operation', sa.Enum('insert', 'delete', 'move', 'split', 'merge', 'rename', 'span', name='structureoperation', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('base_outline_revision', sa.Integer(), nullable=False),
    sa.Column('operands', sa.JSON(), nullable=False),
    sa.Column('touched', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['amendment_id'], ['amendment.id'], name=op.f('fk_amendment_structure_amendment_id_amendment')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_amendment_structure_report_id_report')),
    sa.PrimaryKeyConstraint('amendment_id', name=op.f('pk_amendment_structure'))
    )
    with op.batch_alter_table('amendment_structure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_amendment_structure_report_id'), ['report_id'], unique=False)

    op.add_column('amendment', sa.Column('structure', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.drop_column('structure')

    with op.batch_alter_table('amendment_structure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_amendment_structure_report_id'))

    op.drop_table('amendment_structure')
