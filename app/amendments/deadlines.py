"""Deadlines take effect on time, without waiting for a request, and before any read."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from fastapi import Request
from sqlalchemy import event
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.amendments import queries, settling
from app.amendments.models import Amendment
from app.clock import utcnow
from app.db import Database, WriteGate, after_commit
from app.groups.models import Role
from app.kept_reads import DueRounds
from app.reports.models import Report

logger = logging.getLogger("plenary.deadlines")


class DeadlineWatch:
    """The earliest moment a consent round of this database can fall due, as far as this
    process knows: a lower bound, so that until then a request need not look.

    It learns the earliest open deadline each time it settles, and every round this process
    opens lowers it once its transaction commits. A round opened by another process is not
    seen, so the watch is for a database that one process serves (SQLite)."""

    def __init__(self, database: Database) -> None:
        self._lock = threading.Lock()
        self._known = False
        self._earliest: datetime | None = None
        self._lowered = 0  # counts lowerings, so a settle never overwrites a newer round
        event.listen(database.write_sessions, "after_flush", self._note_rounds)

    def nothing_due(self, now: datetime) -> bool:
        with self._lock:
            return self._known and (self._earliest is None or now < self._earliest)

    def begin(self) -> int:
        with self._lock:
            return self._lowered

    def learned(self, begun: int, earliest: datetime | None) -> None:
        """`earliest` open deadline, read after `begin()` returned `begun`."""
        with self._lock:
            if self._lowered != begun and self._earliest is not None:
                earliest = self._earliest if earliest is None else min(earliest, self._earliest)
            self._earliest = earliest
            self._known = True

    def _lower(self, deadline: datetime) -> None:
        with self._lock:
            self._lowered += 1
            if self._earliest is None or deadline < self._earliest:
                self._earliest = deadline

    def _note_rounds(self, session: Session, _context: Any) -> None:
        for obj in (*session.new, *session.dirty):
            if isinstance(obj, Amendment) and obj.is_round_open:
                if obj.consent_deadline is not None:
                    after_commit(session, partial(self._lower, obj.consent_deadline))
                if obj.remind_at is not None and obj.reminded_at is None:
                    after_commit(session, partial(self._lower, obj.remind_at))


def settle_all_due(
    database: Database, watch: DeadlineWatch | None = None, *, now: datetime | None = None
) -> int:
    """Close every consent round whose deadline has passed and send the reminders due;
    returns how many reports moved. `now`: the sweep's clock (tests move it forward)."""
    begun = watch.begin() if watch is not None else 0
    # Without a watch (PostgreSQL) this is one statement before every amendment write.
    with database.session(write=False, one_statement=watch is None) as session:
        now = now or utcnow()
        due = queries.reports_with_due_rounds(session, now=now)
        upcoming = queries.earliest_open_deadline(session, after=now) if watch else None
    for report_id in due:
        settle_report(database, report_id, now)
    if watch is not None:
        watch.learned(begun, upcoming)
    return len(due)


def settle_report(database: Database, report_id: int, now: datetime) -> None:
    """Close the rounds of one report whose deadline passed by `now` (and send its reminders
    due), under the report's lock, in a transaction of its own."""
    with database.session() as session:
        report = session.get(Report, report_id, with_for_update=True)
        if report is not None:
            settling.settle_due(session, report=report, now=now)


# For the reads that must reflect their report's passed deadlines (the floor, the list): on
# PostgreSQL the report row is read with whether a round of it is due (`kept_answers`), and
# only then is the report settled, so a read with nothing due costs no statement for it.
DUE_FOR_READS = DueRounds(queries.ANY_DUE, settle_report)

_SETTLES_ITS_REPORT = "__plenary_settles_its_report__"
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def settles_its_report(endpoint: Endpoint) -> Endpoint:
    """Marks an endpoint that reads nothing but its own report and settles that report's due
    rounds itself first: a write under its lock (`settling.settle_due`), a kept read when its
    report row says a round is due (`DUE_FOR_READS`). The settling of every report before it
    (`settle_before_request`) would add nothing to what it reads or answers, and without the
    deadline watch (PostgreSQL) cost a thread hop and a statement. With the watch (SQLite)
    the dependency still settles: it costs nothing while the watch knows nothing is due."""
    setattr(endpoint, _SETTLES_ITS_REPORT, True)
    return endpoint


async def settle_before_request(request: Request) -> None:
    """A route dependency: runs before the request's own transaction starts, so what the
    request reads already reflects every passed deadline."""
    watch: DeadlineWatch | None = request.app.state.deadline_watch
    if watch is not None and watch.nothing_due(utcnow()):
        return
    # With a watch, settling here also teaches it the earliest deadline (then it is free).
    if watch is None and getattr(request.scope.get("endpoint"), _SETTLES_ITS_REPORT, False):
        return
    await run_in_threadpool(settle_all_due, request.app.state.database, watch)


async def sweep_forever(
    database: Database, interval: float, watch: DeadlineWatch | None, gate: WriteGate
) -> None:
    while True:
        await asyncio.sleep(interval)
        if watch is not None and watch.nothing_due(utcnow()):
            continue
        try:
            # In the requests' write queue: a sweep that took SQLite's lock from a thread would
            # make the request holding the gate wait for it in the busy timeout.
            async with gate.held():
                await run_in_threadpool(settle_all_due, database, watch)
        except Exception:  # keep sweeping; the next request settles too
            logger.exception("deadline sweep failed")


__all__ = [
    "DUE_FOR_READS",
    "DeadlineWatch",
    "Role",
    "settle_all_due",
    "settle_before_request",
    "settle_report",
    "sweep_forever",
]
