"""The broker's feed: committed events handed over without a read, a gap read from the log,
NOTIFY notices of events already held dropped, and waiters that leave alone.

The log is a list here (`read_events` and `last_seq` stand in for the database), so each test
can count the reads the broker makes."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from app.events import broker as broker_module
from app.events.broker import Broker, Feed, StoredEvent
from app.events.models import Event

REPORT = 7


def event(seq: int, report_id: int = REPORT) -> Event:
    return Event(
        id=100 + seq,
        report_id=report_id,
        seq=seq,
        type="version.created",
        actor_id=3,
        actor_salt="5a" * 32,
        actor_commitment="c0" * 32,
        payload={"number": seq},
        created_at=datetime(2026, 11, 28, 14, 0, seq, tzinfo=UTC),
        prev_hash="a" * 64,
        hash=f"{seq:064d}",
        legacy_hash=None,
    )


class Log:
    """The report's committed events, and the reads made of them."""

    def __init__(self, committed: int) -> None:
        self.events = [event(n) for n in range(1, committed + 1)]
        self.reads: list[int] = []

    def read_events(self, _db: Any, report_id: int, after_seq: int, limit: int) -> list[Any]:
        self.reads.append(after_seq)
        found = [e for e in self.events if e.report_id == report_id and e.seq > after_seq]
        return [StoredEvent.of(e) for e in found[:limit]]

    def last_seq(self, _db: Any, report_id: int) -> int:
        return max((e.seq for e in self.events if e.report_id == report_id), default=0)

    def commit(self, seq: int) -> Event:
        committed = event(seq)
        self.events.append(committed)
        return committed


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch) -> Iterator[Log]:
    log = Log(committed=2)
    monkeypatch.setattr(broker_module, "read_events", log.read_events)
    monkeypatch.setattr(broker_module, "last_seq", log.last_seq)
    yield log


async def settle() -> None:
    """Lets the loop run the hand-overs and refreshes scheduled so far (threadpool reads too)."""
    for _ in range(20):
        await asyncio.sleep(0.01)


async def until(check: Callable[[], bool], seconds: float = 10) -> None:
    """Waits for a state the test expects (the loop keeps running), never for a time."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "the expected state never came"
        await asyncio.sleep(0.005)


async def attached(broker: Broker) -> Feed:
    feed = await broker.attach(REPORT, heartbeat=60)
    await settle()
    return feed


def from_another_thread(call: Any, *args: Any) -> None:
    """Commits end in worker threads, as in the server."""
    thread = threading.Thread(target=call, args=args)
    thread.start()
    thread.join()


def test_a_commit_hands_its_events_to_the_feed_without_reading_them_back(log: Log) -> None:
    async def scenario() -> None:
        broker = Broker(database=None)  # type: ignore[arg-type]
        feed = await attached(broker)
        assert feed.last_seq == 2
        reads = len(log.reads)
        waiter = feed.waiter()
        from_another_thread(broker.on_commit, [log.commit(3), log.commit(4)])
        await settle()
        assert waiter.done()
        assert [e.seq for e in feed.events] == [3, 4] and feed.last_seq == 4
        assert feed.events[0] == StoredEvent.of(log.events[2])
        assert len(log.reads) == reads  # no read back
        broker.detach(feed)

    asyncio.run(scenario())


def test_a_hand_over_that_would_leave_a_gap_reads_the_log_instead(log: Log) -> None:
    async def scenario() -> None:
        broker = Broker(database=None)  # type: ignore[arg-type]
        feed = await attached(broker)
        third, fourth = log.commit(3), log.commit(4)
        reads = len(log.reads)
        # The later commit's callback reaches the loop first.
        from_another_thread(broker.on_commit, [fourth])
        await settle()
        assert log.reads[reads:] == [2]
        assert [e.seq for e in feed.events] == [3, 4]
        from_another_thread(broker.on_commit, [third])  # late: already held, nothing doubled
        await settle()
        assert [e.seq for e in feed.events] == [3, 4] and feed.last_seq == 4
        broker.detach(feed)

    asyncio.run(scenario())


def test_a_notice_of_events_already_held_is_dropped_and_others_are_read(log: Log) -> None:
    async def scenario() -> None:
        broker = Broker(database=None)  # type: ignore[arg-type]
        heard: list[int] = []
        broker.notice_listeners.append(heard.append)
        feed = await attached(broker)
        reads = len(log.reads)
        from_another_thread(broker._heard, f"{REPORT}:2")  # our own commit, already held
        await settle()
        assert log.reads[reads:] == []
        log.commit(3)  # by another process
        from_another_thread(broker._heard, f"{REPORT}:3")
        await settle()
        assert log.reads[reads:] == [2] and feed.last_seq == 3
        log.commit(4)
        from_another_thread(broker._heard, str(REPORT))  # a notice without a sequence number
        await settle()
        assert log.reads[reads:] == [2, 3] and feed.last_seq == 4
        from_another_thread(broker._heard, "not a report")
        await settle()
        assert heard == [REPORT, REPORT, REPORT] and log.reads[reads:] == [2, 3]
        broker.detach(feed)

    asyncio.run(scenario())


def test_a_waiter_that_leaves_does_not_disturb_the_others(log: Log) -> None:
    async def scenario() -> None:
        broker = Broker(database=None)  # type: ignore[arg-type]
        feed = await attached(broker)
        leaving = asyncio.ensure_future(feed.waiter())
        staying = asyncio.ensure_future(feed.waiter())
        await asyncio.sleep(0)
        leaving.cancel()
        from_another_thread(broker.on_commit, [log.commit(3)])
        await settle()
        assert leaving.cancelled()
        assert staying.done() and not staying.cancelled()
        broker.detach(feed)

    asyncio.run(scenario())


def test_a_feed_opened_while_a_commit_ends_still_gets_its_events(
    log: Log, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit between the feed's first read of the last seq and its registration finds no
    feed to hand its events to: the new feed reads the log once after registering."""

    async def scenario() -> None:
        broker = Broker(database=None)  # type: ignore[arg-type]
        broker.loop = asyncio.get_running_loop()
        real_last_seq = log.last_seq

        def last_seq_then_a_commit(db: Any, report_id: int) -> int:
            seen = real_last_seq(db, report_id)
            broker.on_commit([log.commit(seen + 1)])  # no feed yet: nothing handed over
            return seen

        monkeypatch.setattr(broker_module, "last_seq", last_seq_then_a_commit)
        feed = await attached(broker)
        assert feed.last_seq == 3 and [e.seq for e in feed.events] == [3]
        broker.detach(feed)

    asyncio.run(scenario())


