"""Counting what a request sends to the database: statements and round trips.

`StatementCounter` listens on an engine (SQLAlchemy's `before_cursor_execute`, plus the
transaction events) while it is open, and keeps every statement a thread sent. It lives here,
beside the bench, and in tests, never in the app's own code paths.

Round trips are what a remote database makes expensive. With psycopg 3 outside autocommit,
the first statement of a transaction is preceded by its own `BEGIN`, and a transaction that
ran a statement ends with a `COMMIT` or `ROLLBACK` of its own; one that ran none ends without
I/O (psycopg skips the command on an idle connection), and so does the pool's reset on
return of a connection whose transaction has already ended. The counter counts the same way.
On SQLite `BEGIN` is a statement the app sends itself (see `app/db.py`); no network is
involved, and the statement count is the figure that matters there.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event


@dataclass
class Counted:
    """What one piece of work sent: every statement, and the round trips they took."""

    statements: list[str] = field(default_factory=list)
    round_trips: int = 0
    timings: list[float] = field(default_factory=list)  # seconds in the driver, per statement

    @property
    def seconds(self) -> float:
        """Time spent inside the driver's execute (statements only; for profiles)."""
        return sum(self.timings)

    def __len__(self) -> int:
        return len(self.statements)

    def describe(self) -> str:
        lines = [f"{len(self.statements)} statements, {self.round_trips} round trips"]
        timings = [f"{t * 1000:7.2f} ms " for t in self.timings]
        timings += [" " * 11] * (len(self.statements) - len(timings))  # still running
        lines += [
            f"  {t}{' '.join(s.split())[:150]}"
            for t, s in zip(timings, self.statements, strict=True)
        ]
        return "\n".join(lines)


class StatementCounter:
    """Counts statements and round trips on `engine` (and every engine sharing its pool:
    `Database.write_engine` is the same engine with other options)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.counted = Counted()
        self._lock = threading.Lock()
        self._open: set[int] = set()  # connections inside a transaction that sent a statement

    @contextmanager
    def counting(self, *, loop_statements: Any = None) -> Iterator[Counted]:
        """Count until the block ends; yields the running tally. `loop_statements`: an
        `app.reports.checked_reads.LoopStatements`, whose statements go through psycopg on the
        event loop, not through the engine (each is one round trip: autocommit)."""
        self.counted = Counted()
        if loop_statements is not None:
            fetch_one = loop_statements.fetch_one

            async def counted_fetch_one(params: dict[str, Any]) -> Any:
                started = time.perf_counter()
                try:
                    return await fetch_one(params)
                finally:
                    with self._lock:
                        self.counted.statements.append(loop_statements.sql)
                        self.counted.timings.append(time.perf_counter() - started)
                        self.counted.round_trips += 1

            loop_statements.fetch_one = counted_fetch_one
        listeners = [
            ("before_cursor_execute", self._statement),
            ("after_cursor_execute", self._statement_done),
            ("commit", self._end),
            ("rollback", self._end),
        ]
        for name, fn in listeners:
            event.listen(self.engine, name, fn)
        try:
            yield self.counted
        finally:
            for name, fn in listeners:
                event.remove(self.engine, name, fn)
            self._open.clear()
            if loop_statements is not None:
                del loop_statements.fetch_one  # the class's method again

    def _statement(
        self, connection: Any, _cursor: Any, statement: str, *_args: Any, **_kw: Any
    ) -> None:
        connection.info["bench.started"] = time.perf_counter()
        with self._lock:
            self.counted.statements.append(statement)
            self.counted.round_trips += 1
            if self._is_psycopg(connection) and not self._autocommit(connection):
                key = id(connection.connection.dbapi_connection)
                if key not in self._open:
                    self._open.add(key)
                    self.counted.round_trips += 1  # psycopg's own BEGIN

    def _statement_done(self, connection: Any, *_args: Any, **_kw: Any) -> None:
        started = connection.info.pop("bench.started", None)
        if started is not None:
            with self._lock:
                self.counted.timings.append(time.perf_counter() - started)

    def _end(self, connection: Any) -> None:
        with self._lock:
            if not self._is_psycopg(connection):
                return
            key = id(connection.connection.dbapi_connection)
            if key in self._open:
                self._open.discard(key)
                self.counted.round_trips += 1  # COMMIT or ROLLBACK

    @staticmethod
    def _is_psycopg(connection: Any) -> bool:
        return bool(connection.dialect.driver == "psycopg")

    @staticmethod
    def _autocommit(connection: Any) -> bool:
        # psycopg's own flag: asking SQLAlchemy for the isolation level would query the server
        return bool(connection.connection.dbapi_connection.autocommit)
