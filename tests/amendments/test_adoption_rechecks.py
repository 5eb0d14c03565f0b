"""What an adoption rechecks besides the amendment it applies (app/amendments/applying.py,
`_moved_with_it`): here, the amendment on the floor of the section it moved, when that
adoption is not the floor's own (the chair keeps alternatives as brackets meanwhile)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.amendments.helpers import (
    TEXT,
    act,
    event_types,
    open_meeting,
    propose,
    report_with_section,
)
from tests.factories import Room, make_room, matched, ok


def _brackets_beside_the_floor(client: TestClient, room: Room, floor_text: str) -> dict[str, Any]:
    """A report in its meeting with `floor_text` proposed and on the floor, then two
    alternatives on the first sentence of the same section kept as brackets by the chair
    (an adoption that is not the floor's): returns the floor amendment and what followed."""
    rid, sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    on_floor = propose(client, room.members[0], sid, floor_text)
    act(client, room.chair, on_floor["id"], "floor")
    first = propose(client, room.members[1], sid, TEXT.replace("roles of", "role of"))
    second = propose(
        client,
        room.members[2],
        sid,
        TEXT.replace("governments in", "States in"),
        alternative_to=first["id"],
    )
    ok(
        client.post(
            f"/v1/sections/{sid}/brackets",
            json={"amendment_ids": [first["id"], second["id"]]},
            headers=matched(client, f"/v1/sections/{sid}", room.chair.headers),
        ),
        201,
    )
    return {
        "rid": rid,
        "sid": sid,
        "on_floor": on_floor["id"],
        "wall": ok(client.get(f"/v1/reports/{rid}/floor", headers=room.chair.headers)),
        "now": ok(client.get(f"/v1/amendments/{on_floor['id']}", headers=room.chair.headers)),
    }


def test_brackets_that_overlap_the_floor_send_its_amendment_off_with_the_reason(
    client: TestClient,
) -> None:
    room = make_room(client)
    # The floor's amendment rewrites the very words the brackets are kept on.
    seen = _brackets_beside_the_floor(
        client, room, TEXT.replace("the roles of governments", "the part of each government")
    )
    assert seen["now"]["status"] == "conflicted"
    assert seen["wall"]["floor"] is None
    note = seen["wall"]["meeting"]["floor_note"]
    assert f"Amendment {seen['on_floor']} left the floor, conflicted" in note
    assert "Version 2 of the section overlaps" in note
    # Ended by the same decision, before the session records it.
    assert event_types(client, room, seen["rid"])[-4:] == [
        "amendment.adopted",
        "amendment.adopted",
        "amendment.conflicted",
        "session.decided",
    ]


def test_brackets_elsewhere_in_the_section_leave_the_floor_alone(client: TestClient) -> None:
    room = make_room(client)
    seen = _brackets_beside_the_floor(client, room, TEXT.replace("Geneva", "Tunis"))
    assert seen["now"]["status"] == "on_floor"
    assert seen["wall"]["floor"]["amendment"]["id"] == seen["on_floor"]
    # Still adoptable on the floor: its edit carries over the brackets.
    act(client, room.chair, seen["on_floor"], "adopt")
    head = ok(client.get(f"/v1/sections/{seen['sid']}", headers=room.chair.headers))["head"]
    assert "Tunis" in head["text"] and "[role of governments / roles of States]" in head["text"]
