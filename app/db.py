"""Engine, sessions and the one place where transactions begin and end."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Protocol

import anyio
from fastapi import Depends, Request
from sqlalchemy import (
    ColumnElement,
    DateTime,
    Engine,
    MetaData,
    create_engine,
    event,
    literal_column,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator
from starlette.concurrency import run_in_threadpool

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always hands back timezone-aware datetimes, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


AfterCommit = Callable[[], None]
NOTIFY_CHANNEL = "plenary_events"


class DueCheck(Protocol):
    def nothing_due(self, now: datetime) -> bool: ...


@dataclass
class UnitOfWork:
    """What one transaction gathers and remembers, typed and in one place. `Database.session`
    makes one per transaction and, after the commit, hands `events` to the event listeners
    (streams, caches) and runs `after_commit`; a rollback drops it all."""

    # Events recorded by the transaction, in order (the chain's head within it; webhooks).
    events: list[Any] = field(default_factory=list)
    after_commit: list[AfterCommit] = field(default_factory=list)
    # Reports whose outline changed shape: their new shape is recorded before the commit.
    reshaped_reports: set[int] = field(default_factory=set)
    # Sections a direct edit moved: the amendment on their floor is checked before the commit.
    edited_sections: set[int] = field(default_factory=set)
    # Consent rounds read by the transaction, until its next flush (amendments/queries.py).
    round_states: dict[int, Any] = field(default_factory=dict)
    # When one process serves the database: tells when no consent round can be due.
    deadline_watch: DueCheck | None = None
    # The event chain's head (seq, hash; 0 and None before the first event) of each report
    # this transaction locked, as read with the lock (`reports.access.lock_report`).
    chain_heads: dict[int, tuple[int, str | None]] = field(default_factory=dict)
    # Whether each report this transaction locked had an active webhook in its group, as read
    # with the lock: its events' deliveries need no read of their own when it had none.
    hooked_reports: dict[int, bool] = field(default_factory=dict)
    # Events recorded but not yet inserted, while a write gathers its events to insert them
    # in one statement (`events.recording.events_written_together`); None: each at once.
    held_events: list[Any] | None = None
    # A read transaction: one snapshot of committed state, never a write. Only what such a
    # transaction reads may be kept by caches keyed on database state: a writer's own
    # uncommitted state could roll back, and its key be reached again by another change.
    snapshot_read: bool = False


_WORK = "plenary.unit_of_work"


def unit_of_work(session: Session) -> UnitOfWork:
    """The unit of work of the session's transaction (a session made elsewhere gets one)."""
    work = session.info.get(_WORK)
    if work is None:
        work = session.info[_WORK] = UnitOfWork()
    return work


class Database:
    """Owns the engine; hands out sessions whose transaction is committed or rolled back here."""

    def __init__(self, url: str, *, sqlite_busy_timeout_ms: int = 30_000) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = create_engine(
                url,
                connect_args={"check_same_thread": False, "timeout": sqlite_busy_timeout_ms / 1000},
                # Connections to a local file are cheap; a request waiting for its endpoint's
                # thread must never wait for a connection too.
                pool_size=60,
                max_overflow=-1,
            )
            _configure_sqlite(self.engine, sqlite_busy_timeout_ms)
        else:
            # As many kept connections as threads that use them (anyio's 40): with fewer, the
            # connections beyond the pool's size were closed on return and opened again by
            # the next request, a new PostgreSQL backend per request under load. No pre-ping:
            # it would cost a round trip per checkout; a dead connection fails its request,
            # and the pool drops it.
            self.engine = create_engine(url, pool_size=40, max_overflow=20, pool_pre_ping=False)
        # Writers on SQLite take the write lock up front (BEGIN IMMEDIATE): a deferred
        # transaction that upgrades from read to write mid-way fails with "database is locked"
        # instead of waiting for the busy timeout.
        self.write_engine = self.engine.execution_options(plenary_write=True)
        # One statement needs no transaction: on PostgreSQL that saves its BEGIN and COMMIT,
        # two of its three round trips (psycopg switches autocommit without any I/O); on
        # SQLite its BEGIN (the driver runs in autocommit, `_configure_sqlite`, so the
        # statement is its own read transaction and the COMMIT finds none to end).
        self.autocommit_engine = (
            self.engine.execution_options(plenary_no_begin=True)
            if self.is_sqlite
            else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        # A read on PostgreSQL sees one snapshot for its whole transaction, as on SQLite: in
        # READ COMMITTED each statement would see its own, and an answer (and a cache key read
        # beside it) could mix two states. Read-only transactions never fail for it, and
        # psycopg sends the level inside the same BEGIN.
        reader = (
            self.engine
            if self.is_sqlite
            else self.engine.execution_options(isolation_level="REPEATABLE READ")
        )
        self._read_sessions = sessionmaker(bind=reader, expire_on_commit=False)
        self._statement_sessions = sessionmaker(bind=self.autocommit_engine, expire_on_commit=False)
        # Called with the events a transaction recorded, once it has committed.
        self.event_listeners: list[Callable[[list[Any]], None]] = []
        # Called after every write transaction commits (read caches drop what they hold).
        self.commit_listeners: list[Callable[[], None]] = []
        self.write_sessions = sessionmaker(bind=self.write_engine, expire_on_commit=False)
        # Set when one process serves the database: tells when no consent round can be due.
        self.deadline_watch: DueCheck | None = None
        # On PostgreSQL every event inserted sends a NOTIFY on NOTIFY_CHANNEL ("report id:seq")
        # from a trigger in the same statement (migration 3f6a2d9c8b15); delivered on commit,
        # and dropped on rollback. The process that committed already holds those events.

    @contextmanager
    def session(self, *, write: bool = True, one_statement: bool = False) -> Iterator[Session]:
        """`one_statement`: a read of one statement, run outside a transaction on PostgreSQL
        (no BEGIN and COMMIT round trips; one statement sees one snapshot anyway)."""
        if one_statement:
            factory = self._statement_sessions
        else:
            factory = self.write_sessions if write else self._read_sessions
        session = factory()
        work = session.info[_WORK] = UnitOfWork(
            deadline_watch=self.deadline_watch, snapshot_read=not write and not one_statement
        )
        try:
            with session.begin():
                yield session
            if write:
                for forget in self.commit_listeners:
                    forget()
            if work.events:
                for listener in self.event_listeners:
                    listener(work.events)
            for callback in work.after_commit:
                callback()
        finally:
            session.info.pop(_WORK, None)
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


# A gate this wide admits every write at once (setting `write_gate` off): each waits for the
# lock in its own thread, the path the gate exists to avoid.
UNGATED = 1_000_000


class WriteGate:
    """Admits a bounded number of write requests per process; the rest wait on the event loop.

    A write transaction holds its lock (SQLite's write lock, or PostgreSQL report row locks)
    across several threadpool calls: dependencies, the endpoint, the commit. Were every
    waiting writer parked in a thread, blocked on that lock, the holder could find no free
    thread to finish in, and all of them would wait for the busy timeout ("database is
    locked"). Waiting here costs no thread. SQLite has one writer at a time anyway, so its
    gate admits one."""

    def __init__(self, size: int) -> None:
        self.size = size
        # One semaphore per event loop: a server has one loop, test clients may run several.
        self._semaphores: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, asyncio.Semaphore
        ] = weakref.WeakKeyDictionary()

    async def enter(self) -> Callable[[], None]:
        """Wait for a place; returns the function that gives it back."""
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.size)
        await semaphore.acquire()
        return semaphore.release

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        """For background writers (webhook bookkeeping): the same queue as requests."""
        leave = await self.enter()
        try:
            yield
        finally:
            leave()


