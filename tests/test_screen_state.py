"""What the projection screen is told about the floor: who holds the pen, by function only."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from tests.amendments.helpers import TEXT, act, open_meeting, propose, report_with_section
from tests.factories import Person, make_room, matched, ok


def revise(client: TestClient, who: Person, amendment_id: int, wording: str) -> None:
    headers = matched(client, f"/v1/amendments/{amendment_id}", who.headers)
    ok(
        client.post(
            f"/v1/amendments/{amendment_id}/revisions", json={"text": wording}, headers=headers
        ),
        201,
    )


def floor(client: TestClient, rid: int, who: Person | None) -> Any:
    return ok(client.get(f"/v1/reports/{rid}/floor", headers=who.headers if who else {}))


def test_the_pen_is_shown_by_role_and_named_to_members_only(client: TestClient) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    proposer = room.members[0]
    amendment = propose(
        client, proposer, sid, TEXT.replace("all stakeholders", "all stakeholders alike")
    )
    a = amendment["id"]
    act(client, room.chair, a, "floor")
    observer = room.observers[0]
    # Until someone types, the wording on the floor is the proposer's.
    assert floor(client, rid, observer)["pen_role"] == "the proposer"

    typists = [
        (room.secretariat, "the Secretariat", "every stakeholder"),
        (proposer, "the proposer", "each stakeholder"),
        (room.chair, "the Chair", "all stakeholder groups"),
    ]
    for typist, role, wording in typists:
        revise(client, typist, a, TEXT.replace("all stakeholders", wording))
        seen_by_member = floor(client, rid, room.members[1])
        assert seen_by_member["pen_role"] == role and seen_by_member["pen"] == typist.name
        seen_by_observer = floor(client, rid, observer)
        assert seen_by_observer["pen_role"] == role and seen_by_observer["pen"] is None
        # Chatham House: nobody in the room is named or identified on the observers' wall.
        raw = json.dumps(seen_by_observer)
        people = [room.chair, room.secretariat, *room.members, *room.observers]
        assert not [p.name for p in people if p.name in raw]
        assert seen_by_observer["floor"]["amendment"]["proposer_id"] is None
        assert seen_by_observer["meeting"]["opened_by_id"] is None


def test_no_pen_without_an_amendment_on_the_floor(client: TestClient) -> None:
    room = make_room(client)
    rid, _sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    state = floor(client, rid, room.observers[0])
    assert state["floor"] is None and state["pen_role"] is None and state["pen"] is None


def test_the_floor_answer_is_its_declared_model_in_each_view(client: TestClient) -> None:
    """The floor is encoded once by the model it was built as (every member's page reads it
    after every event): the bytes are exactly FloorState's encoding, in the members' view
    and in the public's, which names nobody."""
    from app.meetings.schemas import FloorState

    room = make_room(client)
    rid, sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    amendment = propose(client, room.members[0], sid, TEXT.replace("all", "every"))
    act(client, room.chair, amendment["id"], "floor")
    for who in (room.members[1], room.observers[0]):
        answer = client.get(f"/v1/reports/{rid}/floor", headers=who.headers)
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/json"
        declared = FloorState.model_validate_json(answer.content)
        assert declared.model_dump_json().encode() == answer.content
        assert declared.floor is not None and declared.floor.amendment.id == amendment["id"]
    public = FloorState.model_validate_json(
        client.get(f"/v1/reports/{rid}/floor", headers=room.observers[0].headers).content
    )
    assert public.floor is not None and public.floor.amendment.proposer_id is None
