"""Amendment life while drafting: propose, the floor, adopt, reject, withdraw, rebase."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.amendments.helpers import (
    TEXT,
    act,
    event_types,
    head_text,
    open_meeting,
    propose,
    report_with_section,
)
from tests.factories import make_room, matched, ok


def test_propose_stores_patch_instruction_and_suggested_kind(client: TestClient) -> None:
    room = make_room(client)
    _rid, sid = report_with_section(client, room)
    member = room.members[0]
    a = propose(
        client,
        member,
        sid,
        TEXT.replace("governments", "governments, the private sector and civil society"),
        kind="editorial",
    )
    assert (
        a["status"] == "proposed"
        and a["kind"] == "editorial"
        and a["suggested_kind"] == "substantive"
    )
    assert (
        a["instruction"]
        == 'In paragraph 1, after "roles of governments" insert ", the private sector and civil society".'
    )
    assert a["patch"].startswith("@@ ") and a["proposer_id"] == member.id
    # the same change as a patch gives the same amendment text
    b = client.post(
        f"/v1/sections/{sid}/amendments",
        json={"base_version": 1, "patch": a["patch"], "kind": "substantive"},
        headers=room.members[1].headers,
    )
    assert b.status_code == 201 and b.json()["proposed_text"] == a["proposed_text"]
    # refusals
    assert (
        propose(client, member, sid, TEXT, expect=422)["type"]
        == "urn:plenary:problem:unprocessable"
    )  # empty change
    assert propose(client, room.observers[0], sid, TEXT + "!", expect=403)["status"] == 403
    assert propose(client, member, sid, TEXT + "!", base=5, expect=404)["head_version"] == 1
    bad = client.post(
        f"/v1/sections/{sid}/amendments",
        json={"base_version": 1, "patch": "@@ -1,3 +1,3 @@\n-xyz\n+abc\n", "kind": "editorial"},
        headers=member.headers,
    )
    assert bad.status_code == 422
    both = client.post(
        f"/v1/sections/{sid}/amendments",
        json={"base_version": 1, "text": "x", "patch": "y", "kind": "editorial"},
        headers=member.headers,
    )
    assert both.status_code == 422
    owned = client.post(
        f"/v1/sections/{sid}/amendments",
        json={"base_version": 1, "text": "x", "kind": "editorial", "status": "adopted"},
        headers=member.headers,
    )
    assert owned.status_code == 422
    other = make_room(client)
    assert propose(client, other.members[0], sid, TEXT + "!", expect=404)["status"] == 404


def test_floor_adopt_reject_withdraw(client: TestClient) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    chair, member = room.chair, room.members[0]
    a = propose(client, member, sid, TEXT.replace("Geneva", "the Palais des Nations, Geneva"))
    b = propose(client, room.members[1], sid, TEXT.replace("should", "shall"))
    c = propose(
        client,
        room.members[2],
        sid,
        TEXT.replace("all stakeholders", "all stakeholders and observers"),
    )
    # no meeting yet
    assert act(client, chair, a["id"], "floor", 409)["type"] == "urn:plenary:problem:invalid-state"
    meeting = open_meeting(client, room, rid)
    assert act(client, member, a["id"], "floor", 403)["status"] == 403
    assert act(client, chair, a["id"], "floor")["status"] == "on_floor"
    assert (
        ok(client.get(f"/v1/meetings/{meeting}", headers=member.headers))["floor_amendment_id"]
        == a["id"]
    )
    # one amendment on the floor at a time
    assert act(client, chair, b["id"], "floor", 409)["floor_amendment_id"] == a["id"]
    # only the chair decides while drafting; proposed amendments are not decided off the floor
    assert act(client, room.secretariat, a["id"], "adopt", 403)["status"] == 403
    assert act(client, chair, b["id"], "adopt", 409)["amendment_status"] == "proposed"
    adopted = act(client, chair, a["id"], "adopt")
    assert adopted["status"] == "adopted" and adopted["resulting_version"] == 2
    version = ok(client.get(f"/v1/sections/{sid}/versions/2", headers=member.headers))
    assert version["source"] == "amendment" and version["amendment_id"] == a["id"]
    assert "Palais des Nations" in version["text"]
    assert act(client, chair, a["id"], "adopt", 409)["amendment_status"] == "adopted"  # never twice
    # reject the next one, on the floor
    act(client, chair, b["id"], "floor")
    rejected = act(client, chair, b["id"], "reject", reason="No consensus")
    assert rejected["status"] == "rejected" and rejected["outcome_note"] == "No consensus"
    # the proposer withdraws, nobody else may
    assert act(client, member, c["id"], "withdraw", 403)["status"] == 403
    act(client, chair, c["id"], "floor")
    assert act(client, room.members[2], c["id"], "withdraw")["status"] == "withdrawn"
    assert (
        ok(client.get(f"/v1/meetings/{meeting}", headers=member.headers))["floor_amendment_id"]
        is None
    )
    assert act(client, room.members[2], c["id"], "withdraw", 409)["status"] == 409
    types = event_types(client, room, rid)
    for expected in (
        "amendment.proposed",
        "meeting.opened",
        "floor.changed",
        "amendment.adopted",
        "amendment.rejected",
        "amendment.withdrawn",
    ):
        assert expected in types
    assert ok(client.get(f"/v1/reports/{rid}/events/verify", headers=member.headers))["ok"] is True


def test_rebase_onto_head_and_clean_conflict(client: TestClient) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    chair = room.chair
    open_meeting(client, room, rid)
    early = propose(client, room.members[0], sid, TEXT.replace("should be open", "shall be open"))
    clash = propose(
        client, room.members[1], sid, TEXT.replace("Geneva on", "Geneva, Switzerland, on")
    )
    later = propose(client, room.members[2], sid, TEXT.replace("Geneva", "Tunis"))
    act(client, chair, later["id"], "floor")
    act(client, chair, later["id"], "adopt")
    # `early` touches nothing that changed: it is carried onto the head
    preview = ok(
        client.get(f"/v1/amendments/{early['id']}/preview", headers=room.members[0].headers)
    )
    assert preview["applies"] and preview["head_version"] == 2
    assert preview["text"] == TEXT.replace("Geneva", "Tunis").replace(
        "should be open", "shall be open"
    )
    assert [(o["op"], o["text"]) for o in preview["ops"] if o["op"] != "equal"] == [
        ("delete", "should"),
        ("insert", "shall"),
    ]
    # `clash` overlaps the adopted edit: refused with both sides shown, nothing applied
    conflict = ok(client.get(f"/v1/amendments/{clash['id']}/preview", headers=room.chair.headers))
    assert conflict["applies"] is False and conflict["conflicts"]
    act(client, chair, clash["id"], "floor")
    refused = act(client, chair, clash["id"], "adopt", 409)
    assert refused["type"] == "urn:plenary:problem:amendment-conflict"
    assert refused["head_text"] == TEXT.replace("Geneva", "Tunis") and refused["base_text"] == TEXT
    assert refused["conflicts"][0]["head"]["base_text"] == "Geneva"
    assert head_text(client, room, sid) == TEXT.replace("Geneva", "Tunis")
    assert (
        ok(client.get(f"/v1/amendments/{clash['id']}", headers=chair.headers))["status"]
        == "on_floor"
    )
    act(client, chair, clash["id"], "reject")
    act(client, chair, early["id"], "floor")
    assert act(client, chair, early["id"], "adopt")["resulting_version"] == 3
    # a proposal against an old base that no longer merges is refused at once
    stale = propose(client, room.members[0], sid, TEXT.replace("Geneva", "New York"), expect=409)
    assert stale["type"] == "urn:plenary:problem:amendment-conflict"


def test_alternatives_side_by_side_and_superseded(client: TestClient) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    models = [
        "Model 1: a Global Internet Council",
        "Model 2: no oversight body",
        "Model 3: an International Internet Council",
        "Model 4: a Global Internet Governance Forum",
    ]
    first = propose(
        client,
        room.members[0],
        sid,
        TEXT.replace("The forum should be open to all stakeholders.", models[0]),
    )
    others = [
        propose(
            client,
            room.members[i % 3],
            sid,
            TEXT.replace("The forum should be open to all stakeholders.", m),
            alternative_to=first["id"],
        )
        for i, m in enumerate(models[1:], start=1)
    ]
    assert all(o["alternative_to_id"] == first["id"] for o in others)
    group = ok(
        client.get(
            f"/v1/amendments/{others[1]['id']}/alternatives", headers=room.members[0].headers
        )
    )["items"]
    assert [g["amendment"]["id"] for g in group] == [first["id"]] + [o["id"] for o in others]
    assert [g["preview"]["text"].rsplit("\n\n", 1)[1] for g in group] == models
    assert all("<ins>" in g["preview"]["html"] for g in group)
    open_meeting(client, room, rid)
    act(client, room.chair, others[2]["id"], "floor")
    act(client, room.chair, others[2]["id"], "adopt")
    statuses = {
        a["id"]: a["status"]
        for a in ok(client.get(f"/v1/reports/{rid}/amendments", headers=room.chair.headers))[
            "items"
        ]
    }
    assert statuses == {
        first["id"]: "superseded",
        others[0]["id"]: "superseded",
        others[1]["id"]: "superseded",
        others[2]["id"]: "adopted",
    }
    filtered = ok(
        client.get(
            f"/v1/reports/{rid}/amendments?status=superseded&proposer_id={room.members[0].id}",
            headers=room.chair.headers,
        )
    )["items"]
    assert {a["id"] for a in filtered} == {first["id"]}


def test_meeting_close_returns_floor_and_adoption_lapses_pending(client: TestClient) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    meeting = open_meeting(client, room, rid)
    assert client.post(f"/v1/reports/{rid}/meetings", headers=room.chair.headers).status_code == 409
    a = propose(client, room.members[0], sid, TEXT + " Really.")
    act(client, room.chair, a["id"], "floor")
    closed = ok(client.post(f"/v1/meetings/{meeting}/close", headers=room.chair.headers))
    assert closed["closed_at"] and closed["floor_amendment_id"] is None
    assert (
        ok(client.get(f"/v1/amendments/{a['id']}", headers=room.chair.headers))["status"]
        == "proposed"
    )
    assert (
        client.post(
            f"/v1/reports/{rid}/adopt",
            json={},
            headers=matched(client, f"/v1/reports/{rid}", room.members[0].headers),
        ).status_code
        == 403
    )
    # The meeting is closed: the group is not in session, so it adopts nothing (issue 30).
    refused = client.post(
        f"/v1/reports/{rid}/adopt",
        json={},
        headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
    )
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("session-required")
    open_meeting(client, room, rid)
    report = ok(
        client.post(
            f"/v1/reports/{rid}/adopt",
            json={},
            headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
        )
    )
    assert report["status"] == "adopted"
    assert (
        ok(client.get(f"/v1/amendments/{a['id']}", headers=room.chair.headers))["status"]
        == "lapsed"
    )
    milestones = ok(client.get(f"/v1/reports/{rid}/milestones", headers=room.chair.headers))[
        "items"
    ]
    assert [m["kind"] for m in milestones] == ["adoption"]
    # drafting-only actions now refused
    assert client.post(f"/v1/reports/{rid}/meetings", headers=room.chair.headers).status_code == 409
    assert (
        client.post(
            f"/v1/sections/{sid}/versions",
            json={"base_version": 1, "text": "x"},
            headers=room.secretariat.headers,
        ).status_code
        == 409
    )
