"""A whole meeting day through the API (issue 30): an open consultation with stakeholder
speakers and captions, a plenary where an observer's request to speak is refused, a closed
session where a chapter is approved with attendance recorded, the report adopted in session;
and the same adoption refused outside a session."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.clock import ShiftedClock
from tests.amendments.helpers import act, event_types, propose
from tests.factories import ok
from tests.meetings.helpers import CHAPTER_TWO, Day, adopt, meeting_day, post, problem, session


def events_of(client: TestClient, day: Day, type_: str) -> list[dict[str, Any]]:
    page = ok(client.get(f"/v1/reports/{day.rid}/events?limit=1000", headers=day.chair))
    return [e for e in page["items"] if e["type"] == type_]


def open_consultation(client: TestClient, day: Day, clock: ShiftedClock) -> int:
    room = day.room
    s = session(client, day, "open_consultation", title="Open consultation", speaking_seconds=180)
    sid = s["id"]
    assert s["status"] == "in_progress" and s["public_speakers"] == "stakeholder"
    first = post(
        client,
        f"/v1/sessions/{sid}/agenda",
        room.secretariat,
        {"kind": "text", "title": "Opening"},
        201,
    )
    body = {"kind": "report_part", "title": "Chapter I", "target_id": day.chapters[0]}
    post(client, f"/v1/sessions/{sid}/agenda", room.secretariat, body, 201)
    post(client, f"/v1/sessions/{sid}/agenda/current", room.chair, {"item_id": first["id"]})
    moved = post(client, f"/v1/sessions/{sid}/agenda/current", room.chair)
    assert moved["current_item"]["title"] == "Chapter I"
    # The current item is on every screen, the public's too.
    wall = ok(client.get(f"/v1/reports/{day.rid}/floor"))
    assert wall["session"]["session"]["current_item"]["title"] == "Chapter I"
    # Captions: only a captioner the chair named; shown to the public, kept with the session.
    assert problem(client, f"/v1/sessions/{sid}/captions", day.captioner, {"text": "x"})[0] == 403
    post(
        client,
        f"/v1/meetings/{day.meeting}/captioners",
        room.chair,
        {"participant_id": day.captioner.id},
    )
    post(
        client,
        f"/v1/sessions/{sid}/captions",
        day.captioner,
        {"text": "The Chair opens the consultation."},
        201,
    )
    # Any registered stakeholder asks for the floor; a point of order jumps the queue.
    cs = post(client, f"/v1/sessions/{sid}/speakers", day.civil_society, {}, 201)
    member = post(client, f"/v1/sessions/{sid}/speakers", room.members[0], {}, 201)
    order = post(
        client, f"/v1/sessions/{sid}/speakers", room.members[1], {"point_of_order": True}, 201
    )
    assert problem(client, f"/v1/sessions/{sid}/speakers", day.civil_society)[0] == 409
    public = ok(client.get(f"/v1/sessions/{sid}/speakers"))["items"]
    assert [r["id"] for r in public] == [order["id"], cs["id"], member["id"]]
    assert [r["label"] for r in public] == ["government", "civil society", "government"]
    assert all(r["participant_id"] is None and r["name"] is None for r in public)
    named = ok(client.get(f"/v1/sessions/{sid}/speakers", headers=room.members[2].headers))
    assert named["items"][1]["label"] == day.civil_society.name
    assert post(client, f"/v1/sessions/{sid}/speakers/give", room.chair)["id"] == order["id"]
    given = post(client, f"/v1/sessions/{sid}/speakers/give", room.chair)
    assert given["id"] == cs["id"] and given["status"] == "speaking"
    clock.advance(seconds=200)
    speaking = ok(client.get(f"/v1/sessions/{sid}/speakers"))["items"][0]
    assert speaking["spoken_seconds"] >= 200 and speaking["over_time"]
    assert (
        post(client, f"/v1/speakers/{member['id']}/withdraw", room.members[0])["status"]
        == "withdrawn"
    )
    post(
        client,
        f"/v1/sessions/{sid}/captions",
        day.captioner,
        {"text": "A stakeholder asks about the forum."},
        201,
    )
    # An open consultation decides nothing.
    refused = adopt(client, day)
    assert refused.status_code == 409 and refused.json()["session_kind"] == "open_consultation"
    stage = client.post(
        f"/v1/sections/{day.chapters[0]}/stage", json={"to": "approved"}, headers=day.chair
    )
    assert stage.status_code == 409 and stage.json()["type"].endswith("session-required")
    summary = {"text": "Stakeholders commented on Chapter I."}
    ok(client.put(f"/v1/sessions/{sid}/summary", json=summary, headers=room.secretariat.headers))
    post(client, f"/v1/sessions/{sid}/end", room.chair)
    assert (
        problem(client, f"/v1/sessions/{sid}/captions", day.captioner, {"text": "late"})[0] == 409
    )
    captions = ok(client.get(f"/v1/sessions/{sid}/captions"))["items"]
    assert [c["text"] for c in captions] == [
        "The Chair opens the consultation.",
        "A stakeholder asks about the forum.",
    ]
    return int(sid)


def plenary(client: TestClient, day: Day) -> int:
    room = day.room
    sid = session(client, day, "plenary", title="Plenary")["id"]
    # Observers attend a plenary without the right to speak.
    assert problem(client, f"/v1/sessions/{sid}/speakers", day.civil_society)[0] == 403
    request = post(client, f"/v1/sessions/{sid}/speakers", room.members[0], {}, 201)
    assert ok(client.get(f"/v1/sessions/{sid}/speakers"))["items"][0]["label"] == "a participant"
    post(client, f"/v1/sessions/{sid}/speakers/give", room.chair, {"request_id": request["id"]})
    # The floor under the chair's control: queue, defer, next, take off, adopt.
    a = propose(
        client, room.members[0], day.chapters[1], CHAPTER_TWO + " Four equally beautiful brides."
    )
    b = propose(client, room.members[1], day.chapters[1], CHAPTER_TWO.replace("four", "4"))
    act(client, room.chair, a["id"], "floor")
    post(client, f"/v1/amendments/{b['id']}/queue", room.chair)
    act(client, room.chair, a["id"], "defer", reason="Consult the capitals.")
    wall = ok(client.get(f"/v1/reports/{day.rid}/floor"))
    assert wall["floor"] is None and "deferred" in wall["meeting"]["floor_note"]
    assert [(q["amendment_id"], q["deferred"]) for q in wall["floor_queue"]] == [
        (b["id"], False),
        (a["id"], True),
    ]
    wall = post(client, f"/v1/meetings/{day.meeting}/floor/next", room.chair)
    assert wall["floor"]["amendment"]["id"] == b["id"]
    act(client, room.chair, b["id"], "take-off", reason="Withdrawn for redrafting.")
    assert (
        "Withdrawn for redrafting."
        in ok(client.get(f"/v1/reports/{day.rid}/floor"))["meeting"]["floor_note"]
    )
    wall = post(client, f"/v1/meetings/{day.meeting}/floor/next", room.chair)
    assert wall["floor"]["amendment"]["id"] == a["id"]
    # The projector: the chair projects the report at a paragraph; the wall follows.
    post(client, f"/v1/sessions/{sid}/projection", room.chair, {"view": "report", "paragraph": 3})
    projected = ok(client.get(f"/v1/reports/{day.rid}/floor"))["session"]["session"]["projection"]
    assert projected == {"view": "report", "paragraph": 3, "amendment_id": None}
    assert act(client, room.chair, a["id"], "adopt")["status"] == "adopted"
    post(client, f"/v1/sessions/{sid}/end", room.chair)
    return int(sid)


def closed(client: TestClient, day: Day) -> int:
    room = day.room
    sid = session(client, day, "closed", title="Closed session")["id"]
    for person in (room.chair, *room.members):
        post(
            client,
            f"/v1/sessions/{sid}/attendance",
            room.secretariat,
            {"participant_id": person.id},
        )
    post(client, f"/v1/sessions/{sid}/attendance", room.secretariat)  # itself
    post(client, f"/v1/sessions/{sid}/attendance", day.igo)  # checks itself in
    assert problem(client, f"/v1/sessions/{sid}/attendance", room.observers[0])[0] == 403
    # An intergovernmental observer speaks in a closed session; nothing of it is public.
    post(client, f"/v1/sessions/{sid}/speakers", day.igo, {}, 201)
    assert client.get(f"/v1/sessions/{sid}/speakers").status_code == 404
    assert (
        client.get(f"/v1/sessions/{sid}/screen", headers=room.observers[0].headers).status_code
        == 404
    )
    assert client.get(f"/v1/sessions/{sid}/attendance").status_code in (401, 403)
    for chapter in day.chapters:
        approved = client.post(
            f"/v1/sections/{chapter}/stage", json={"to": "approved"}, headers=day.chair
        )
        assert approved.status_code == 200, approved.text
    present = ok(client.get(f"/v1/sessions/{sid}/attendance", headers=room.members[0].headers))
    assert {p["name"] for p in present["items"]} >= {room.chair.name, day.igo.name}
    assert ok(client.get(f"/v1/sessions/{sid}"))["present"] == len(room.members) + 3
    summary = {"text": "The group approved Chapters I and II."}
    ok(client.put(f"/v1/sessions/{sid}/summary", json=summary, headers=room.secretariat.headers))
    assert client.get(f"/v1/sessions/{sid}/summary").status_code == 404
    post(client, f"/v1/sessions/{sid}/summary/publish", room.chair)
    document = client.get(f"/v1/sessions/{sid}/summary").text
    assert "approved Chapters I and II" in document and "6 participants attended" in document
    assert room.chair.name not in document
    return int(sid)


def test_a_meeting_day(client: TestClient, clock: ShiftedClock) -> None:
    day = meeting_day(client)
    refused = adopt(client, day)  # a meeting open, no session in progress
    assert refused.status_code == 409 and refused.json()["type"].endswith("session-required")
    consultation = open_consultation(client, day, clock)
    plenary_id = plenary(client, day)
    closed_id = closed(client, day)
    assert adopt(client, day).status_code == 200  # in the closed session, in progress
    decided = [e["payload"] for e in events_of(client, day, "session.decided")]
    assert [(d["decision"], d["session_id"]) for d in decided] == [
        ("adopt_amendment", plenary_id),
        ("approve_part", closed_id),
        ("approve_part", closed_id),
        ("adopt_report", closed_id),
    ]
    assert consultation not in {d["session_id"] for d in decided}
    members_view = client.get(f"/v1/sessions/{closed_id}/summary", headers=day.chair).text
    assert day.room.chair.name in members_view and "adopt_report" in members_view
    sessions = ok(client.get(f"/v1/meetings/{day.meeting}/sessions"))["items"]
    assert [s["kind"] for s in sessions] == ["open_consultation", "plenary", "closed"]
    assert all(s["status"] == "ended" for s in sessions)  # adoption closed the meeting
    types = event_types(client, day.room, day.rid)
    assert {"speaker.requested", "caption.added", "attendance.checked_in", "floor.deferred"} <= set(
        types
    )


def test_adoption_outside_a_session_is_refused(client: TestClient) -> None:
    day = meeting_day(client)
    post(client, f"/v1/meetings/{day.meeting}/close", day.room.chair)
    refused = adopt(client, day)
    assert refused.status_code == 409 and refused.json()["type"].endswith("session-required")
    assert ok(client.get(f"/v1/reports/{day.rid}", headers=day.chair))["status"] == "drafting"
