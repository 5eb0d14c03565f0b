"""PATCH /v1/reports/{id} in every state: the consent rules are fixed once the report is
adopted, the rest stays editable until transmission freezes everything."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.clock import ShiftedClock
from app.reports.schemas import ReportUpdate
from app.reports.service import CONSENT_RULES, EDITABLE_AFTER_ADOPTION
from tests.amendments.helpers import TEXT, adopt_report, propose, report_with_section
from tests.factories import Room, make_room, matched, ok

FROZEN = "urn:plenary:problem:consent-rules-frozen"
TRANSMITTED = "urn:plenary:problem:report-transmitted"
STATES = ("drafting", "adopted", "transmitted")


def _new_value(field: str, report: dict[str, Any]) -> Any:
    if field == "silence_procedure":
        return not report["silence_procedure"]
    if field == "editorial_notice_hours":
        return report["editorial_notice_hours"] + 1
    return f"New {field} {report[field]}"[:90]


def _expected(state: str, field: str) -> int | str:
    """200, or the problem type of the 409."""
    if state == "transmitted":
        return TRANSMITTED
    if state == "adopted" and field in CONSENT_RULES:
        return FROZEN
    return 200


def _report_in(client: TestClient, room: Room, state: str, *, silence: bool) -> int:
    rid, _sid = report_with_section(client, room, silence_procedure=silence, symbol="A/1")
    if state != "drafting":
        adopt_report(client, room, rid)
    if state == "transmitted":
        ok(
            client.post(
                f"/v1/reports/{rid}/transmit",
                headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
            )
        )
    return rid


def _patch(client: TestClient, room: Room, rid: int, body: dict[str, Any]) -> Any:
    return client.patch(
        f"/v1/reports/{rid}",
        json=body,
        headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
    )


def _snapshot(client: TestClient, room: Room, rid: int) -> tuple[Any, str | None, int]:
    response = client.get(f"/v1/reports/{rid}", headers=room.chair.headers)
    events = ok(client.get(f"/v1/reports/{rid}/events?limit=1000", headers=room.chair.headers))
    return response.json(), response.headers.get("etag"), len(events["items"])


def test_every_field_of_the_update_is_classified() -> None:
    fields = set(ReportUpdate.model_fields)
    assert fields == CONSENT_RULES | EDITABLE_AFTER_ADOPTION
    assert not CONSENT_RULES & EDITABLE_AFTER_ADOPTION


@pytest.mark.parametrize("silence", [False, True])
@pytest.mark.parametrize("field", sorted(ReportUpdate.model_fields))
@pytest.mark.parametrize("state", STATES)
def test_each_field_in_each_state(
    client: TestClient, state: str, field: str, silence: bool
) -> None:
    room = make_room(client, members=1, observers=0)
    rid = _report_in(client, room, state, silence=silence)
    before, tag, events = _snapshot(client, room, rid)
    value = _new_value(field, before)
    response = _patch(client, room, rid, {field: value})
    expected = _expected(state, field)
    after, tag_after, events_after = _snapshot(client, room, rid)
    if expected == 200:
        assert response.status_code == 200, response.text
        assert response.json()[field] == value == after[field]
        updated = ok(client.get(f"/v1/reports/{rid}/events?limit=1000", headers=room.chair.headers))
        assert updated["items"][-1]["type"] == "report.updated"
        assert updated["items"][-1]["payload"] == {"fields": [field]}
    else:
        assert response.status_code == 409, response.text
        assert response.json()["type"] == expected
        if expected == FROZEN:
            assert response.json()["fields"] == [field]
        # nothing written: same representation, same ETag, no event
        assert (after, tag_after, events_after) == (before, tag, events)


@pytest.mark.parametrize("state", ["adopted", "transmitted"])
def test_a_refused_rule_change_takes_the_whole_patch_with_it(
    client: TestClient, state: str
) -> None:
    room = make_room(client, members=1, observers=0)
    rid = _report_in(client, room, state, silence=False)
    before, tag, events = _snapshot(client, room, rid)
    response = _patch(client, room, rid, {"title": "Renamed", "silence_procedure": True})
    assert response.status_code == 409
    assert _snapshot(client, room, rid) == (before, tag, events)


def test_restating_the_rules_as_they_are_is_not_a_change(client: TestClient) -> None:
    room = make_room(client, members=1, observers=0)
    rid = _report_in(client, room, "adopted", silence=True)
    response = _patch(client, room, rid, {"silence_procedure": True, "title": "Renamed"})
    assert response.status_code == 200, response.text
    assert response.json()["silence_procedure"] is True and response.json()["title"] == "Renamed"
    events = ok(client.get(f"/v1/reports/{rid}/events?limit=1000", headers=room.chair.headers))
    assert events["items"][-1]["payload"] == {"fields": ["title"]}


def test_a_lapsing_round_cannot_be_turned_into_adoption_by_silence(
    client: TestClient, clock: ShiftedClock
) -> None:
    room = make_room(client, members=2, observers=0)
    rid, sid = report_with_section(client, room, silence_procedure=False)
    adopt_report(client, room, rid)
    deadline = (clock.now() + timedelta(seconds=60)).isoformat()
    quiet = propose(client, room.members[0], sid, TEXT + " Quietly.", consent_deadline=deadline)
    response = _patch(client, room, rid, {"silence_procedure": True})
    assert response.status_code == 409 and response.json()["type"] == FROZEN
    clock.advance(seconds=61)
    read = ok(client.get(f"/v1/amendments/{quiet['id']}", headers=room.chair.headers))
    assert read["status"] == "lapsed"