def after_commit(session: Session, callback: AfterCommit) -> None:
    """Run `callback` once the session's transaction has committed; dropped on rollback."""
    unit_of_work(session).after_commit.append(callback)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself (pysqlite's own
        # transaction handling would defer it and ignore IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        if options.get("plenary_no_begin", False):
            return  # one statement (`Database.autocommit_engine`)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get("plenary_write") else "BEGIN")


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's session. A write's waits first for its place in the process's write
    queue (`WriteGate`), held until its transaction has ended. Opening it does no I/O (the
    first query checks out the connection, in the endpoint's thread), so only the commit or
    rollback takes a hop to the threadpool, shielded: a cancelled request still ends its
    transaction."""
    database: Database = request.app.state.database
    write = request.method not in ("GET", "HEAD", "OPTIONS")
    leave = await request.app.state.write_gate.enter() if write else None
    try:
        transaction = database.session(write=write)
        session = transaction.__enter__()
        request.state.session = session
        request.state.transaction = transaction
        failure: BaseException | None = None
        try:
            yield session
        except BaseException as exc:
            failure = exc
            raise
        finally:
            if request.state.transaction is not None:  # else ended by `end_transaction`
                request.state.transaction = None
                with anyio.CancelScope(shield=True):
                    await run_in_threadpool(
                        transaction.__exit__,
                        None if failure is None else type(failure),
                        failure,
                        None if failure is None else failure.__traceback__,
                    )
    finally:
        if leave is not None:
            leave()


def end_transaction(request: Request) -> None:
    """Commit the request's transaction now, in the calling thread (a sync endpoint's, as
    its last step), rather than in one more thread hop when the session dependency ends;
    that dependency then has nothing left to end. A failed commit raises here, and the
    transaction is over either way (`Database.session` closes the session)."""
    transaction = request.state.transaction
    request.state.transaction = None
    transaction.__exit__(None, None, None)


# scope="function": the transaction commits before the response is sent, so a client
# never sees a 2xx for a write that then failed to commit.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def in_constants(column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """`column IN (...)` over constants (members of a string enum), written into the statement
    when it is compiled: a list bound as one parameter is spliced into the SQL text again at
    every execution of the statement."""
    texts = sorted(str(getattr(value, "value", value)).replace("'", "''") for value in values)
    clause: ColumnElement[bool] = column.in_([literal_column(f"'{text}'") for text in texts])
    return clause


def enum_column(enum_cls: type[Any], length: int = 20, *, name: str | None = None) -> Any:
    """A portable enum column: VARCHAR plus a CHECK constraint, stored by value.

    `name` names the CHECK constraint; give one when a table has two columns of one enum."""
    from sqlalchemy import Enum

    return Enum(
        enum_cls,
        name=name or enum_cls.__name__.lower(),
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
