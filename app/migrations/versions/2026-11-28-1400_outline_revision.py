"""report.outline_revision: bumped by the database whenever a section of the report changes

The read cache on PostgreSQL checks every kept section answer against the database, and the
outline cache keys placed outlines, by the state of the report's outline. That state was the
count, highest id and sum of revisions of all the report's sections: an aggregate over every
section (200 in the bench) on every cached read. A counter on the report row, bumped by a
trigger on every insert, update or delete of one of its sections, names the same state with
one indexed row read, and no write path (ORM, Core update, raw SQL, restore) can forget it.

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
# SQLite: one trigger per operation (no TG_OP); OLD and NEW as each one has them.
_SQLITE_TRIGGERS = {
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
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(_PG_FUNCTION)
        op.execute(_PG_TRIGGER)
    else:
        for name, body in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER section_bumps_outline ON section")
        op.execute("DROP FUNCTION plenary_section_bumps_outline()")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_column('outline_revision')
