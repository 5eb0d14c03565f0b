"""What time it is, for every rule that depends on it: consent deadlines and the silence rule,
the editorial window, consultations closing, invitations and stream tickets expiring,
idempotency keys, and every `created_at`.

One source, so that a test moves time forward instead of sleeping until a deadline passes:
`use(ShiftedClock())` replaces the clock for the whole process (the app under `TestClient`
runs in the test's process), and `advance()` jumps ahead. The clock is process-wide, not per
app, because services and column defaults read it far from any request; routes that want the
time as a parameter take `Now`, which asks the same clock. Intervals between sweeps and rate
limit refills stay on the monotonic clock: they measure elapsed time, not the time of day.

A leaf: imports nothing of the app.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated, Protocol

from fastapi import Depends


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ShiftedClock:
    """The system clock plus an offset that tests move. Time keeps running between moves, so
    rows written one after another still get increasing times (the report's history and
    "as it stood at" reads order by them), and a jump forward passes every deadline set
    before it, as the real time would."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()
        self._set = False

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta | None = None, /, **units: float) -> datetime:
        """Jump forward by `delta` or by keyword units (`seconds=2`, `days=1`); returns the
        new time. Backwards is refused: nothing in the app expects time to run back."""
        step = (delta or timedelta(0)) + timedelta(**units)
        if step < timedelta(0):
            raise ValueError("a clock only moves forward")
        with self._lock:
            self._offset += step
            self._set = True
        return self.now()

    def move_to(self, moment: datetime) -> None:
        """From now on the time is `moment` (and it runs on from there). The first move may
        go anywhere (a replay starts in its own year); after it, only forward."""
        with self._lock:
            offset = moment - datetime.now(UTC)
            if self._set and offset < self._offset:
                raise ValueError("a clock only moves forward")
            self._offset = offset
            self._set = True


_clock: Clock = SystemClock()


def utcnow() -> datetime:
    """The current time (timezone-aware, UTC) from the process's clock."""
    return _clock.now()


@contextmanager
def use(clock: Clock) -> Iterator[Clock]:
    """Read the time from `clock` until the block ends (tests: see the `clock` fixture)."""
    global _clock
    previous, _clock = _clock, clock
    try:
        yield clock
    finally:
        _clock = previous


# For routes that take the time as a parameter and hand it to their services.
Now = Annotated[datetime, Depends(utcnow)]


def rfc3339(moment: datetime) -> str:
    """As the API's bodies write times (UTC, with a Z), for problem details and events."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
