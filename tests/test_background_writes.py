"""Background writers (deadline sweeps, consultation closings) queue with the requests' writes.

On SQLite one writer holds the lock at a time; a sweep that took it from a thread while a
request held the write gate would leave that request waiting out the busy timeout."""

from __future__ import annotations

import asyncio
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
    runs: list[str] = []
    monkeypatch.setattr(module, work, lambda *_args: runs.append("swept"))

    async def scenario() -> None:
        gate = WriteGate(1)
        leave = await gate.enter()  # a request's transaction holds the gate
        task = asyncio.create_task(start(object(), gate))
        await asyncio.sleep(0.2)
        assert runs == []  # twenty intervals passed: the sweep is queued, not running
        leave()
        for _ in range(200):
            if runs:
                break
            await asyncio.sleep(0.01)
        task.cancel()
        assert runs, "the sweep ran once the gate was free"

    asyncio.run(scenario())
