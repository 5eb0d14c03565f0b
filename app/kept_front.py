"""The front of the kept answers (setting `kept_answer_front`): the report, floor and
amendment list reads every member's page makes after every event, answered before routing,
dependencies and the threadpool, from the store of app/kept_answers.py.

- SQLite (one process sees every commit): the response each request (token hash, path, raw
  query) got since the last commit is answered again: the same request, the same token, the
  same state (`KeptAnswers._served`).
- Its route (setting `kept_views`): which kept answer (its key without the committed state:
  the caller's view) each request named, kept across commits with the access revision read
  in the snapshot that named it (`KeptAnswers._routes`). Database triggers move the revision
  on every change of a row a view rests on, in the changing transaction (migrations
  a4c1e7d2f905, b7e3f1a9c2d4). A request is answered with the answer its route names, with
  no token resolved, while the revision is the one it was named under:
  - SQLite: the one a routed read since the last commit read; after a commit the first
    reader of each view builds the answer through its route.
  - PostgreSQL (several processes, whose commits no process sees as they happen): the one a
    statement begun after the request arrived reads, with the report's committed state
    (`StateChecks`: one statement per report for every request that arrived while the one
    before it ran), which names the answer; a reader builds it through its route once per
    state.
  The whole room asks at once, before anything is built: one request per named answer goes
  to the app, and the others wait for it here (`_leading`).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, bindparam, select
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.clock import utcnow
from app.db import Database
from app.kept_answers import (
    ACCESS,
    FLIGHT_WAIT,
    Asked,
    Checked,
    KeptAnswers,
    Key,
    asked_of,
    respond,
    state_of_report,
)
from app.kept_reads import RowRead
from app.reports.models import Report
from app.schemas import MAX_ID

# How many leaders a request waits for at most, each after a commit came while it waited.
LEADS = 3
# The reads every member's page makes after every event (the report, its floor, its list).
FRONT_PATH = re.compile(r"/v1/reports/([1-9][0-9]{0,9})(|/floor|/amendments)")


class KeptAnswerFront:
    """ASGI: answers a request the store remembers from since the last commit (SQLite), or
    with the answer its route names (the module's docstring), before routing, dependencies
    and the threadpool; anything else goes on to the app (which fills the store). The
    floor's and the list's routes settle passed deadlines before they read: they are
    answered here only while nothing is due (and so is the report, whose text such a
    settling changes), as the deadline watch knows it (SQLite) or the check read it
    (PostgreSQL: `checks`)."""

    def __init__(
        self,
        app: ASGIApp,
        answers: KeptAnswers,
        watch: Watch | None,
        checks: StateChecks | None = None,
    ) -> None:
        self.app = app
        self.answers = answers
        self.watch = watch
        self.checks = checks
        # (key, generation) -> done: a request whose route names `key` is being answered by
        # the app (it builds the answer, or waits for its build). Only the event loop's
        # thread touches it.
        self._leading: dict[tuple[Key, int], asyncio.Future[None]] = {}
        self.waiting = 0  # requests waiting for a leader now (for tests)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            match = FRONT_PATH.fullmatch(scope["path"])
            if match is not None and int(match[1]) <= MAX_ID:
                if self.checks is not None:
                    asked = asked_of(scope)
                    if asked is not None and self.answers.route_of(asked) is not None:
                        checked = await self.checks.after_now(int(match[1]))
                        await self._checked(asked, checked, scope, receive, send)
                        return
                else:
                    asked = self._asked(scope)
                    if asked is not None:
                        await self._answer(asked, scope, receive, send)
                        return
        await self.app(scope, receive, send)

    async def _checked(
        self, asked: Asked, checked: Checked | None, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """PostgreSQL: the answer `asked`'s route names in the state `checked` (read by a
        statement begun after the request arrived); when no reader has built it yet, one
        request per answer goes to the app and the others wait for it; else (no route that
        holds) the app answers."""
        if checked is None:
            await self.app(scope, receive, send)
            return
        named = self.answers.routed(asked, checked, utcnow())
        if named is not None:
            key, served = named
            if served is None:
                leading = self._leading.get((key, 0))
                if leading is None:
                    await self._lead((key, 0), scope, receive, send)
                    return
                await self._follow(leading)
                again = self.answers.routed(asked, checked, utcnow())
                served = None if again is None else again[1]
            if served is not None:
                await respond(served, _if_none_match(scope))(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _answer(self, asked: Asked, scope: Scope, receive: Receive, send: Send) -> None:
        """From the store; else, when the request's route names an answer that another
        request is being answered with since the last commit, that answer once it is kept
        (after a commit the whole room asks at once: one request per view goes to the app);
        else from the app. A commit that comes while it waits (the chair's next write) asks
        again: it waits for the first request of the new commit's, or is that request."""
        served = self.answers.served(asked, utcnow())
        for _ in range(LEADS):
            route = None if served is not None else self.answers.route_of(asked)
            if route is None:
                break
            leading = self._leading.get(route)
            if leading is None:
                await self._lead(route, scope, receive, send)
                return
            await self._follow(leading)
            served = self.answers.served(asked, utcnow())
            if served is None and self.answers.route_of(asked) == route:
                break  # the leader left nothing for it (refused, or no route): the app answers
        if served is None:
            await self.app(scope, receive, send)
            return
        await respond(served, _if_none_match(scope))(scope, receive, send)

    async def _follow(self, leading: asyncio.Future[None]) -> None:
        """Waits until the request answered first for the same answer is answered."""
        self.waiting += 1
        try:
            with contextlib.suppress(TimeoutError):  # a slow leader: the app answers
                await asyncio.wait_for(asyncio.shield(leading), FLIGHT_WAIT)
        finally:
            self.waiting -= 1

    async def _lead(
        self, route: tuple[Key, int], scope: Scope, receive: Receive, send: Send
    ) -> None:
        done = self._leading[route] = asyncio.get_running_loop().create_future()

        def release() -> None:  # whatever it answered: the others look again
            if not done.done():
                del self._leading[route]
                done.set_result(None)

        async def sending(message: Message) -> None:
            # Its answer is kept before its response starts: the others need not wait for
            # this reader's connection to take the body (a slow reader holds nobody up).
            if message["type"] == "http.response.start":
                release()
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            release()

    def _asked(self, scope: Scope) -> Asked | None:
        """The request as the store knows it, while the deadline watch knows that nothing
        is due; else None (the app answers)."""
        if self.watch is None or not self.watch.nothing_due(utcnow()):
            return None
        return asked_of(scope)


def _if_none_match(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            return str(value.decode("latin-1"))
    return None


@dataclass
class _Check:
    done: asyncio.Future[Checked | None]
    # Requests that arrived while it ran: the next check (begun after it) answers them.
    after: asyncio.Future[Checked | None] | None = None


class StateChecks:
    """PostgreSQL: the report's committed state and the access revision, read by a statement
    begun after the requests it answers arrived (a client that saw an event from any process
    and then asks reads at least that commit), one statement per report at a time for every
    request that arrived while the one before it ran (after an event the whole room asks at
    once). `rows`: per kind of answer (the first item of its key), the route's `RowRead`,
    whose state columns the check reads as the route does; `due`: whether a consent round of
    the report is due (a boolean column bound by `report_id` and `now`)."""

    def __init__(
        self, database: Database, rows: Mapping[str, RowRead], due: ColumnElement[bool]
    ) -> None:
        self.database = database
        columns: list[ColumnElement[Any]] = [ACCESS, due]
        self._spans: dict[str, tuple[int, int]] = {}
        for kind, row in rows.items():
            start = len(columns) + 1  # after the report row
            columns += row.state
            self._spans[kind] = (start, start + len(row.state))
        self._statement = select(Report, *columns).where(Report.id == bindparam("report_id"))
        self._running: dict[int, _Check] = {}  # report id -> the check under way (loop only)
        self._tasks: set[asyncio.Task[None]] = set()
        self.statements = 0  # checks made (for tests)

    async def after_now(self, report_id: int) -> Checked | None:
        """The report's state read by a statement begun after this call (None: no report,
        or the read failed: the app answers)."""
        running = self._running.get(report_id)
        loop = asyncio.get_running_loop()
        if running is None:
            done: asyncio.Future[Checked | None] = loop.create_future()
            self._running[report_id] = _Check(done)
            task = loop.create_task(self._run(report_id))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        elif running.after is None:
            done = running.after = loop.create_future()
        else:
            done = running.after
        return await asyncio.shield(done)

    async def _run(self, report_id: int) -> None:
        while True:
            check = self._running[report_id]
            try:
                found = await run_in_threadpool(self._read, report_id, utcnow())
            except Exception:  # the app's own read will answer (or say what failed)
                found = None
            if not check.done.done():
                check.done.set_result(found)
            if check.after is None:
                del self._running[report_id]
                return
            self._running[report_id] = _Check(check.after)

    def _read(self, report_id: int, now: datetime) -> Checked | None:
        self.statements += 1
        with self.database.session(write=False, one_statement=True) as session:
            row = session.execute(self._statement, {"report_id": report_id, "now": now}).first()
            if row is None:
                return None
            base = state_of_report(row[0])
            return Checked(
                access=row[1],
                due=bool(row[2]),
                states={kind: base + tuple(row[a:b]) for kind, (a, b) in self._spans.items()},
            )


class Watch(Protocol):
    """The deadline watch (app/amendments/deadlines.py), as this module reads it."""

    def nothing_due(self, now: datetime) -> bool: ...
