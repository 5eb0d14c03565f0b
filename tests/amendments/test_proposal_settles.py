"""A proposal settles its own report's passed deadlines under the report's lock, before
anything it reads or records. Without the deadline watch (PostgreSQL, several processes)
nothing settles every report before it (`deadlines.settles_its_report`): the lock's own
settling is all there is, and what it changes (a silence adoption adds a paragraph) is
what the proposal numbers its instruction from."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from app.clock import ShiftedClock, utcnow
from app.config import Settings
from app.main import create_app
from tests.amendments.helpers import TEXT, adopt_report, propose, report_with_section
from tests.factories import make_room, ok


def soon(seconds: float) -> str:
    return (utcnow() + timedelta(seconds=seconds)).isoformat()


@pytest.fixture
def watchless(settings: Settings) -> Iterator[TestClient]:
    """An app without the deadline watch, whose sweeper stays asleep: only requests settle."""
    quiet = settings.model_copy(update={"deadline_watch": False, "deadline_sweep_seconds": 3600.0})
    application = create_app(quiet)
    with TestClient(application, raise_server_exceptions=False) as client:
        yield client
    application.state.database.dispose()


def test_a_proposal_numbers_its_instruction_after_the_deadlines_it_settled(
    watchless: TestClient, clock: ShiftedClock
) -> None:
    client = watchless
    room = make_room(client, members=1)
    rid, first = report_with_section(client, room, silence_procedure=True)
    second = ok(
        client.post(
            f"/v1/reports/{rid}/sections",
            json={"kind": "chapter", "label": "II", "heading": "Then", "text": "After."},
            headers=room.secretariat.headers,
        ),
        201,
    )["id"]
    adopt_report(client, room, rid)
    quiet = propose(
        client, room.members[0], first, TEXT + "\n\nA fourth paragraph.", consent_deadline=soon(60)
    )
    # Read now, the second section's place is kept (its outline cached) before the deadline.
    before = ok(client.get(f"/v1/sections/{second}", headers=room.chair.headers))
    clock.advance(seconds=61)
    change = propose(client, room.members[0], second, "After. Changed.", consent_deadline=soon(600))
    # The silence procedure adopted the first section's new paragraph under the proposal's
    # lock, and the proposal counted it.
    paragraph = before["first_paragraph"] + 1
    assert change["instruction"].startswith(f"In paragraph {paragraph},"), change["instruction"]
    listed = ok(client.get(f"/v1/reports/{rid}/amendments", headers=room.chair.headers))
    statuses = {a["id"]: a["status"] for a in listed["items"]}
    assert statuses[quiet["id"]] == "adopted"
    events = ok(client.get(f"/v1/reports/{rid}/events", headers=room.chair.headers))["items"]
    kinds = [
        e["type"] for e in events if e["payload"].get("amendment_id") in (quiet["id"], change["id"])
    ]
    assert kinds[-3:] == ["amendment.adopted", "amendment.proposed", "consent.opened"], kinds
