"""With stream standings switched off (`PLENARY_STREAM_STANDINGS=false`), each stream checks
its own token for each batch instead of sharing one check per report: streams still follow
the roster exactly as tests/live/test_stream_roster.py asks of them (the same tests, run
again here against a server with the setting off)."""

from __future__ import annotations

from tests.live.test_stream_roster import (
    test_a_public_stream_ends_when_the_report_stops_being_public,
    test_a_roster_change_leaves_the_streams_of_others_running,
    test_an_open_stream_shows_nothing_attributed_after_its_readers_standing_changes,
    test_each_stream_of_a_followed_report_gets_each_event_in_its_readers_view_now,
)
from tests.server import module_server

server = module_server(
    "stream-standings-off",
    PLENARY_STREAM_HEARTBEAT_SECONDS="0.5",
    PLENARY_STREAM_STANDINGS="false",
)

__all__ = [
    "server",
    "test_a_public_stream_ends_when_the_report_stops_being_public",
    "test_a_roster_change_leaves_the_streams_of_others_running",
    "test_an_open_stream_shows_nothing_attributed_after_its_readers_standing_changes",
    "test_each_stream_of_a_followed_report_gets_each_event_in_its_readers_view_now",
]
