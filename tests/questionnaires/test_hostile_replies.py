"""Hostile input on replies: each is a clear problem+json, and nothing is stored."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.clock import ShiftedClock
from tests.factories import Room, make_room, ok
from tests.questionnaires.helpers import (
    all_replies,
    answers_for,
    create,
    in_days,
    is_problem,
    link,
    process_functions,
    reply,
)


def _setup(client: TestClient) -> tuple[Room, int, list[dict[str, Any]]]:
    room = make_room(client, members=3)
    made = create(client, room, process_functions(in_days(7)))
    return room, made["id"], made["questions"]


def test_an_oversized_answer_or_an_unknown_option_stores_nothing(client: TestClient) -> None:
    room, qid, questions = _setup(client)
    good = answers_for(questions, 0)
    text, single, multiple, scale = (str(questions[i]["id"]) for i in (4, 0, 1, 2))
    for bad, expect in (
        ({text: "x" * 501}, "501 characters; at most 500"),
        ({single: "perhaps"}, "unknown options ['perhaps']"),
        ({multiple: ["forum", "everything"]}, "unknown options ['everything']"),
        ({multiple: ["forum", "forum"]}, "given twice"),
        ({scale: 9}, "off the scale"),
        ({single: ["yes"]}, "one option"),
        ({"999999": "yes"}, "No questions ['999999']"),
    ):
        problem = is_problem(
            reply(client, room.members[0], qid, {**good, **bad}), 422, "answer-invalid"
        )
        assert expect in problem["detail"]
    # a body the schema refuses (an answer of the wrong shape) is 422 too
    refused = reply(client, room.members[0], qid, {single: {"nested": "object"}})
    assert refused.status_code == 422
    assert all_replies(client, qid, room.secretariat.headers) == []
    assert all_replies(client, qid, room.members[0].headers) == []


def test_a_member_cannot_answer_for_another(client: TestClient) -> None:
    room, qid, questions = _setup(client)
    alice, bob = room.members[0], room.members[1]
    made = ok(reply(client, alice, qid, answers_for(questions, 0)), 201)
    # naming someone else in the body is refused by the schema
    body = {"answers": answers_for(questions, 1), "participant_id": bob.id}
    refused = client.post(f"/v1/questionnaires/{qid}/replies", json=body, headers=alice.headers)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    # Bob cannot change Alice's reply: it does not exist for him until shared ...
    change = {"answers": answers_for(questions, 2), "submit": True}
    is_problem(
        client.put(f"/v1/replies/{made['id']}", json=change, headers=bob.headers), 404, "not-found"
    )
    ok(
        client.post(
            f"/v1/questionnaires/{qid}/share",
            json={"shared": True},
            headers=room.secretariat.headers,
        )
    )
    # ... and once he reads it, it is still not his to change or withdraw
    is_problem(
        client.put(f"/v1/replies/{made['id']}", json=change, headers=bob.headers), 403, "forbidden"
    )
    is_problem(
        client.post(f"/v1/replies/{made['id']}/withdraw", headers=bob.headers), 403, "forbidden"
    )
    # the secretariat and observers do not answer the internal version
    for outsider in (room.secretariat, room.observers[0]):
        is_problem(reply(client, outsider, qid, answers_for(questions, 3)), 403, "forbidden")
    stored = ok(client.get(f"/v1/replies/{made['id']}", headers=alice.headers))
    assert stored["answers"] == answers_for(questions, 0) and stored["status"] == "submitted"
    assert len(all_replies(client, qid, room.secretariat.headers)) == 1


def test_one_reply_per_member_and_per_public_link(client: TestClient) -> None:
    room, qid, questions = _setup(client)
    ok(reply(client, room.members[0], qid, answers_for(questions, 0)), 201)
    again = is_problem(
        reply(client, room.members[0], qid, answers_for(questions, 1)), 409, "reply-exists"
    )
    assert again["reply_id"]
    public = link(client, room, qid, organisation="Government of Kenya", category="government")
    body = {"answers": answers_for(questions, 5), "submit": True}
    first = ok(client.post(f"{public['path']}/reply", json=body), 201)
    is_problem(client.post(f"{public['path']}/reply", json=body), 409, "reply-exists")
    # the link edits its one reply instead (until the deadline), and can withdraw it
    edited = ok(
        client.put(
            f"{public['path']}/reply", json={"answers": answers_for(questions, 6), "submit": True}
        )
    )
    assert edited["id"] == first["id"] and edited["answers"] == answers_for(questions, 6)
    replies = all_replies(client, qid, room.secretariat.headers)
    assert len(replies) == 2
    # a made-up link opens nothing
    is_problem(client.get("/v1/public-questionnaires/qlink_not_a_real_code"), 404, "not-found")


def test_answers_after_the_deadline_are_refused(client: TestClient, clock: ShiftedClock) -> None:
    room, qid, questions = _setup(client)
    made = ok(reply(client, room.members[0], qid, answers_for(questions, 0)), 201)
    public = link(client, room, qid, category="observer")
    clock.advance(days=8)
    is_problem(
        reply(client, room.members[1], qid, answers_for(questions, 1)), 409, "questionnaire-closed"
    )
    change = {"answers": answers_for(questions, 2), "submit": True}
    is_problem(
        client.put(f"/v1/replies/{made['id']}", json=change, headers=room.members[0].headers),
        409,
        "questionnaire-closed",
    )
    is_problem(
        client.post(f"/v1/replies/{made['id']}/withdraw", headers=room.members[0].headers),
        409,
        "questionnaire-closed",
    )
    is_problem(client.post(f"{public['path']}/reply", json=change), 409, "questionnaire-closed")
    stored = ok(client.get(f"/v1/replies/{made['id']}", headers=room.members[0].headers))
    assert stored["answers"] == answers_for(questions, 0) and stored["status"] == "submitted"
    assert len(all_replies(client, qid, room.secretariat.headers)) == 1


def test_a_reply_withdrawn_leaves_the_counts(client: TestClient) -> None:
    room, qid, questions = _setup(client)
    made = ok(reply(client, room.members[0], qid, answers_for(questions, 0)), 201)
    ok(reply(client, room.members[1], qid, answers_for(questions, 1)), 201)
    withdrawn = ok(
        client.post(f"/v1/replies/{made['id']}/withdraw", headers=room.members[0].headers)
    )
    assert withdrawn["status"] == "withdrawn"
    summary = ok(client.get(f"/v1/questionnaires/{qid}/summary", headers=room.chair.headers))
    assert summary["internal_replies"] == 1 and summary["response_rate"]["answered"] == 1
    # withdrawn, it can be submitted again before the deadline (the same reply)
    back = ok(
        client.put(
            f"/v1/replies/{made['id']}",
            json={"answers": answers_for(questions, 0), "submit": True},
            headers=room.members[0].headers,
        )
    )
    assert back["status"] == "submitted"


def test_a_questionnaire_of_another_group_does_not_exist(client: TestClient) -> None:
    room, qid, questions = _setup(client)
    other = make_room(client, members=1)
    internal_only = create(client, room, {**process_functions(in_days(7)), "public_chapeau": None})
    is_problem(
        client.get(f"/v1/questionnaires/{internal_only['id']}", headers=other.members[0].headers),
        404,
        "not-found",
    )
    # the public version of one that has it is what an outsider reads
    public = ok(client.get(f"/v1/questionnaires/{qid}", headers=other.members[0].headers))
    assert "internal_chapeau" not in public and public["chapeau"]
    is_problem(reply(client, other.members[0], qid, answers_for(questions, 0)), 404, "not-found")
    # the summary is for the group until the questionnaire closes
    is_problem(client.get(f"/v1/questionnaires/{qid}/summary"), 404, "not-found")