class Gate:
    """The broker's gate (the streams' standings in the server): each pass is a future the
    test ends, and the passes asked for are kept."""

    def __init__(self) -> None:
        self.passes: list[tuple[int, asyncio.Future[None]]] = []

    def __call__(self, report_id: int, through: int) -> asyncio.Future[None]:
        assert report_id == REPORT
        passing = asyncio.get_running_loop().create_future()
        self.passes.append((through, passing))
        return passing


def test_subscribers_wake_for_new_events_only_once_the_gate_has_passed_them(log: Log) -> None:
    """The gate runs the streams' shared check before they wake: a subscriber that woke
    before it would find no answer ready and wait again."""

    async def scenario() -> None:
        gate = Gate()
        broker = Broker(database=None, gate=gate)  # type: ignore[arg-type]
        feed = await attached(broker)
        waiter = feed.waiter()
        from_another_thread(broker.on_commit, [log.commit(3)])
        await until(lambda: len(gate.passes) == 1)
        assert [through for through, _ in gate.passes] == [3]
        assert not waiter.done() and feed.cleared_seq == 2 and feed.last_seq == 3
        assert feed.held_after(2) == []  # held, not yet to be taken
        gate.passes[0][1].set_result(None)
        await until(waiter.done)
        assert feed.cleared_seq == 3
        assert [e.seq for e in feed.held_after(2) or []] == [3]
        broker.detach(feed)

    asyncio.run(scenario())


def test_events_that_arrive_during_a_pass_are_passed_next_in_one_pass(log: Log) -> None:
    async def scenario() -> None:
        gate = Gate()
        broker = Broker(database=None, gate=gate)  # type: ignore[arg-type]
        feed = await attached(broker)
        from_another_thread(broker.on_commit, [log.commit(3)])
        await until(lambda: len(gate.passes) == 1)
        from_another_thread(broker.on_commit, [log.commit(4)])
        from_another_thread(broker.on_commit, [log.commit(5)])
        await until(lambda: feed.last_seq == 5)
        assert [through for through, _ in gate.passes] == [3]  # one pass at a time
        waiter = feed.waiter()
        gate.passes[0][1].set_result(None)
        await until(lambda: waiter.done() and len(gate.passes) == 2)
        # The first pass's events leave; the two that came during it are passed together.
        assert feed.cleared_seq == 3
        assert [through for through, _ in gate.passes] == [3, 5]
        assert [e.seq for e in feed.held_after(2) or []] == [3]
        gate.passes[1][1].set_result(None)
        await until(lambda: feed.cleared_seq == 5)
        assert feed.cleared_seq == 5 and [e.seq for e in feed.held_after(3) or []] == [4, 5]
        broker.detach(feed)

    asyncio.run(scenario())


