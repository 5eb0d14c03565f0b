"""One open public link (the questionnaire on the website): many respondents use it, each
reply its own, changed with its own secret, held for moderation; bounded per address and
in all; every refusal a problem+json that stores nothing."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
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
)

CIVIL = {"category": "civil_society", "organisation": "APC"}


def _open(client: TestClient, max_replies: int = 1000) -> tuple[Room, int, list[Any], str]:
    room = make_room(client, members=2)
    made = create(client, room, process_functions(in_days(7)))
    issued = ok(
        client.post(
            f"/v1/questionnaires/{made['id']}/open-links",
            json={"max_replies": max_replies},
            headers=room.secretariat.headers,
        ),
        201,
    )
    assert issued["page"] == f"/app/answer.html#code={issued['code']}"
    return room, made["id"], made["questions"], issued["code"]


def answer(client: TestClient, code: str, answers: dict[str, Any], **fields: Any) -> Any:
    body = {**CIVIL, "answers": answers, "submit": True, **fields}
    return client.post(f"/v1/public-questionnaires/{code}/replies", json=body)


def test_many_respondents_answer_through_one_link_each_with_its_own_secret(
    client: TestClient,
) -> None:
    room, qid, questions, code = _open(client)
    form = ok(client.get(f"/v1/public-questionnaires/{code}"))
    assert form["open"] is True and form["reply"] is None
    assert form["questionnaire"]["chapeau"].startswith("The Working Group invites")
    made = [
        ok(answer(client, code, answers_for(questions, n), name=f"Respondent {n}"), 201)
        for n in range(3)
    ]
    secrets = [m["secret"] for m in made]
    assert len(set(secrets)) == 3 and code not in secrets
    assert all(m["status"] == "submitted" and m["moderation"] == "pending" for m in made)
    # the open link still shows nobody's reply; each secret shows its own
    assert ok(client.get(f"/v1/public-questionnaires/{code}"))["reply"] is None
    own = ok(client.get(made[1]["path"]))
    assert own["open"] is False and own["reply"]["id"] == made[1]["id"]
    # a respondent changes its reply with its secret (read again by the moderators) ...
    change = {"answers": answers_for(questions, 7), "submit": True}
    changed = ok(client.put(f"{made[1]['path']}/reply", json=change))
    assert changed["answers"] == answers_for(questions, 7) and changed["id"] == made[1]["id"]
    # ... and another withdraws its own
    ok(client.post(f"{made[2]['path']}/reply/withdraw"))
    # the open link itself has no reply to change
    is_problem(client.put(f"/v1/public-questionnaires/{code}/reply", json=change), 409, "open-link")
    is_problem(
        client.post(f"/v1/public-questionnaires/{code}/reply", json={**CIVIL, **change}),
        409,
        "open-link",
    )
    # held for moderation: the public sees nothing until the secretariat publishes
    assert all_replies(client, qid) == []
    staff = all_replies(client, qid, room.secretariat.headers)
    assert {r["id"]: r["status"] for r in staff} == {
        made[0]["id"]: "submitted",
        made[1]["id"]: "submitted",
        made[2]["id"]: "withdrawn",
    }
    ok(
        client.post(
            f"/v1/replies/{made[0]['id']}/moderate",
            json={"decision": "publish"},
            headers=room.secretariat.headers,
        )
    )
    (public,) = all_replies(client, qid)
    assert public["id"] == made[0]["id"] and public["respondent"] == "a respondent"
    assert public["organisation"] == "APC" and "participant_id" not in public


def test_the_link_is_the_secretariats_to_issue_for_a_public_version(client: TestClient) -> None:
    room = make_room(client, members=1)
    internal_only = process_functions(in_days(7))
    del internal_only["public_chapeau"]
    qid = create(client, room, internal_only)["id"]
    url = f"/v1/questionnaires/{qid}/open-links"
    is_problem(client.post(url, json={}, headers=room.secretariat.headers), 409, "invalid-state")
    public = create(client, room, process_functions(in_days(7)))["id"]
    url = f"/v1/questionnaires/{public}/open-links"
    is_problem(client.post(url, json={}, headers=room.members[0].headers), 403, "forbidden")
    is_problem(client.post(url, json={}, headers=room.observers[0].headers), 403, "forbidden")
    assert (
        client.post(url, json={"max_replies": 0}, headers=room.secretariat.headers).status_code
        == 422
    )


def test_flooding_is_bounded_per_address_and_per_link(
    client: TestClient, app: FastAPI, clock: ShiftedClock
) -> None:
    room, qid, questions, code = _open(client)
    good = answers_for(questions, 0)
    for _ in range(10):
        ok(answer(client, code, good), 201)
    refused = answer(client, code, good)
    problem = is_problem(refused, 429, "too-many-replies")
    assert int(refused.headers["Retry-After"]) == problem["retry_after"] > 0
    assert len(all_replies(client, qid, room.secretariat.headers)) == 10  # nothing stored
    # another address is not held back by this one ...
    elsewhere = TestClient(app, client=("198.51.100.7", 40000), raise_server_exceptions=False)
    ok(answer(elsewhere, code, good), 201)
    # ... and an hour later this address may answer again
    clock.advance(hours=1, seconds=1)
    ok(answer(client, code, good), 201)
    assert len(all_replies(client, qid, room.secretariat.headers)) == 12

    # a link's cap: two respondents, then no more (from any address)
    _room, _qid2, questions2, capped = _open(client, max_replies=2)
    for _ in range(2):
        ok(answer(elsewhere, capped, answers_for(questions2, 1)), 201)
    problem = is_problem(answer(client, capped, answers_for(questions2, 1)), 409, "open-link-full")
    assert problem["max_replies"] == 2


def test_hostile_replies_through_an_open_link_store_nothing(
    client: TestClient, clock: ShiftedClock
) -> None:
    # long: one hostile case after another, then proof that none left a row behind
    room, qid, questions, code = _open(client, max_replies=2)
    text, single = str(questions[4]["id"]), str(questions[0]["id"])
    good = answers_for(questions, 0)
    for bad, slug in (
        ({**good, text: "x" * 501}, "answer-invalid"),  # oversized
        ({**good, single: "perhaps"}, "answer-invalid"),  # an unknown option
        ({"999999": "yes"}, "answer-invalid"),  # an unknown question
        ({text: "no answer to the required question"}, "answer-invalid"),  # submit incomplete
    ):
        is_problem(answer(client, code, bad), 422, slug)
    is_problem(answer(client, code, good, category=None), 422, "unprocessable")
    oversized_name = answer(client, code, good, name="n" * 201)
    assert oversized_name.status_code == 422
    # replaying: the same request with the same key makes no second reply (and the secret,
    # shown once, is not shown again)
    key = {"Idempotency-Key": "replay-1"}
    body = {**CIVIL, "answers": good, "submit": True}
    first = ok(
        client.post(f"/v1/public-questionnaires/{code}/replies", json=body, headers=key), 201
    )
    replay = client.post(f"/v1/public-questionnaires/{code}/replies", json=body, headers=key)
    is_problem(replay, 409, "reply-exists")
    assert first["secret"] not in replay.text
    # a secret answers once: its own reply is changed, never a second one made
    is_problem(client.post(f"{first['path']}/reply", json=body), 409, "reply-exists")
    # a personal link's code is not an open link
    personal = link(client, room, qid)["code"]
    is_problem(answer(client, personal, good), 409, "invalid-state")
    # a made-up code opens nothing
    is_problem(answer(client, "qopen_" + "A" * 32, good), 404, "not-found")
    # none of the refusals took a place: the link (cap 2) takes one more reply, then no more
    second = ok(answer(client, code, answers_for(questions, 1)), 201)
    is_problem(answer(client, code, good), 409, "open-link-full")
    # after the deadline: neither a new reply nor a change
    clock.advance(days=8)
    is_problem(answer(client, code, good), 409, "questionnaire-closed")
    change = {"answers": answers_for(questions, 3), "submit": True}
    is_problem(client.put(f"{first['path']}/reply", json=change), 409, "questionnaire-closed")
    staff = all_replies(client, qid, room.secretariat.headers)
    assert [(r["id"], r["answers"]) for r in staff] == [
        (first["id"], good),
        (second["id"], answers_for(questions, 1)),
    ]
