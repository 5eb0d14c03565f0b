"""The answer that completes unanimity, as its write path makes it (issue 35): the answer's
event and the adoption's go to the log together and chain as any others; the adoption on
the amendment's own base (the section's head moved from it, the version written, the
amendment's row) and the one onto a head that moved since (rebased) give the same section,
version and amendment; a standing bracket in the section is carried by either."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.amendments.helpers import (
    TEXT,
    act,
    adopt_report,
    head_text,
    open_meeting,
    propose,
    report_with_section,
)
from tests.factories import ADMIN, Room, make_room, matched, ok

BRACKET = "[role of governments / roles of States]"


def events(client: TestClient, room: Room, rid: int) -> list[dict[str, Any]]:
    page = ok(client.get(f"/v1/reports/{rid}/events?limit=1000", headers=room.chair.headers))
    return list(page["items"])


def everyone_consents(client: TestClient, room: Room, amendment_id: int) -> dict[str, Any]:
    answer: dict[str, Any] = {}
    for voter in room.voters:
        answer = act(client, voter, amendment_id, "consent")
    return answer


def verified(client: TestClient, room: Room, rid: int) -> dict[str, Any]:
    check = ok(client.get(f"/v1/reports/{rid}/events/verify", headers=room.chair.headers))
    assert check["ok"] is True, check
    return check  # type: ignore[no-any-return]


def test_the_last_consent_logs_its_answer_then_the_adoption_in_one_chain(
    client: TestClient,
) -> None:
    room = make_room(client, members=2)
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid)
    wording = TEXT.replace("all stakeholders", "all stakeholders alike")
    change = propose(client, room.members[0], sid, wording)
    for voter in room.voters[:-1]:
        assert act(client, voter, change["id"], "consent")["status"] == "consent_open"
    before = events(client, room, rid)
    seen = ok(client.get(f"/v1/amendments/{change['id']}", headers=room.chair.headers))
    last = act(client, room.voters[-1], change["id"], "consent")
    assert (last["status"], last["resulting_version"]) == ("adopted", 2)
    # the amendment's row was written once, with its status: its revision moved by one
    assert last["revision"] == seen["revision"] + 1
    assert last["tally"]["consented"] == len(room.voters) and last["tally"]["pending"] == 0
    logged = events(client, room, rid)
    added = logged[len(before) :]
    assert [e["type"] for e in added] == ["consent.consent", "amendment.adopted"]
    assert [e["seq"] for e in added] == [before[-1]["seq"] + 1, before[-1]["seq"] + 2]
    assert added[0]["prev_hash"] == before[-1]["hash"]
    assert added[1]["prev_hash"] == added[0]["hash"]
    assert added[1]["payload"]["version"] == 2 and added[1]["payload"]["section_id"] == sid
    assert added[0]["id"] < added[1]["id"]  # inserted in the order they chain
    assert verified(client, room, rid)["head_hash"] == added[1]["hash"]
    section = ok(client.get(f"/v1/sections/{sid}", headers=room.chair.headers))
    assert section["head_version"] == 2 and section["head"]["text"] == wording
    # the next write chains on from the adoption (the report's head moved with both rows)
    later = propose(client, room.members[1], sid, wording + " Later.", base=2)
    after = events(client, room, rid)[len(logged) :]
    assert after[0]["type"] == "amendment.proposed" and after[0]["seq"] == added[1]["seq"] + 1
    assert after[0]["prev_hash"] == added[1]["hash"]
    assert later["base_version"] == 2
    verified(client, room, rid)


def test_a_round_adopted_after_another_applies_rebased_onto_the_moved_head(
    client: TestClient,
) -> None:
    room = make_room(client, members=2)
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid)
    first = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Geneva, Switzerland"))
    second = propose(client, room.members[1], sid, TEXT.replace("all stakeholders", "everyone"))
    assert everyone_consents(client, room, first["id"])["resulting_version"] == 2
    # the second was made on version 1: its wording is carried onto version 2
    adopted = everyone_consents(client, room, second["id"])
    assert (adopted["status"], adopted["resulting_version"]) == ("adopted", 3)
    text = head_text(client, room, sid)
    assert "Geneva, Switzerland" in text and "open to everyone." in text
    types = [e["type"] for e in events(client, room, rid)]
    assert types.count("amendment.adopted") == 2
    verified(client, room, rid)


def test_the_last_consent_carries_a_standing_bracket_of_its_section(client: TestClient) -> None:
    room = make_room(client, members=2)
    report_with_section(client, room)  # another first: the bracket's id is not its section's
    rid, sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    first = propose(client, room.members[0], sid, TEXT.replace("roles of", "role of"))
    second = propose(
        client,
        room.members[1],
        sid,
        TEXT.replace("governments in", "States in"),
        alternative_to=first["id"],
    )
    point = ok(
        client.post(
            f"/v1/sections/{sid}/brackets",
            json={"amendment_ids": [first["id"], second["id"]]},
            headers=matched(client, f"/v1/sections/{sid}", room.chair.headers),
        ),
        201,
    )
    assert point["id"] != sid
    adopt_report(client, room, rid)
    # a change after the bracket, in a consent round: the bracket stays where it is
    moved = head_text(client, room, sid).replace("Geneva", "Geneva, Switzerland")
    change = propose(client, room.members[0], sid, moved, base=2)
    assert everyone_consents(client, room, change["id"])["resulting_version"] == 3
    carried = ok(client.get(f"/v1/open-points/{point['id']}", headers=room.chair.headers))
    assert (carried["status"], carried["version"]) == ("open", 3)
    assert head_text(client, room, sid)[carried["start"] : carried["end"]] == BRACKET
    # a change before it moves it, in the same way
    earlier = head_text(client, room, sid).replace("The group", "The Working Group")
    change = propose(client, room.members[1], sid, earlier, base=3)
    assert everyone_consents(client, room, change["id"])["resulting_version"] == 4
    carried = ok(client.get(f"/v1/open-points/{point['id']}", headers=room.chair.headers))
    assert (carried["status"], carried["version"]) == ("open", 4)
    assert head_text(client, room, sid)[carried["start"] : carried["end"]] == BRACKET
    # one that rewrites it resolves it, with an event chained among the adoption's
    settled = head_text(client, room, sid).replace(BRACKET, "roles of governments")
    change = propose(client, room.members[0], sid, settled, base=4)
    everyone_consents(client, room, change["id"])
    resolved = ok(client.get(f"/v1/open-points/{point['id']}", headers=room.chair.headers))
    assert (resolved["status"], resolved["resolved_version"]) == ("resolved", 5)
    types = [e["type"] for e in events(client, room, rid)]
    assert types[-3:] == ["consent.consent", "open_point.resolved", "amendment.adopted"]
    verified(client, room, rid)


def test_the_last_voter_without_a_key_is_refused_before_anything_is_written(
    client: TestClient,
) -> None:
    """The voter's key is read with the round: none is a 409, and nothing is recorded."""
    room = make_room(client, members=2)
    body = {"name": "Keyless", "role": "member", "stakeholder": "government", "region": "Europe"}
    made = ok(
        client.post(f"/v1/groups/{room.group_id}/participants", json=body, headers=ADMIN), 201
    )
    redeemed = {"code": made["invitation"]["code"], "label": ""}  # no public key sent
    keyless = {
        "Authorization": f"Bearer {ok(client.post('/v1/invitations/redeem', json=redeemed), 201)['token']}"
    }
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid)
    change = propose(client, room.members[0], sid, TEXT + " Added.")
    assert change["tally"]["voters"] == len(room.voters) + 1
    for voter in room.voters:
        act(client, voter, change["id"], "consent")
    before = events(client, room, rid)
    refused = client.post(
        f"/v1/amendments/{change['id']}/consent", json={"signature": "x" * 86}, headers=keyless
    )
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["type"].endswith("signing-key-missing")
    assert events(client, room, rid) == before
    seen = ok(client.get(f"/v1/amendments/{change['id']}", headers=room.chair.headers))
    assert seen["status"] == "consent_open" and seen["tally"]["pending"] == 1
    assert head_text(client, room, sid) == TEXT
