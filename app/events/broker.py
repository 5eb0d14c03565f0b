"""Live fan-out of a report's events to stream subscribers in this process.

The database is the only source of truth. A commit merely *wakes* the report's feed (from
this process after commit, or from another process through PostgreSQL LISTEN/NOTIFY); the
feed then reads the new events by sequence number, once for the whole process, and every
subscriber takes what it has not seen yet. So subscribers get events in commit order with no
gap and no duplicate, however the wake-ups are ordered, repeated or merged.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool

from app.db import NOTIFY_CHANNEL, Database
from app.events.models import Event

logger = logging.getLogger("plenary.broker")
FEED_LIMIT = 2000  # events kept in memory per report; older ones are read from the database


@dataclass(frozen=True)
class StoredEvent:
    id: int
    seq: int
    report_id: int
    type: str
    actor_id: int | None
    payload: dict[str, Any]
    created_at: str
    prev_hash: str
    hash: str
    messages: dict[bool, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, event: Event) -> StoredEvent:
        return cls(
            id=event.id,
            seq=event.seq,
            report_id=event.report_id,
            type=event.type,
            actor_id=event.actor_id,
            payload=event.payload,
            created_at=event.created_at.isoformat(),
            prev_hash=event.prev_hash,
            hash=event.hash,
        )


def read_events(
    database: Database, report_id: int, after_seq: int, limit: int
) -> list[StoredEvent]:
    with database.session(write=False) as session:
        rows = session.scalars(
            select(Event)
            .where(Event.report_id == report_id, Event.seq > after_seq)
            .order_by(Event.seq)
            .limit(limit)
        )
        return [StoredEvent.of(e) for e in rows]


def last_seq(database: Database, report_id: int) -> int:
    with database.session(write=False) as session:
        value = session.scalar(select(func.max(Event.seq)).where(Event.report_id == report_id))
        return int(value or 0)


@dataclass
class Feed:
    report_id: int
    last_seq: int
    events: list[StoredEvent] = field(default_factory=list)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    refreshing: asyncio.Lock = field(default_factory=asyncio.Lock)
    subscribers: int = 0
    dirty: bool = False


class Broker:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.feeds: dict[int, Feed] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self._listener: threading.Thread | None = None
        self._stop = threading.Event()
        self._tasks: set[asyncio.Future[None]] = set()

    # --- wake-ups -----------------------------------------------------------------------

    def wake(self, report_id: int) -> None:
        """Thread-safe: new events may exist for `report_id`."""
        loop = self.loop
        if loop is None or loop.is_closed() or report_id not in self.feeds:
            return
        loop.call_soon_threadsafe(self._schedule_refresh, report_id)

    def on_commit(self, events: list[Event]) -> None:
        for report_id in {e.report_id for e in events}:
            self.wake(report_id)

    def _schedule_refresh(self, report_id: int) -> None:
        feed = self.feeds.get(report_id)
        if feed is not None:
            feed.dirty = True
            task = asyncio.ensure_future(self._refresh(feed))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _refresh(self, feed: Feed) -> None:
        async with feed.refreshing:
            while feed.dirty:
                feed.dirty = False
                fresh = await run_in_threadpool(
                    read_events, self.database, feed.report_id, feed.last_seq, FEED_LIMIT
                )
                if fresh:
                    feed.events.extend(fresh)
                    del feed.events[:-FEED_LIMIT]
                    feed.last_seq = fresh[-1].seq
                    if len(fresh) == FEED_LIMIT:
                        feed.dirty = True
                async with feed.changed:
                    feed.changed.notify_all()

    # --- subscribers --------------------------------------------------------------------

    async def attach(self, report_id: int) -> Feed:
        self.loop = asyncio.get_running_loop()
        feed = self.feeds.get(report_id)
        if feed is None:
            seq = await run_in_threadpool(last_seq, self.database, report_id)
            feed = self.feeds.setdefault(report_id, Feed(report_id=report_id, last_seq=seq))
        feed.subscribers += 1
        return feed

    def detach(self, feed: Feed) -> None:
        feed.subscribers -= 1
        if feed.subscribers <= 0 and self.feeds.get(feed.report_id) is feed:
            del self.feeds[feed.report_id]

    async def events_after(self, feed: Feed, seq: int) -> list[StoredEvent]:
        """Events after `seq`, from memory when the feed still holds them."""
        if feed.events and feed.events[0].seq <= seq + 1:
            return [e for e in feed.events if e.seq > seq]
        if feed.last_seq <= seq:
            return []
        return await run_in_threadpool(read_events, self.database, feed.report_id, seq, 1000)

    # --- PostgreSQL LISTEN/NOTIFY -------------------------------------------------------

    def start_listening(self, url: str, loop: asyncio.AbstractEventLoop) -> None:
        """Wake feeds when any process commits events (PostgreSQL only)."""
        self.loop = loop
        self._listener = threading.Thread(
            target=self._listen, args=(url,), name="plenary-listen", daemon=True
        )
        self._listener.start()

    def stop(self) -> None:
        self._stop.set()

    def _listen(self, url: str) -> None:
        import psycopg

        conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
        while not self._stop.is_set():
            try:
                with psycopg.connect(conninfo, autocommit=True) as connection:
                    connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    # Events committed while we were not listening: wake every feed once.
                    for report_id in list(self.feeds):
                        self.wake(report_id)
                    while not self._stop.is_set():
                        for notice in connection.notifies(timeout=1.0):
                            if notice.payload.isdigit():
                                self.wake(int(notice.payload))
            except Exception:
                logger.exception("LISTEN connection lost; reconnecting")
                self._stop.wait(1.0)
