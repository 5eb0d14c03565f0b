"""Editing a questionnaire's questions: freely until the first reply is submitted; after
that only a wording correction of a few characters, with its reason on the record."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.clock import ShiftedClock
from tests.amendments.helpers import event_types, report_with_section
from tests.factories import Room, make_room, ok
from tests.questionnaires.helpers import (
    answers_for,
    create,
    in_days,
    is_problem,
    process_functions,
    reply,
)


def _made(client: TestClient) -> tuple[Room, int, dict[str, Any]]:
    room = make_room(client, members=2)
    rid, _ = report_with_section(client, room, "The group met in Geneva.")
    made = create(client, room, process_functions(in_days(7), report_id=rid))
    return room, rid, made


def _edits(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The questions as a PUT body lists them (their ids kept)."""
    fields = ("id", "kind", "prompt", "required", "options", "max_chars", "scale_min", "scale_max")
    return [
        {k: q[k] for k in fields if q[k] is not None and not (k == "options" and not q[k])}
        for q in questions
    ]


def put_questions(client: TestClient, room: Room, qid: int, questions: list[Any]) -> Any:
    return client.put(
        f"/v1/questionnaires/{qid}/questions",
        json={"questions": questions},
        headers=room.secretariat.headers,
    )


def test_before_any_submission_questions_are_added_changed_removed_and_reordered(
    client: TestClient,
) -> None:
    room, rid, made = _made(client)
    qid, questions = made["id"], made["questions"]
    # a draft answers question 1 ("yes") and question 4 (a ranking)
    single, ranking = str(questions[0]["id"]), str(questions[3]["id"])
    draft = ok(
        reply(
            client,
            room.members[0],
            qid,
            {single: "yes", ranking: answers_for(questions, 0)[ranking]},
            submit=False,
        ),
        201,
    )
    edits = _edits(questions)
    edits[0]["options"] = ["agree", "disagree"]  # "yes" no longer fits: dropped from the draft
    new = {"kind": "text", "prompt": "Anything else?", "max_chars": 200}
    # reorder: the ranking first, the text question removed, a new one at the end
    body = [edits[3], edits[0], edits[1], edits[2], new]
    changed = ok(put_questions(client, room, qid, body))
    assert [q["prompt"] for q in changed["questions"]] == [
        "Rank the functions by urgency.",
        "Should a new forum be created for all stakeholders?",
        "Which functions need improvement?",
        "How adequate is oversight today?",
        "Anything else?",
    ]
    assert [q["number"] for q in changed["questions"]] == [1, 2, 3, 4, 5]
    assert changed["questions"][0]["id"] == questions[3]["id"]  # kept, not remade
    assert changed["questions"][1]["options"] == ["agree", "disagree"]
    assert ok(client.get(f"/v1/questionnaires/{qid}", headers=room.members[1].headers)) == changed
    kept = ok(client.get(f"/v1/replies/{draft['id']}", headers=room.members[0].headers))
    assert kept["answers"] == {ranking: answers_for(questions, 0)[ranking]}
    assert "questionnaire.questions_changed" in event_types(client, room, rid)
    # the same list again changes nothing and records nothing more
    again = ok(put_questions(client, room, qid, _edits(changed["questions"])))
    assert again == changed
    assert event_types(client, room, rid).count("questionnaire.questions_changed") == 1


def test_after_a_submission_the_questions_are_fixed_and_nothing_changes(
    client: TestClient,
) -> None:
    room, rid, made = _made(client)
    qid, questions = made["id"], made["questions"]
    ok(reply(client, room.members[0], qid, answers_for(questions, 0)), 201)
    edits = _edits(questions)
    for body in (
        edits[1:],  # removing a question
        [edits[1], edits[0], *edits[2:]],  # reordering
        [*edits, {"kind": "text", "prompt": "More?"}],  # adding
        [{**edits[0], "options": ["yes", "no"]}, *edits[1:]],  # changing options
    ):
        problem = is_problem(put_questions(client, room, qid, body), 409, "questionnaire-answered")
        assert "1 replies have been submitted" in problem["detail"]
        assert problem["submitted_replies"] == 1
    assert ok(client.get(f"/v1/questionnaires/{qid}", headers=room.chair.headers)) == made | {
        "state": "open"
    }
    assert "questionnaire.questions_changed" not in event_types(client, room, rid)


def test_a_typo_is_corrected_after_submissions_stated_and_recorded(client: TestClient) -> None:
    room, rid, made = _made(client)
    qid, questions = made["id"], made["questions"]
    ok(reply(client, room.members[0], qid, answers_for(questions, 0)), 201)
    first = questions[1]
    url = f"/v1/questions/{first['id']}/wording"
    # a new question in the old one's place is refused: more than a typo
    bigger = {"prompt": "Which functions should be abolished?", "note": "reconsidered"}
    problem = is_problem(
        client.post(url, json=bigger, headers=room.secretariat.headers),
        409,
        "questionnaire-answered",
    )
    assert problem["most"] == 20 and problem["changed_characters"] > 20
    # members cannot correct it
    fix = {"prompt": "Which functions need improvement now?", "note": "a missing word"}
    is_problem(client.post(url, json=fix, headers=room.members[1].headers), 403, "forbidden")
    fixed = ok(client.post(url, json=fix, headers=room.secretariat.headers))
    question = fixed["questions"][1]
    assert question["prompt"] == "Which functions need improvement now?"
    assert question["answered_prompt"] == "Which functions need improvement?"
    assert question["reworded_at"] is not None
    page = ok(client.get(f"/v1/reports/{rid}/events?limit=100", headers=room.chair.headers))
    (event,) = [e for e in page["items"] if e["type"] == "questionnaire.question_reworded"]
    expected = {
        "question_id": first["id"],
        "before": "Which functions need improvement?",
        "after": "Which functions need improvement now?",
        "note": "a missing word",
        "submitted_replies": 1,
    }
    assert expected.items() <= event["payload"].items()


def test_no_edit_after_the_deadline_and_unknown_ids_are_refused(
    client: TestClient, clock: ShiftedClock
) -> None:
    room, _rid, made = _made(client)
    qid, questions = made["id"], made["questions"]
    edits = _edits(questions)
    problem = is_problem(
        put_questions(client, room, qid, [{**edits[0], "id": 999_999}, *edits[1:]]),
        422,
        "unprocessable",
    )
    assert problem["unknown_questions"] == [999_999]
    is_problem(put_questions(client, room, qid, [edits[0], edits[0]]), 422, "unprocessable")
    is_problem(
        client.put(
            f"/v1/questionnaires/{qid}/questions",
            json={"questions": edits},
            headers=room.members[0].headers,
        ),
        403,
        "forbidden",
    )
    clock.advance(days=8)
    is_problem(put_questions(client, room, qid, edits[1:]), 409, "questionnaire-closed")
    fix = {"prompt": "Rank them by urgency.", "note": "shorter"}
    is_problem(
        client.post(
            f"/v1/questions/{questions[3]['id']}/wording",
            json=fix,
            headers=room.secretariat.headers,
        ),
        409,
        "questionnaire-closed",
    )
    after = ok(client.get(f"/v1/questionnaires/{qid}", headers=room.chair.headers))
    assert after["questions"] == questions
