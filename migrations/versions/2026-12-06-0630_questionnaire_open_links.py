"""Open public links of questionnaires, and corrected wordings (issue 31)

`questionnaire_link` gains `open` (a link many respondents use), `max_replies` (its cap),
`parent_id` (a respondent's own link, made under an open link: its code is the
respondent's reply secret), `address_hash` (the rate per address; the address is not kept)
and `request_key_hash` (a request sent again makes no second reply).
`questionnaire_question` gains `reworded_at` and `answered_prompt` (a wording corrected
after replies were submitted). Only `questionnaire_link` is rebuilt on SQLite (for its new
foreign key); `event`, `report` and `section` are not touched.

Revision ID: 3f8a61c0d2b7
Revises: 5c1e7d2a9b40
Create Date: 2026-12-06 06:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db

revision = "3f8a61c0d2b7"
down_revision = "5c1e7d2a9b40"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "questionnaire_question",
        sa.Column("reworded_at", app.db.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column("questionnaire_question", sa.Column("answered_prompt", sa.Text(), nullable=True))
    with op.batch_alter_table("questionnaire_link", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("open", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("max_replies", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("address_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("request_key_hash", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_questionnaire_link_parent_id"), ["parent_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_questionnaire_link_parent_id_questionnaire_link"),
            "questionnaire_link",
            ["parent_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("questionnaire_link", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_questionnaire_link_parent_id_questionnaire_link"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_questionnaire_link_parent_id"))
        batch_op.drop_column("request_key_hash")
        batch_op.drop_column("address_hash")
        batch_op.drop_column("parent_id")
        batch_op.drop_column("max_replies")
        batch_op.drop_column("open")
    with op.batch_alter_table("questionnaire_question", schema=None) as batch_op:
        batch_op.drop_column("answered_prompt")
        batch_op.drop_column("reworded_at")
