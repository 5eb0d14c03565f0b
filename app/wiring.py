"""Opening the database with the domains' transaction listeners installed.

Rules that must hold on every write path are SQLAlchemy session listeners: the outline's
shape is recorded whenever a section moves or is renamed (reports/history.py), and a
transaction forgets the consent rounds it read once it flushes answers
(amendments/queries.py), and a direct edit checks the amendment on its section's floor
(amendments/direct_edits.py). They are installed here on the database's write sessions, for
every process that opens the database (server, CLI, demo, tests), never on SQLAlchemy's
global Session class at import time. The server's own listeners (webhooks, deadlines, read
caches) are added by `create_app`.
"""

from __future__ import annotations

from sqlalchemy import event

from app.amendments.direct_edits import note_direct_edits, recheck_floor_after_edits
from app.amendments.queries import forget_rounds
from app.db import Database
from app.reports.history import note_reshaped, record_shapes


def open_database(url: str, *, sqlite_busy_timeout_ms: int = 30_000) -> Database:
    database = Database(url, sqlite_busy_timeout_ms=sqlite_busy_timeout_ms)
    writes = database.write_sessions
    event.listen(writes, "after_flush", note_reshaped)
    event.listen(writes, "before_commit", record_shapes)
    event.listen(writes, "after_flush", forget_rounds)
    event.listen(writes, "after_flush", note_direct_edits)
    event.listen(writes, "before_commit", recheck_floor_after_edits)
    return database
