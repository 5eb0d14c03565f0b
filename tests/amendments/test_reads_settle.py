"""The floor and the amendment list read after a consent round's deadline show the round as
its deadline leaves it, with no write since and no sweep: the read itself settles its report.

With the deadline watch (SQLite) the router settles before the read while the watch knows a
round is due; without it (PostgreSQL, or the setting off) the read learns with the report
row it reads anyway whether a round of the report is due, settles the report and reads again
(`kept_answers.DueRounds`). Both paths are run, on the engine under test, with answers kept
from before the deadline that must not be served after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.clock import ShiftedClock, utcnow
from app.config import Settings
from app.main import create_app
from tests.amendments.helpers import TEXT, act, adopt_report, propose, report_with_section
from tests.factories import Room, make_room, ok


def soon(seconds: float) -> str:
    return (utcnow() + timedelta(seconds=seconds)).isoformat()


@pytest.fixture(params=["watch", "watchless"])
def quiet(request: pytest.FixtureRequest, settings: Settings) -> Iterator[TestClient]:
    """An app whose sweeper stays asleep (only requests settle), with the deadline watch
    (SQLite's default) or without it (as on PostgreSQL)."""
    update = {"deadline_sweep_seconds": 3600.0, "deadline_watch": request.param == "watch"}
    application = create_app(settings.model_copy(update=update))
    with TestClient(application, raise_server_exceptions=False) as client:
        yield client
    application.state.database.dispose()


def _statuses(client: TestClient, room: Room, rid: int, who: int) -> dict[int, str]:
    page = ok(client.get(f"/v1/reports/{rid}/amendments", headers=room.members[who].headers))
    return {item["id"]: item["status"] for item in page["items"]}


def _floor(client: TestClient, room: Room, rid: int, who: int, **query: int) -> dict[str, Any]:
    return ok(
        client.get(f"/v1/reports/{rid}/floor", params=query, headers=room.members[who].headers)
    )


def test_a_passed_deadline_reads_settled_on_the_floor_and_in_the_list(
    quiet: TestClient, clock: ShiftedClock
) -> None:
    client = quiet
    room = make_room(client, members=3)
    rid, sid = report_with_section(client, room, silence_procedure=True)
    adopt_report(client, room, rid)
    silent = propose(client, room.members[0], sid, TEXT + " Silence.", consent_deadline=soon(60))
    objected = propose(
        client, room.members[1], sid, TEXT.replace("Geneva", "Tunis"), consent_deadline=soon(60)
    )
    act(client, room.members[0], objected["id"], "object", reason="No.")
    # Every member reads both before the deadline: these answers are kept.
    for who in range(3):
        assert _statuses(client, room, rid, who)[silent["id"]] == "consent_open"
        before = _floor(client, room, rid, who)
    [section] = [s for s in before["sections"] if s["id"] == sid]
    assert not section["text"].endswith("Silence.")

    clock.advance(seconds=61)  # no write, no sweep: the reads alone see the deadline
    after = _floor(client, room, rid, 2)
    [section] = [s for s in after["sections"] if s["id"] == sid]
    assert section["text"].endswith("Silence.")  # adopted under the silence procedure
    assert {d["id"]: d["status"] for d in after["decisions"]}[silent["id"]] == "adopted"
    # A delta from the answer held before the deadline carries the adopted text.
    delta = _floor(client, room, rid, 1, texts_after=before["texts_through"])
    [section] = [s for s in delta["sections"] if s["id"] == sid]
    assert section["text"] is not None and section["text"].endswith("Silence.")
    for who in range(3):
        statuses = _statuses(client, room, rid, who)
        assert statuses[silent["id"]] == "adopted"
        assert statuses[objected["id"]] == "blocked"  # its objection still stands


def test_the_list_alone_settles_a_lapsed_round(quiet: TestClient, clock: ShiftedClock) -> None:
    """The first read after the deadline is the list (no floor read settled it first)."""
    client = quiet
    room = make_room(client, members=2)
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid)
    change = propose(client, room.members[0], sid, TEXT + " Late.", consent_deadline=soon(60))
    assert _statuses(client, room, rid, 1)[change["id"]] == "consent_open"
    clock.advance(seconds=61)
    assert _statuses(client, room, rid, 1)[change["id"]] == "lapsed"
    assert _statuses(client, room, rid, 0)[change["id"]] == "lapsed"
    read = ok(client.get(f"/v1/amendments/{change['id']}", headers=room.chair.headers))
    assert read["status"] == "lapsed"
