"""access_revision: a counter moved by triggers on every row a reader's access rests on

The SQLite front of the kept answers (app/kept_answers.py) answers a request it has seen
before routing. It forgot everything on every commit, so after each adoption every member's
read resolved its token again. It now keeps which kept answer each request names across
commits that change no access, and must forget it on any change of a token, a participant, a
group, a drafting group or its members, a stage, the set of a report's sections, or a
report's group or visibility, whatever the write path: triggers move one counter on each,
and every routed kept read reads it in its own statement (a column of it, no statement more),
so the front serves a route only while the revision it was named under is still the one read.

Only new objects: no table is rebuilt. The triggers are SQLite's (the front exists only
there: one process per database file); PostgreSQL gets the table only.

Revision ID: a4c1e7d2f905
Revises: 3a7f0c2e91d4
Create Date: 2026-12-06 18:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a4c1e7d2f905"
down_revision = "3a7f0c2e91d4"
branch_labels = None
depends_on = None

_BUMP = "BEGIN UPDATE access_revision SET value = value + 1 WHERE id = 1; END"
# (table, operation): every row of these tables can change what a reader may read.
_WHOLE = ("token", "participant", "working_group", "drafting_group", "drafting_group_member")
_WHOLE += ("section_stage",)
_TRIGGERS = {
    f"{table}_{operation.split()[0].lower()}_moves_access": f"AFTER {operation} ON {table}"
    for table in _WHOLE
    for operation in ("INSERT", "UPDATE", "DELETE")
}
# A report's other columns move with every event (its head, revision, outline revision):
# only its group and visibility decide who reads it. A section's text moves with every
# adoption: only which report it belongs to changes what a non-member may read.
_TRIGGERS |= {
    "report_insert_moves_access": "AFTER INSERT ON report",
    "report_update_moves_access": "AFTER UPDATE OF group_id, is_public ON report",
    "report_delete_moves_access": "AFTER DELETE ON report",
    "section_insert_moves_access": "AFTER INSERT ON section",
    "section_update_moves_access": "AFTER UPDATE OF report_id ON section",
    "section_delete_moves_access": "AFTER DELETE ON section",
}
TRIGGERS = _TRIGGERS


def upgrade() -> None:
    op.create_table(
        "access_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_revision")),
    )
    op.execute("INSERT INTO access_revision (id, value) VALUES (1, 0)")
    if op.get_bind().dialect.name == "sqlite":
        for name, when in TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} {_BUMP}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("access_revision")