def test_a_failing_gate_still_lets_the_events_go_to_the_streams_own_checks(
    log: Log, caplog: pytest.LogCaptureFixture
) -> None:
    """The gate only readies answers: a stream whose answer is not ready checks for itself
    before it sends (app/events/stream.py), so a failed pass must not hold events back."""

    async def scenario() -> None:
        gate = Gate()
        broker = Broker(database=None, gate=gate)  # type: ignore[arg-type]
        feed = await attached(broker)
        waiter = feed.waiter()
        from_another_thread(broker.on_commit, [log.commit(3)])
        await until(lambda: len(gate.passes) == 1)
        gate.passes[0][1].set_exception(RuntimeError("database gone"))
        await until(waiter.done)
        assert feed.cleared_seq == 3
        assert "stream gate failed" in caplog.text
        broker.detach(feed)

    asyncio.run(scenario())


def test_a_gate_with_nothing_to_check_wakes_the_subscribers_at_once(log: Log) -> None:
    async def scenario() -> None:
        asked: list[int] = []

        def nothing_to_check(_report_id: int, through: int) -> None:
            asked.append(through)

        broker = Broker(database=None, gate=nothing_to_check)  # type: ignore[arg-type]
        feed = await attached(broker)
        waiter = feed.waiter()
        from_another_thread(broker.on_commit, [log.commit(3)])
        await until(waiter.done)
        assert asked == [3] and feed.cleared_seq == 3
        broker.detach(feed)

    asyncio.run(scenario())


class Ahead:
    """The broker's check ahead (the streams' standings in the server): it runs in the
    committing thread; what it returns runs on the loop. `hold` keeps it from returning."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.asked: list[tuple[int, bool]] = []  # (through, on the loop's thread?)
        self.kept: list[int] = []
        self.hold = threading.Event()
        self.hold.set()
        self.loop_thread = threading.get_ident()

    def __call__(self, report_id: int, through: int) -> Callable[[], None]:
        assert report_id == REPORT
        self.asked.append((through, threading.get_ident() == self.loop_thread))
        self.hold.wait(10)
        if self.fail:
            raise RuntimeError("database gone")
        return lambda: self.kept.append(through)


def test_a_commit_checks_ahead_in_its_own_thread_and_the_gate_then_has_nothing_to_do(
    log: Log,
) -> None:
    """This process's commits bring the streams' check with their events: the subscribers
    wake in the hand-over, with the check's answer kept before the gate is asked."""

    async def scenario() -> None:
        ahead = Ahead()
        seen_by_gate: list[list[int]] = []

        def gate(_report_id: int, _through: int) -> None:
            seen_by_gate.append(list(ahead.kept))  # what the gate finds already kept

        broker = Broker(database=None, gate=gate, ahead=ahead)  # type: ignore[arg-type]
        feed = await attached(broker)
        waiter = feed.waiter()
        from_another_thread(broker.on_commit, [log.commit(3), log.commit(4)])
        await until(waiter.done)
        assert ahead.asked == [(4, False)]  # once per report and commit, not on the loop
        assert seen_by_gate == [[4]] and feed.cleared_seq == 4
        broker.detach(feed)

    asyncio.run(scenario())


def test_a_failing_check_ahead_still_hands_the_committed_events_over(
    log: Log, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario() -> None:
        gate = Gate()
        ahead = Ahead(fail=True)
        broker = Broker(database=None, gate=gate, ahead=ahead)  # type: ignore[arg-type]
        feed = await attached(broker)
        from_another_thread(broker.on_commit, [log.commit(3)])
        await until(lambda: feed.last_seq == 3 and len(gate.passes) == 1)
        assert "stream check ahead failed" in caplog.text
        waiter = feed.waiter()
        gate.passes[0][1].set_result(None)  # the gate checks instead
        await until(waiter.done)
        assert feed.cleared_seq == 3
        broker.detach(feed)

    asyncio.run(scenario())


def test_the_notice_of_a_commit_still_checking_ahead_does_not_read_the_log(log: Log) -> None:
    """PostgreSQL's NOTIFY of our own commit may come while the committing thread still
    checks ahead: the events are on their way, so the notice reads nothing."""

    async def scenario() -> None:
        ahead = Ahead()
        broker = Broker(database=None, ahead=ahead)  # type: ignore[arg-type]
        feed = await attached(broker)
        reads = len(log.reads)
        ahead.hold.clear()
        committing = threading.Thread(target=broker.on_commit, args=([log.commit(3)],))
        committing.start()
        await until(lambda: len(ahead.asked) == 1)
        from_another_thread(broker._heard, f"{REPORT}:3")
        ahead.hold.set()
        committing.join()
        await until(lambda: feed.cleared_seq == 3)
        assert log.reads[reads:] == [] and [e.seq for e in feed.events] == [3]
        broker.detach(feed)

    asyncio.run(scenario())
