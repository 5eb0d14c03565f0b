"""Structural amendments move a run of paragraphs (issue 32)

`amendment_structure.operation` takes `move_paragraphs`: its CHECK constraint is swapped.
Only `amendment_structure` is rebuilt on SQLite (batch); `event`, `report` and `section` are
not touched.

Revision ID: 3a7f0c2e91d4
Revises: 3f8a61c0d2b7
Create Date: 2026-12-06 06:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "3a7f0c2e91d4"
down_revision = "3f8a61c0d2b7"
branch_labels = None
depends_on = None

BEFORE = "('insert', 'delete', 'move', 'split', 'merge', 'rename', 'span')"
AFTER = "('insert', 'delete', 'move', 'split', 'merge', 'rename', 'span', 'move_paragraphs')"
NAME = "ck_amendment_structure_structureoperation"


def upgrade() -> None:
    with op.batch_alter_table("amendment_structure", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_="check")
        batch_op.create_check_constraint(op.f(NAME), f"operation IN {AFTER}")


def downgrade() -> None:
    # A run move cannot be written in the older shape, and dropping it would leave its
    # amendment half there: refuse rather than lose it.
    found = (
        op.get_bind()
        .execute(
            sa.text("SELECT COUNT(*) FROM amendment_structure WHERE operation = 'move_paragraphs'")
        )
        .scalar_one()
    )
    if found:
        raise RuntimeError(f"{found} amendment(s) move paragraphs: withdraw them first")
    with op.batch_alter_table("amendment_structure", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_="check")
        batch_op.create_check_constraint(op.f(NAME), f"operation IN {BEFORE}")
