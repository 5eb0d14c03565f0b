"""The floor under the chair's control, and the rules of sessions (issue 30)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.amendments.helpers import (
    TEXT,
    act,
    event_types,
    open_meeting,
    propose,
    report_with_section,
)
from tests.factories import make_room, ok


def test_a_conflicted_amendment_leaves_the_floor_with_the_reason(client: TestClient) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    meeting = open_meeting(client, room, rid)
    first = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Geneva, Switzerland,"))
    rival = propose(client, room.members[1], sid, TEXT.replace("Geneva", "Tunis"))
    act(client, room.chair, first["id"], "floor")
    ok(client.post(f"/v1/amendments/{rival['id']}/queue", headers=room.chair.headers))
    again = client.post(f"/v1/amendments/{rival['id']}/queue", headers=room.chair.headers)
    assert again.status_code == 409
    act(client, room.chair, first["id"], "adopt")
    wall = ok(client.post(f"/v1/meetings/{meeting}/floor/next", headers=room.chair.headers))
    assert wall["floor"] is None and wall["floor_queue"] == []
    assert "conflicted" in wall["meeting"]["floor_note"]
    rival_now = ok(client.get(f"/v1/amendments/{rival['id']}", headers=room.chair.headers))
    assert rival_now["status"] == "conflicted"


def test_one_session_at_a_time_and_what_each_kind_allows(client: TestClient) -> None:
    room = make_room(client)
    rid, _sid = report_with_section(client, room)
    meeting = open_meeting(client, room, rid)  # a plenary session in progress with it
    chair = room.chair.headers
    closed = ok(
        client.post(f"/v1/meetings/{meeting}/sessions", json={"kind": "closed"}, headers=chair),
        201,
    )
    assert closed["status"] == "scheduled"
    assert client.post(f"/v1/sessions/{closed['id']}/start", headers=chair).status_code == 409
    sessions = ok(client.get(f"/v1/meetings/{meeting}/sessions", headers=chair))["items"]
    plenary = sessions[0]["id"]
    # Observers are in the room at a plenary (and may check in), without the floor.
    observer = room.observers[0].headers
    ok(client.post(f"/v1/sessions/{plenary}/attendance", json={}, headers=observer))
    assert (
        client.post(f"/v1/sessions/{plenary}/speakers", json={}, headers=observer).status_code
        == 403
    )
    assert ok(client.get(f"/v1/sessions/{plenary}", headers=observer))["present"] == 1
    # Stakeholder labels are for open consultations only.
    labelled = {"kind": "plenary", "public_speakers": "stakeholder"}
    assert (
        client.post(f"/v1/meetings/{meeting}/sessions", json=labelled, headers=chair).status_code
        == 422
    )
    ok(client.post(f"/v1/sessions/{plenary}/end", headers=chair))
    ok(client.post(f"/v1/sessions/{closed['id']}/start", headers=chair))
    # A closed session is not captioned, even by a named captioner.
    ok(
        client.post(
            f"/v1/meetings/{meeting}/captioners",
            json={"participant_id": room.observers[0].id},
            headers=chair,
        )
    )
    caption = client.post(
        f"/v1/sessions/{closed['id']}/captions", json={"text": "x"}, headers=observer
    )
    assert caption.status_code == 409
    # The chair skips a speaker; a member cannot give the floor.
    asked = ok(
        client.post(
            f"/v1/sessions/{closed['id']}/speakers", json={}, headers=room.members[0].headers
        ),
        201,
    )
    give = client.post(
        f"/v1/sessions/{closed['id']}/speakers/give", json={}, headers=room.members[1].headers
    )
    assert give.status_code == 403
    skipped = ok(client.post(f"/v1/speakers/{asked['id']}/skip", headers=chair))
    assert skipped["status"] == "skipped"


def test_a_direct_edit_that_overlaps_the_floor_sends_the_amendment_off_with_the_reason(
    client: TestClient,
) -> None:
    """Adoptions recheck the floor; a direct write of the section must too."""
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    on_floor = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    act(client, room.chair, on_floor["id"], "floor")
    written = client.post(
        f"/v1/sections/{sid}/versions",
        json={"base_version": 1, "text": TEXT.replace("Geneva", "Geneva, Switzerland,")},
        headers=room.secretariat.headers,
    )
    assert written.status_code == 201, written.text
    wall = ok(client.get(f"/v1/reports/{rid}/floor", headers=room.chair.headers))
    assert wall["floor"] is None
    assert f"Amendment {on_floor['id']} left the floor, conflicted" in wall["meeting"]["floor_note"]
    assert "Version 2 of the section overlaps" in wall["meeting"]["floor_note"]
    now = ok(client.get(f"/v1/amendments/{on_floor['id']}", headers=room.chair.headers))
    assert now["status"] == "conflicted"
    assert event_types(client, room, rid)[-2:] == ["version.created", "amendment.conflicted"]


def test_a_direct_edit_elsewhere_in_the_section_leaves_the_floor_alone(
    client: TestClient,
) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    on_floor = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    act(client, room.chair, on_floor["id"], "floor")
    edited = TEXT.replace("open to all", "open to all interested")
    written = client.post(
        f"/v1/sections/{sid}/versions",
        json={"base_version": 1, "text": edited},
        headers=room.secretariat.headers,
    )
    assert written.status_code == 201, written.text
    wall = ok(client.get(f"/v1/reports/{rid}/floor", headers=room.chair.headers))
    assert wall["floor"]["amendment"]["id"] == on_floor["id"]
    # Still adoptable on the floor: the edit carries over.
    act(client, room.chair, on_floor["id"], "adopt")
    head = ok(client.get(f"/v1/sections/{sid}", headers=room.chair.headers))["head"]["text"]
    assert "Tunis" in head and "open to all interested" in head
