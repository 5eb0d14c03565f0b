"""access_revision on PostgreSQL: the same counter, moved by deferred constraint triggers

The front of the kept answers (app/kept_front.py) now runs on PostgreSQL too: it answers a
request whose route names a kept answer after one statement per report and moment reads the
report's state and the access revision, instead of resolving each token. The revision must
move on every change of a row a reader's access rests on, whatever the write path, in the
same transaction as the change (a reader's snapshot sees both or neither): the tables and
columns are SQLite's (migration a4c1e7d2f905).

The triggers are deferred to the commit: the one row is locked last in every transaction
that moves it, after every other lock the transaction takes, so two such transactions cannot
wait for each other in opposite orders (a report's lock, then the row; the row, then a
report's lock). Constraint triggers are row triggers; a transaction that changes many rows
moves the revision once per row, which only moves it further.

Revision ID: b7e3f1a9c2d4
Revises: a4c1e7d2f905
Create Date: 2026-12-06 22:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "b7e3f1a9c2d4"
down_revision = "a4c1e7d2f905"
branch_labels = None
depends_on = None

FUNCTION = "plenary_moves_access"
_WHOLE = ("token", "participant", "working_group", "drafting_group", "drafting_group_member")
_WHOLE += ("section_stage",)
# (table, events): as SQLite's triggers (a report's and a section's other columns move with
# every event: only these change who reads what).
TRIGGERS = {table: "INSERT OR UPDATE OR DELETE" for table in _WHOLE} | {
    "report": "INSERT OR DELETE OR UPDATE OF group_id, is_public",
    "section": "INSERT OR DELETE OR UPDATE OF report_id",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "UPDATE access_revision SET value = value + 1 WHERE id = 1; RETURN NULL; END $$"
    )
    for table, events in TRIGGERS.items():
        op.execute(
            f"CREATE CONSTRAINT TRIGGER {table}_moves_access AFTER {events} ON {table} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TRIGGERS:
        op.execute(f"DROP TRIGGER {table}_moves_access ON {table}")
    op.execute(f"DROP FUNCTION {FUNCTION}()")
