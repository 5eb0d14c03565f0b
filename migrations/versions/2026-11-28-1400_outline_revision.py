"""report.outline_revision and the event chain's head, kept on the report row by triggers

The read cache on PostgreSQL checks every kept section answer against the database, and the
outline cache keys placed outlines, by the state of the report's outline. That state was the
count, highest id and sum of revisions of all the report's sections: an aggregate over every
section (200 in the bench) on every cached read. A counter on the report row, bumped by a
trigger on every insert, update or delete of one of its sections, names the same state with
one indexed row read, and no write path (ORM, Core update, raw SQL, restore) can forget it.

Every write takes the report's row lock first and, when it records an event, read the chain's
head (seq and hash of the report's latest event) in a statement of its own, under that lock.
A trigger on `event` keeps that head on the report row (`event_seq`, `event_hash`), so the
locking read returns it; on PostgreSQL the same trigger sends the NOTIFY that wakes the other
processes ("report id:seq", delivered on commit; the committing process already holds the
events and skips them), which was a statement of its own before commit. Two round trips fewer for every write, both while the lock is held.

Revision ID: 3f6a2d9c8b15
Revises: 9e4b2c7d1a30
Create Date: 2026-11-28 14:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '3f6a2d9c8b15'
down_revision = '9e4b2c7d1a30'
branch_labels = None
depends_on = None

_PG_FUNCTION = """
CREATE FUNCTION plenary_section_bumps_outline() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE report SET outline_revision = outline_revision + 1 WHERE id = OLD.report_id;
    ELSE
        UPDATE report SET outline_revision = outline_revision + 1 WHERE id = NEW.report_id;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.report_id <> NEW.report_id THEN
        UPDATE report SET outline_revision = outline_revision + 1 WHERE id = OLD.report_id;
    END IF;
    RETURN NULL;
END
$$
"""
_PG_TRIGGER = """
CREATE TRIGGER section_bumps_outline AFTER INSERT OR UPDATE OR DELETE ON section
FOR EACH ROW EXECUTE FUNCTION plenary_section_bumps_outline()
"""
_PG_EVENT_FUNCTION = """
CREATE FUNCTION plenary_event_moves_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE report SET event_seq = NEW.seq, event_hash = NEW.hash
    WHERE id = NEW.report_id AND event_seq <= NEW.seq;
    PERFORM pg_notify('plenary_events', NEW.report_id::text || ':' || NEW.seq::text);
    RETURN NULL;
END
$$
"""
_PG_EVENT_TRIGGER = """
CREATE TRIGGER event_moves_head AFTER INSERT OR UPDATE OF hash ON event
FOR EACH ROW EXECUTE FUNCTION plenary_event_moves_head()
"""
_EVENT_HEAD = (
    "UPDATE report SET event_seq = NEW.seq, event_hash = NEW.hash "
    "WHERE id = NEW.report_id AND event_seq <= NEW.seq; END"
)
# SQLite: one trigger per operation (no TG_OP); OLD and NEW as each one has them.
_SQLITE_TRIGGERS = {
    "event_insert_moves_head": f"AFTER INSERT ON event BEGIN {_EVENT_HEAD}",
    "event_update_moves_head": f"AFTER UPDATE OF hash ON event BEGIN {_EVENT_HEAD}",
    "section_insert_bumps_outline": "AFTER INSERT ON section BEGIN "
    "UPDATE report SET outline_revision = outline_revision + 1 WHERE id = NEW.report_id; END",
    "section_update_bumps_outline": "AFTER UPDATE ON section BEGIN "
    "UPDATE report SET outline_revision = outline_revision + 1 "
    "WHERE id IN (NEW.report_id, OLD.report_id); END",
    "section_delete_bumps_outline": "AFTER DELETE ON section BEGIN "
    "UPDATE report SET outline_revision = outline_revision + 1 WHERE id = OLD.report_id; END",
}


def upgrade() -> None:
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('outline_revision', sa.Integer(), server_default='1', nullable=False)
        )
        batch_op.add_column(
            sa.Column('event_seq', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.add_column(sa.Column('event_hash', sa.String(length=64), nullable=True))
    op.execute(
        "UPDATE report SET "
        "event_seq = (SELECT max(e.seq) FROM event e WHERE e.report_id = report.id), "
        "event_hash = (SELECT e.hash FROM event e WHERE e.report_id = report.id "
        "ORDER BY e.seq DESC LIMIT 1) "
        "WHERE EXISTS (SELECT 1 FROM event e WHERE e.report_id = report.id)"
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(_PG_FUNCTION)
        op.execute(_PG_TRIGGER)
        op.execute(_PG_EVENT_FUNCTION)
        op.execute(_PG_EVENT_TRIGGER)
    else:
        for name, body in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER event_moves_head ON event")
        op.execute("DROP FUNCTION plenary_event_moves_head()")
        op.execute("DROP TRIGGER section_bumps_outline ON section")
        op.execute("DROP FUNCTION plenary_section_bumps_outline()")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_column('event_hash')
        batch_op.drop_column('event_seq')
        batch_op.drop_column('outline_revision')
