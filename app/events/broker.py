"""Live fan-out of a report's events to stream subscribers in this process.

The database is the only source of truth. A commit in this process hands the events it
recorded to the report's feed (no read back: they are what was committed); a commit in
another process *wakes* the feed through PostgreSQL LISTEN/NOTIFY, and the feed reads the new
events by sequence number, once for the whole process. Every subscriber takes what it has
not seen yet. A feed only ever appends the event after its last one: a hand-over that would
leave a gap (commits handed over out of order) reads the log instead. So subscribers get
events in commit order with no gap and no duplicate, however the wake-ups are ordered,
repeated or merged.

Before the subscribers wake for new events, the broker's gate (the streams' standings,
app/events/standing.py) checks once, for all of them, what their readers may still see: a
subscriber then finds its answer ready and wakes once per event, instead of waking to find a
check under way and waking again when it ends. For this process's own commits that check is
made *ahead*, in the committing thread right after the commit, and handed over with the
events: the loop then wakes the subscribers in the hand-over's callback, without a trip to
the thread pool and back (two waits for the GIL while the loop fans out the event before).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from bisect import bisect_right
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool

from app.db import NOTIFY_CHANNEL, Database
from app.events.models import Event

logger = logging.getLogger("plenary.broker")
FEED_LIMIT = 2000  # events kept in memory per report; older ones are read from the database
# Called with a report id and its feed's last event before the feed's subscribers wake for the
# events up to it; what it returns is awaited first (None: nothing to wait for).
Gate = Callable[[int, int], Awaitable[None] | None]
# Called in the committing thread just after a commit (a report id, the commit's last event for
# it): the gate's work done there. What it returns runs on the loop before the gate is asked.
Ahead = Callable[[int, int], Callable[[], None] | None]


@dataclass(frozen=True)
class StoredEvent:
    id: int
    seq: int
    report_id: int
    type: str
    actor_id: int | None
    actor_salt: str
    actor_commitment: str
    payload: dict[str, Any]
    created_at: str
    prev_hash: str
    hash: str
    legacy_hash: str | None
    signature: str | None = None
    signing_key_id: int | None = None
    messages: dict[bool, bytes] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, event: Event) -> StoredEvent:
        return cls(
            id=event.id,
            seq=event.seq,
            report_id=event.report_id,
            type=event.type,
            actor_id=event.actor_id,
            actor_salt=event.actor_salt,
            actor_commitment=event.actor_commitment,
            payload=event.payload,
            created_at=event.created_at.isoformat(),
            prev_hash=event.prev_hash,
            hash=event.hash,
            legacy_hash=event.legacy_hash,
            signature=event.signature,
            signing_key_id=event.signing_key_id,
        )


def _seq(event: StoredEvent) -> int:
    return event.seq


def read_events(
    database: Database, report_id: int, after_seq: int, limit: int
) -> list[StoredEvent]:
    with database.session(write=False, one_statement=True) as session:
        rows = session.scalars(
            select(Event)
            .where(Event.report_id == report_id, Event.seq > after_seq)
            .order_by(Event.seq)
            .limit(limit)
        )
        return [StoredEvent.of(e) for e in rows]


def last_seq(database: Database, report_id: int) -> int:
    with database.session(write=False, one_statement=True) as session:
        value = session.scalar(select(func.max(Event.seq)).where(Event.report_id == report_id))
        return int(value or 0)


@dataclass
class Feed:
    report_id: int
    last_seq: int
    cleared_seq: int  # the last event subscribers may take: held, and passed by the gate
    handing: int = 0  # the last event a commit in this process is handing over (any thread)
    events: list[StoredEvent] = field(default_factory=list)
    refreshing: asyncio.Lock = field(default_factory=asyncio.Lock)
    subscribers: int = 0
    dirty: bool = False
    beats: int = 0  # heartbeat ticks: one timer per feed, not one per subscriber
    ticker: asyncio.Task[None] | None = None
    clearing: asyncio.Task[None] | None = None  # the gate's pass under way, if any
    # One future per waiting subscriber, all resolved in one pass when news arrives: they
    # wake in the same loop iteration (a Condition would hand its lock to them one by one),
    # each by one callback (a shared future needs a shield per waiter, three callbacks), and
    # a subscriber that leaves cancels only its own.
    _waiters: list[asyncio.Future[None]] = field(default_factory=list)

    def waiter(self) -> asyncio.Future[None]:
        """A future resolved at the next news (events after `last_seq`, or a heartbeat)."""
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        return waiter

    def held_after(self, seq: int) -> list[StoredEvent] | None:
        """The cleared events after `seq` if memory holds them all (None: read the log)."""
        events = self.events
        if not events or events[0].seq > seq + 1:
            return None
        end = len(events)
        if events[-1].seq > self.cleared_seq:  # the newest wait for the gate
            end = bisect_right(events, self.cleared_seq, key=_seq)
        if end and events[end - 1].seq == seq + 1:  # a subscriber keeping up: just the newest
            return events[end - 1 : end]
        return events[bisect_right(events, seq, key=_seq) : end]

    def notify(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():  # cancelled: its subscriber left
                waiter.set_result(None)


class Broker:
    def __init__(
        self, database: Database, gate: Gate | None = None, ahead: Ahead | None = None
    ) -> None:
        self.database = database
        self.gate = gate
        self.ahead = ahead
        self.feeds: dict[int, Feed] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self._listener: threading.Thread | None = None
        self._stop = threading.Event()
        self._tasks: set[asyncio.Future[None]] = set()
        # Called (on the listening thread) with the report id of every NOTIFY, from any
        # process: the read cache drops that report's answers.
        self.notice_listeners: list[Callable[[int], None]] = []

    # --- wake-ups -----------------------------------------------------------------------

    def wake(self, report_id: int, seq: int | None = None) -> None:
        """Thread-safe: new events may exist for `report_id` (up to `seq`, if known)."""
        loop = self.loop
        feed = self.feeds.get(report_id)
        if loop is None or loop.is_closed() or feed is None:
            return
        if seq is not None and seq <= max(feed.last_seq, feed.handing):
            return  # held, or being handed over (our own commit's NOTIFY): nothing to read
        loop.call_soon_threadsafe(self._schedule_refresh, report_id, seq)

    def on_commit(self, events: list[Event]) -> None:
        """Thread-safe, in the committing thread: hand the committed events of followed
        reports to their feeds, each report's in one loop callback, encoded by nobody yet."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        handed: dict[int, list[StoredEvent]] = {}
        for event in events:
            if event.report_id in self.feeds:
                handed.setdefault(event.report_id, []).append(StoredEvent.of(event))
        for report_id, fresh in handed.items():
            feed = self.feeds.get(report_id)
            if feed is not None:  # its NOTIFY, if it comes first, need not read the log
                feed.handing = max(feed.handing, fresh[-1].seq)
            ready = None
            try:
                ready = None if self.ahead is None else self.ahead(report_id, fresh[-1].seq)
            except Exception:  # only an answer readied early: the gate, then the streams, check
                logger.exception("stream check ahead failed for report %s", report_id)
            # The events are committed: they are handed over whatever happened above.
            loop.call_soon_threadsafe(self._hand_over, report_id, fresh, ready)

    def _hand_over(
        self, report_id: int, fresh: list[StoredEvent], ready: Callable[[], None] | None = None
    ) -> None:
        if ready is not None:
            ready()
        feed = self.feeds.get(report_id)
        if feed is None:
            return
        if fresh[0].seq > feed.last_seq + 1:  # an earlier commit is not here yet: read
            self._schedule_refresh(report_id, fresh[-1].seq)
            return
        self._append(feed, fresh)
        self._release(feed)

    def _schedule_refresh(self, report_id: int, seq: int | None = None) -> None:
        feed = self.feeds.get(report_id)
        if feed is None or (seq is not None and seq <= feed.last_seq):
            return  # already here (this process's own commit, announced by NOTIFY)
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
                    self._append(feed, fresh)
                    if len(fresh) == FEED_LIMIT:
                        feed.dirty = True
                self._release(feed)

    def _release(self, feed: Feed) -> None:
        """Wake the feed's subscribers for what it holds, once the gate has passed it."""
        if feed.clearing is None:  # else the pass under way goes on to what arrived meanwhile
            through, passing = self._pass(feed)
            if passing is not None:
                feed.clearing = asyncio.ensure_future(self._clear(feed, through, passing))

    def _pass(self, feed: Feed) -> tuple[int, Awaitable[None] | None]:
        """The gate's pass over the events the feed holds now; without one to wait for, the
        subscribers are woken at once."""
        through = feed.last_seq
        passing = None
        if self.gate is not None and through > feed.cleared_seq:
            passing = self.gate(feed.report_id, through)
        if passing is None:
            feed.cleared_seq = max(feed.cleared_seq, through)
            feed.notify()
        return through, passing

    async def _clear(self, feed: Feed, through: int, passing: Awaitable[None] | None) -> None:
        """Wake the subscribers for the events a pass began with when it ends, then pass what
        arrived meanwhile, until nothing is left."""
        try:
            while passing is not None:
                try:
                    await passing
                except Exception:
                    # The gate only readies what each stream checks for itself before it
                    # sends: the streams still check, and fail, on their own.
                    logger.exception("stream gate failed for report %s", feed.report_id)
                feed.cleared_seq = max(feed.cleared_seq, through)
                feed.notify()
                through, passing = self._pass(feed)
        finally:
            feed.clearing = None
            if isinstance(passing, Coroutine):  # cancelled (the feed's last subscriber left)
                passing.close()

    @staticmethod
    def _append(feed: Feed, fresh: list[StoredEvent]) -> None:
        fresh = [e for e in fresh if e.seq > feed.last_seq]
        if fresh:
            feed.events.extend(fresh)
            del feed.events[:-FEED_LIMIT]
            feed.last_seq = fresh[-1].seq

    # --- subscribers --------------------------------------------------------------------

    async def attach(self, report_id: int, *, heartbeat: float) -> Feed:
        self.loop = asyncio.get_running_loop()
        feed = self.feeds.get(report_id)
        if feed is None:
            seq = await run_in_threadpool(last_seq, self.database, report_id)
            feed = self.feeds.get(report_id)
            if feed is None:
                feed = self.feeds[report_id] = Feed(
                    report_id=report_id, last_seq=seq, cleared_seq=seq
                )
                # Commits between that read and now found no feed to hand their events to.
                self._schedule_refresh(report_id)
        if feed.ticker is None:
            feed.ticker = asyncio.create_task(self._beat(feed, heartbeat))
        feed.subscribers += 1
        return feed

    def detach(self, feed: Feed) -> None:
        feed.subscribers -= 1
        if feed.subscribers <= 0 and self.feeds.get(feed.report_id) is feed:
            del self.feeds[feed.report_id]
            if feed.ticker is not None:
                feed.ticker.cancel()
            if feed.clearing is not None:
                feed.clearing.cancel()

    @staticmethod
    async def _beat(feed: Feed, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            feed.beats += 1
            feed.notify()

    async def backlog(self, feed: Feed, seq: int, limit: int) -> list[StoredEvent]:
        """What a new subscriber missed after `seq`, at most `limit` events.

        The feed keeps its report's recent events in memory and fills that window from the
        database once, under its lock: two thousand screens reconnecting at once read the log
        once, not two thousand times. An older start is paged from the database directly."""
        if not self._holds(feed, seq):
            async with feed.refreshing:
                if not self._holds(feed, seq):
                    recent = await run_in_threadpool(
                        read_events, self.database, feed.report_id, seq, FEED_LIMIT
                    )
                    if len(recent) < FEED_LIMIT:  # else too far back to keep: just page it
                        first = feed.events[0].seq if feed.events else None
                        feed.events[:0] = [
                            e
                            for e in recent
                            if e.seq <= feed.last_seq and (first is None or e.seq < first)
                        ]
                        self._append(feed, recent)
                        self._release(feed)
                    return recent[:limit]
        return feed.events[bisect_right(feed.events, seq, key=_seq) :][:limit]

    @staticmethod
    def _holds(feed: Feed, seq: int) -> bool:
        """Does the feed's memory hold every event after `seq` that it knows of?"""
        if feed.last_seq <= seq:
            return True
        return bool(feed.events) and feed.events[0].seq <= seq + 1

    async def events_after(self, feed: Feed, seq: int) -> list[StoredEvent]:
        """Events after `seq`, from memory when the feed still holds them."""
        held = feed.held_after(seq)
        if held is not None:
            return held
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
                            self._heard(notice.payload)
            except Exception:
                logger.exception("LISTEN connection lost; reconnecting")
                self._stop.wait(1.0)

    def _heard(self, payload: str) -> None:
        """A NOTIFY: "report id:seq", one per event inserted (a trigger on `event`, migration
        3f6a2d9c8b15), or a bare report id."""
        report, _, seq = payload.partition(":")
        if not report.isdigit():
            return
        for listener in self.notice_listeners:
            listener(int(report))
        self.wake(int(report), int(seq) if seq.isdigit() else None)
