"""Consent rounds people can live with (issue 21, part A): stand aside, changed answers,
objections withdrawn, the chair closing a round as blocked, reminders, revise to resolve."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.amendments.deadlines import settle_all_due
from tests.amendments.helpers import (
    TEXT,
    act,
    adopt_report,
    event_types,
    head_text,
    propose,
    report_with_section,
)
from tests.factories import Room, add_person, make_room, ok

VENUE = "This changes the venue of record."


def adopted_room(client: TestClient, members: int = 2, **fields: Any) -> tuple[Room, int, int]:
    room = make_room(client, members=members)
    rid, sid = report_with_section(client, room, **fields)
    adopt_report(client, room, rid)
    return room, rid, sid


def read(client: TestClient, room: Room, amendment_id: int) -> dict[str, Any]:
    return ok(client.get(f"/v1/amendments/{amendment_id}", headers=room.chair.headers))  # type: ignore[no-any-return]


def events(client: TestClient, room: Room, rid: int, kind: str) -> list[dict[str, Any]]:
    page = ok(client.get(f"/v1/reports/{rid}/events?limit=1000", headers=room.chair.headers))
    return [e for e in page["items"] if e["type"] == kind]


def in_an_hour() -> datetime:
    return datetime.now(UTC) + timedelta(hours=1)


def test_an_objection_resolved_by_a_revised_wording(client: TestClient) -> None:
    room, rid, sid = adopted_room(client)
    first = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    act(client, room.chair, first["id"], "consent")
    blocked = act(client, room.members[1], first["id"], "object", reason=VENUE)
    assert blocked["status"] == "blocked" and blocked["tally"]["round_open"] is True
    # only the proposer or the chair may revise
    other = act(client, room.members[1], first["id"], "revise", 403, text=TEXT + " x")
    assert other["status"] == 403
    wording = TEXT.replace("Geneva", "Geneva (and Tunis)")
    second = act(client, room.members[0], first["id"], "revise", 201, text=wording)
    assert second["supersedes_id"] == first["id"] and second["revised_by_id"] is None
    assert second["status"] == "consent_open"
    # the voters are asked again: the earlier consent does not carry over
    assert second["tally"]["consented"] == 0 and second["tally"]["pending"] == 3
    old = read(client, room, first["id"])
    assert old["status"] == "superseded" and old["revised_by_id"] == second["id"]
    assert old["tally"]["round_open"] is False
    assert act(client, room.members[1], first["id"], "withdraw-objection", 409)["status"] == 409
    act(client, room.members[1], second["id"], "stand-aside", reason="I can live with it.")
    act(client, room.members[0], second["id"], "consent")
    done = act(client, room.chair, second["id"], "consent")
    assert done["status"] == "adopted" and done["resulting_version"] == 2
    assert head_text(client, room, sid) == wording
    proposed = events(client, room, rid, "amendment.proposed")
    assert proposed[-1]["payload"]["supersedes"] == first["id"]
    assert "amendment.superseded" in event_types(client, room, rid)


def test_the_chair_may_revise_a_blocked_amendment(client: TestClient) -> None:
    room, _rid, sid = adopted_room(client)
    first = propose(client, room.members[0], sid, TEXT + " First.")
    act(client, room.members[1], first["id"], "object", reason="Too short.")
    second = act(client, room.chair, first["id"], "revise", 201, text=TEXT + " A better one.")
    assert second["supersedes_id"] == first["id"] and second["proposer_id"] == room.chair.id
    assert read(client, room, first["id"])["revised_by_id"] == second["id"]
    # one wording has one successor
    again = act(client, room.members[0], first["id"], "revise", 409, text=TEXT + " Third.")
    assert again["status"] == 409


def test_a_consent_changed_to_stand_aside_still_applies(client: TestClient) -> None:
    room, rid, sid = adopted_room(client)
    change = propose(client, room.members[0], sid, TEXT.replace("should", "shall"))
    first = act(client, room.chair, change["id"], "consent")
    before = client.get(f"/v1/amendments/{change['id']}", headers=room.chair.headers)
    changed = act(client, room.chair, change["id"], "stand-aside", reason="Can live with it.")
    after = client.get(f"/v1/amendments/{change['id']}", headers=room.chair.headers)
    assert before.headers["ETag"] != after.headers["ETag"]  # the tally moved: so does the ETag
    assert (first["tally"]["consented"], first["tally"]["stood_aside"]) == (1, 0)
    tally = changed["tally"]
    assert (tally["consented"], tally["stood_aside"], tally["pending"]) == (0, 1, 2)
    assert tally["answers"][0]["changed"] is True and tally["answers"][0]["answer"] == "stand_aside"
    act(client, room.members[0], change["id"], "consent")
    done = act(client, room.members[1], change["id"], "stand-aside")
    assert done["status"] == "adopted" and done["resulting_version"] == 2
    assert (done["tally"]["consented"], done["tally"]["stood_aside"]) == (1, 2)
    assert "stood aside" in done["outcome_note"]
    assert "shall" in head_text(client, room, sid)
    asides = events(client, room, rid, "consent.stand_aside")
    assert [e["payload"]["changed_from"] for e in asides] == ["consent", None]
    assert len(events(client, room, rid, "amendment.adopted")) == 1
    # the public sees the counts and the answers, never who gave them
    seen = ok(client.get(f"/v1/amendments/{change['id']}", headers=room.observers[0].headers))
    assert seen["tally"]["stood_aside"] == 2 and seen["tally"]["pending_participant_ids"] == []
    assert all(a["participant_id"] is None for a in seen["tally"]["answers"])
    public = ok(client.get(f"/v1/reports/{rid}/events", headers=room.observers[0].headers))
    assert all(e["actor_id"] is None for e in public["items"])


def test_a_withdrawn_objection_lets_the_round_complete(client: TestClient) -> None:
    room, rid, sid = adopted_room(client)
    change = propose(client, room.members[0], sid, TEXT + " Agreed.")
    act(client, room.chair, change["id"], "consent")
    act(client, room.members[1], change["id"], "object", reason="Not yet.")
    # only a standing objection can be withdrawn, only by its voter
    assert act(client, room.chair, change["id"], "withdraw-objection", 409)["status"] == 409
    assert act(client, room.observers[0], change["id"], "withdraw-objection", 403)["status"] == 403
    back = act(client, room.members[1], change["id"], "withdraw-objection", reason="Explained.")
    tally = back["tally"]
    assert back["status"] == "consent_open" and tally["round_open"] is True
    assert (tally["consented"], tally["objected"], tally["withdrawn"]) == (1, 0, 1)
    assert set(tally["pending_participant_ids"]) == {room.members[0].id, room.members[1].id}
    assert act(client, room.members[1], change["id"], "withdraw-objection", 409)["status"] == 409
    act(client, room.members[0], change["id"], "consent")
    done = act(client, room.members[1], change["id"], "consent")
    assert done["status"] == "adopted" and head_text(client, room, sid).endswith("Agreed.")
    kinds = event_types(client, room, rid)
    assert kinds.count("amendment.blocked") == 1 and kinds.count("consent.withdrawn") == 1
    assert kinds.count("consent.resumed") == 1 and kinds.count("amendment.adopted") == 1


def test_an_objection_changed_to_consent_unblocks_and_may_complete(client: TestClient) -> None:
    room, _rid, _sid = adopted_room(client, members=1)
    change = propose(client, room.members[0], room_section(client, room), TEXT + " Changed.")
    act(client, room.chair, change["id"], "object", reason="Hmm.")
    assert act(client, room.members[0], change["id"], "consent")["status"] == "blocked"
    done = act(client, room.chair, change["id"], "consent")
    assert done["status"] == "adopted" and done["resulting_version"] == 2


def room_section(client: TestClient, room: Room) -> int:
    rid = ok(client.get(f"/v1/groups/{room.group_id}/reports", headers=room.chair.headers))[
        "items"
    ][0]["id"]
    return int(ok(client.get(f"/v1/reports/{rid}", headers=room.chair.headers))["outline"][0]["id"])


def test_withdrawing_after_the_deadline_is_409(client: TestClient, app: FastAPI) -> None:
    room, rid, sid = adopted_room(client)
    deadline = in_an_hour()
    change = propose(
        client, room.members[0], sid, TEXT + " Late.", consent_deadline=deadline.isoformat()
    )
    act(client, room.members[1], change["id"], "object", reason="No.")
    assert settle_all_due(app.state.database, now=deadline + timedelta(seconds=1)) == 1
    ended = read(client, room, change["id"])
    assert ended["status"] == "blocked" and ended["tally"]["round_open"] is False
    assert ended["decided_at"] is not None
    refused = act(client, room.members[1], change["id"], "withdraw-objection", 409)
    assert refused["type"] == "urn:plenary:problem:invalid-state"
    assert act(client, room.chair, change["id"], "consent", 409)["status"] == 409
    closed = events(client, room, rid, "consent.closed")
    assert [(e["payload"]["outcome"], e["payload"]["by"]) for e in closed] == [
        ("blocked", "deadline")
    ]


def test_answers_who_may_give_them_and_what_they_need(client: TestClient) -> None:
    room, _rid, sid = adopted_room(client)
    change = propose(client, room.members[0], sid, TEXT + " Who.")
    for action, body in (("object", {}), ("object", {"reason": ""})):
        response = client.post(
            f"/v1/amendments/{change['id']}/{action}", json=body, headers=room.members[1].headers
        )
        assert response.status_code == 422, response.text
    newcomer = add_person(client, room.group_id, "member", by=room.chair.headers)
    for who in (room.observers[0], room.secretariat, newcomer):
        for action in ("consent", "stand-aside", "object"):
            body = {} if action == "consent" else {"reason": "x"}
            refused = act(client, who, change["id"], action, 403, **body)
            assert refused["status"] == 403
    untouched = read(client, room, change["id"])
    assert untouched["tally"]["pending"] == 3 and untouched["status"] == "consent_open"


def test_the_chair_closes_a_round_as_blocked(client: TestClient) -> None:
    room, rid, sid = adopted_room(client)
    objected = propose(client, room.members[0], sid, TEXT + " Objected.")
    act(client, room.members[1], objected["id"], "object", reason="No.")
    assert act(client, room.members[0], objected["id"], "close-blocked", 403)["status"] == 403
    closed = act(client, room.chair, objected["id"], "close-blocked", reason="No consensus.")
    assert closed["status"] == "blocked" and closed["tally"]["round_open"] is False
    assert "No consensus." in closed["outcome_note"]
    assert act(client, room.members[1], objected["id"], "withdraw-objection", 409)["status"] == 409
    assert act(client, room.chair, objected["id"], "close-blocked", 409)["status"] == 409
    # a wording can still be revised after its round ended: it stays blocked, linked
    later = act(client, room.members[0], objected["id"], "revise", 201, text=TEXT + " Better.")
    kept = read(client, room, objected["id"])
    assert kept["status"] == "blocked" and kept["revised_by_id"] == later["id"]
    # a round nobody objected to: the chair may still end it blocked
    quiet = propose(client, room.members[1], sid, TEXT.replace("should", "could"))
    ended = act(client, room.chair, quiet["id"], "close-blocked")
    assert ended["status"] == "blocked" and ended["tally"]["round_open"] is False
    by = [e["payload"]["by"] for e in events(client, room, rid, "consent.closed")]
    assert by == ["chair", "chair"]
    assert event_types(client, room, rid).count("amendment.blocked") == 2
    assert head_text(client, room, sid) == TEXT


def test_transmission_ends_a_blocked_round_blocked(client: TestClient) -> None:
    room, rid, sid = adopted_room(client)
    change = propose(client, room.members[0], sid, TEXT + " Pending objection.")
    act(client, room.members[1], change["id"], "object", reason="No.")
    headers = {
        **room.chair.headers,
        "If-Match": client.get(f"/v1/reports/{rid}", headers=room.chair.headers).headers["ETag"],
    }
    ok(client.post(f"/v1/reports/{rid}/transmit", headers=headers))
    final = read(client, room, change["id"])
    assert final["status"] == "blocked" and final["tally"]["round_open"] is False
    by = [e["payload"]["by"] for e in events(client, room, rid, "consent.closed")]
    assert by == ["transmission"]


def _hook(client: TestClient, room: Room) -> int:
    return int(
        ok(
            client.post(
                f"/v1/groups/{room.group_id}/webhooks",
                json={"url": "http://127.0.0.1:9/hook", "event_types": ["consent.reminder"]},
                headers=room.chair.headers,
            ),
            201,
        )["id"]
    )


def _delivered_events(client: TestClient, room: Room, hook_id: int) -> list[int]:
    log = ok(client.get(f"/v1/webhooks/{hook_id}/deliveries", headers=room.chair.headers))
    return sorted(d["event_id"] for d in log["items"])


def test_reminders_on_demand_and_at_the_set_time(client: TestClient, app: FastAPI) -> None:
    room, rid, sid = adopted_room(client)
    hook = _hook(client, room)
    deadline = in_an_hour()
    for bad in (
        {"remind_before": 600},  # no deadline to count back from
        {"remind_before": 7200, "consent_deadline": deadline.isoformat()},  # already past
        {"remind_before": "600", "consent_deadline": deadline.isoformat()},
    ):
        assert propose(client, room.members[0], sid, TEXT + " x", expect=422, **bad)
    change = propose(
        client,
        room.members[0],
        sid,
        TEXT + " Remind.",
        consent_deadline=deadline.isoformat(),
        remind_before=600,
    )
    remind_at = datetime.fromisoformat(change["remind_at"])
    assert remind_at == deadline - timedelta(seconds=600) and change["reminded_at"] is None
    act(client, room.chair, change["id"], "consent")
    # on demand: the chair or the secretariat
    assert act(client, room.members[1], change["id"], "remind", 403)["status"] == 403
    act(client, room.secretariat, change["id"], "remind")
    reminders = events(client, room, rid, "consent.reminder")
    assert [(e["payload"]["pending"], e["payload"]["scheduled"]) for e in reminders] == [(2, False)]
    # at the set time, by the deadline sweep: once
    assert settle_all_due(app.state.database, now=remind_at - timedelta(seconds=1)) == 0
    assert settle_all_due(app.state.database, now=remind_at + timedelta(seconds=1)) == 1
    assert settle_all_due(app.state.database, now=remind_at + timedelta(seconds=2)) == 0
    reminders = events(client, room, rid, "consent.reminder")
    assert [(e["payload"]["pending"], e["payload"]["scheduled"]) for e in reminders] == [
        (2, False),
        (2, True),
    ]
    assert read(client, room, change["id"])["reminded_at"] is not None
    assert _delivered_events(client, room, hook) == sorted(e["id"] for e in reminders)
    # members read who is pending; the public reads how many
    assert set(read(client, room, change["id"])["tally"]["pending_participant_ids"]) == {
        room.members[0].id,
        room.members[1].id,
    }
    public = ok(client.get(f"/v1/reports/{rid}/events", headers=room.observers[0].headers))
    shown = [e for e in public["items"] if e["type"] == "consent.reminder"]
    assert [sorted(e["payload"]) for e in shown] == [
        ["amendment_id", "deadline", "pending", "scheduled", "voters"]
    ] * 2
    # nobody left to remind: 409
    act(client, room.members[0], change["id"], "consent")
    act(client, room.members[1], change["id"], "object", reason="No.")
    assert act(client, room.chair, change["id"], "remind", 409)["status"] == 409
