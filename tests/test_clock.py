"""The tests' clock never runs back: rows written later must carry later times (history
reads and "as it stood at" depend on it)."""

from datetime import UTC, datetime, timedelta

import pytest

from app.clock import ShiftedClock


def test_a_replay_starts_in_its_own_year_then_only_moves_forward() -> None:
    clock = ShiftedClock()
    clock.move_to(datetime(2004, 11, 23, 9, tzinfo=UTC))  # the first move: anywhere
    assert clock.now().year == 2004
    clock.move_to(datetime(2005, 2, 15, 9, tzinfo=UTC))
    with pytest.raises(ValueError, match="forward"):
        clock.move_to(datetime(2004, 12, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="forward"):
        clock.advance(timedelta(seconds=-1))
    assert clock.now() >= datetime(2005, 2, 15, 9, tzinfo=UTC)
