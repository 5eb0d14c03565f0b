"""Background writers (deadline sweeps, consultation closings) queue with the requests' writes.

On SQLite one writer holds the lock at a time; a sweep that took it from a thread while a
request held the write gate would leave that request waiting out the busy timeout."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest

from app.amendments import deadlines
from app.consultations import sweep
from app.db import WriteGate


@pytest.mark.parametrize(
    ("module", "work", "start"),
    [
        (
            deadlines,
            "settle_all_due",
            lambda db, gate: deadlines.sweep_forever(db, 0.01, None, gate),
        ),
        (sweep, "record_closings", lambda db, gate: sweep.close_forever(db, 0.01, gate)),
    ],
)
def test_a_sweep_waits_for_the_write_gate(
    monkeypatch: pytest.MonkeyPatch, module: Any, work: str, start: Any
) -> None:
    swept = threading.Event()

    def work_done(*_args: object) -> None:
        swept.set()

    monkeypatch.setattr(module, work, work_done)

    class WatchedGate(WriteGate):
        """Says when the sweep comes to the gate, and when the gate lets it in."""

        def __init__(self) -> None:
            super().__init__(1)
            self.knocked = asyncio.Event()
            self.admitted = asyncio.Event()
            self._callers = 0

        async def enter(self) -> Callable[[], None]:
            self._callers += 1
            if self._callers == 1:  # the request's transaction
                return await super().enter()
            self.knocked.set()
            leave = await super().enter()
            self.admitted.set()
            return leave

    async def scenario() -> None:
        gate = WatchedGate()
        leave = await gate.enter()  # a request's transaction holds the gate
        task = asyncio.create_task(start(object(), gate))
        await asyncio.wait_for(gate.knocked.wait(), 10)
        # The sweep came to the gate and yielded: a free gate would have let it in before.
        assert not gate.admitted.is_set() and not swept.is_set()
        leave()
        await asyncio.wait_for(gate.admitted.wait(), 10)
        ran = await asyncio.to_thread(swept.wait, 10)
        task.cancel()
        assert ran, "the sweep ran once the gate was free"

    asyncio.run(scenario())
