"""The streams' standings (app/events/standing.py): checks begun in a committing thread (the
broker's check ahead) and on the loop may end in any order; the views kept are always those
of the check begun last, so a revocation seen by a later check is never undone by an earlier
one that ends after it.

`current_views` stands in for the database: each call waits for the test to answer it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest

from app.events import standing as standing_module
from app.events.standing import Reader, Standings, Unknown, View

REPORT = 7
TOKEN = 11


class Roster:
    """The database's answers: each check takes the views set when it reads."""

    def __init__(self) -> None:
        self.views: View = True
        self.reads = 0
        self.release: list[threading.Event] = []

    def current_views(self, _db: Any, report_id: int, readers: list[Reader]) -> dict[Reader, View]:
        assert report_id == REPORT
        answer = dict.fromkeys(readers, self.views)  # what the rows hold as the read begins
        self.reads += 1
        gate = threading.Event()
        self.release.append(gate)
        gate.wait(10)
        return answer


async def until(check: Callable[[], bool], seconds: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "the expected state never came"
        await asyncio.sleep(0.005)


def test_an_earlier_check_that_ends_later_does_not_undo_a_later_ones_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    roster = Roster()
    monkeypatch.setattr(standing_module, "current_views", roster.current_views)

    async def scenario() -> None:
        standings = Standings(database=None)  # type: ignore[arg-type]
        followed = standings.join(REPORT, TOKEN)
        # The gate's check of event 3 begins on the loop (the token still readable)...
        gating = standings.gate(REPORT, 3)
        assert gating is not None
        checking = asyncio.ensure_future(gating)
        await until(lambda: roster.reads == 1)
        # ...then the token is revoked, and a commit's check ahead of event 4 begins after.
        roster.views = None
        kept: list[Callable[[], None] | None] = []
        ahead = threading.Thread(target=lambda: kept.append(standings.ahead(REPORT, 4)))
        ahead.start()
        await until(lambda: roster.reads == 2)
        roster.release[1].set()  # the later check ends first
        ahead.join()
        keep = kept[0]
        assert keep is not None
        keep()  # on the loop, as the broker's hand-over does
        assert standings.known(followed, TOKEN, through=4) is None
        roster.release[0].set()  # the earlier one ends now, with the older answer
        await checking
        assert standings.known(followed, TOKEN, through=3) is None
        assert standings.known(followed, TOKEN, through=4) is None
        assert isinstance(standings.known(followed, TOKEN, through=5), Unknown)
        standings.leave(followed, TOKEN)

    asyncio.run(scenario())


def test_a_check_ahead_of_a_report_nobody_follows_reads_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    roster = Roster()
    monkeypatch.setattr(standing_module, "current_views", roster.current_views)
    standings = Standings(database=None)  # type: ignore[arg-type]
    assert standings.ahead(REPORT, 1) is None
    unshared = Standings(database=None, shared=False)  # type: ignore[arg-type]
    unshared.join(REPORT, TOKEN)
    assert unshared.ahead(REPORT, 1) is None  # each stream checks its own (setting off)
    assert roster.reads == 0
