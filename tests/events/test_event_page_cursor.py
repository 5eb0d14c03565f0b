"""The event log's pages: a cursor is an event id, and the page starts after that event
(app/events/service.py reads it as a position in the report's seq order)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.amendments.helpers import report_with_section
from tests.factories import make_room, ok, write_version


def _events(client: TestClient, headers: dict[str, str], rid: int, after: int, limit: int) -> dict:
    return ok(client.get(f"/v1/reports/{rid}/events?after={after}&limit={limit}", headers=headers))  # type: ignore[no-any-return]


def test_pages_after_a_cursor_follow_the_log_whatever_the_cursor(client: TestClient) -> None:
    room = make_room(client)
    headers = room.chair.headers
    mine, my_section = report_with_section(client, room)
    other, other_section = report_with_section(client, room)
    # the two logs interleave: ids of one report fall between the other's
    for version in range(1, 4):
        write_version(client, room, my_section, version, f"Mine at version {version + 1}.")
        write_version(client, room, other_section, version, f"Other at version {version + 1}.")
    whole = _events(client, headers, mine, 0, 1000)["items"]
    assert [e["seq"] for e in whole] == list(range(1, len(whole) + 1))
    # paged two at a time by each page's cursor, the log comes back whole and in order
    paged, after = [], 0
    while True:
        page = _events(client, headers, mine, after, 2)
        paged += page["items"]
        if not page["items"] or page["next"] is None:
            break
        after = page["items"][-1]["id"]
    assert paged == whole
    # a cursor from the middle: exactly the events after it
    middle = whole[len(whole) // 2]
    after_middle = _events(client, headers, mine, middle["id"], 1000)["items"]
    assert after_middle == whole[len(whole) // 2 + 1 :]
    # a cursor that is another report's event: this report's events with a later id
    theirs = _events(client, headers, other, 0, 1000)["items"]
    for foreign in theirs:
        expected = [e for e in whole if e["id"] > foreign["id"]]
        assert _events(client, headers, mine, foreign["id"], 1000)["items"] == expected
    # past the end: nothing
    assert _events(client, headers, mine, whole[-1]["id"], 1000)["items"] == []
