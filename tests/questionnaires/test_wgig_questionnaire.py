"""The seed's process-functions questionnaire, replayed: an internal version to the forty
members (a majority from every stakeholder group answers, and members read each other's
replies once the secretariat opens them), a public version with its chapeau answered by four
governments and seven observers through public links, moderation, a thread on a question, the
deadline, the summary with its counts, exported and imported as a section of the report."""

from __future__ import annotations

from collections import Counter

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.clock import ShiftedClock
from app.questionnaires.sweep import record_closings
from tests.amendments.helpers import event_types, report_with_section
from tests.factories import Person, Room, add_person, make_group, ok
from tests.questionnaires.helpers import (
    PUBLIC_CHAPEAU,
    all_replies,
    answers_for,
    create,
    in_days,
    is_problem,
    link,
    process_functions,
    reply,
)

STAKEHOLDERS = ["government", "private_sector", "civil_society", "technical_academic"]
REGIONS = ["Africa", "Asia-Pacific", "Europe", "Latin America", "North America"]
GOVERNMENTS = ["Brazil", "Switzerland", "Tunisia", "Kenya"]


def wgig_room(client: TestClient) -> Room:
    """A chair and 39 members (forty who answer), the secretariat and two observers."""
    group_id = make_group(client)
    chair = add_person(client, group_id, "chair", name="Nitin Desai", region="Asia-Pacific")
    secretariat = add_person(
        client, group_id, "secretariat", name="Markus Kummer", stakeholder="intergovernmental"
    )
    members = [
        add_person(
            client,
            group_id,
            "member",
            name=f"Member {n}",
            stakeholder=STAKEHOLDERS[n % 4],
            region=REGIONS[n % 5],
        )
        for n in range(39)
    ]
    observers = [add_person(client, group_id, "observer") for _ in range(2)]
    return Room(group_id, chair, secretariat, members, observers)


def test_the_process_functions_questionnaire(
    client: TestClient, app: FastAPI, clock: ShiftedClock
) -> None:
    # long: one process from circulation to the imported summary, read top to bottom
    room = wgig_room(client)
    rid, _sid = report_with_section(client, room, "The group met in Geneva.")
    made = create(client, room, process_functions(in_days(14), report_id=rid))
    qid, questions = made["id"], made["questions"]
    assert [q["number"] for q in questions] == [1, 2, 3, 4, 5]
    q1, q5 = str(questions[0]["id"]), str(questions[4]["id"])

    # 24 of the 40 answer, from every stakeholder group; one saves a draft first
    respondents: list[Person] = [room.chair, *room.members[:23]]
    first = respondents[1]
    draft = ok(reply(client, first, qid, {q1: "yes"}, submit=False), 201)
    assert draft["status"] == "draft" and draft["respondent"] == first.name
    ok(
        client.put(
            f"/v1/replies/{draft['id']}",
            json={"answers": answers_for(questions, 1), "submit": True},
            headers=first.headers,
        )
    )
    for index, person in enumerate(respondents):
        if person is not first:
            ok(reply(client, person, qid, answers_for(questions, index)), 201)

    # before the secretariat opens them, a member reads only its own reply
    mine = all_replies(client, qid, room.members[0].headers)
    assert [r["respondent"] for r in mine] == [room.members[0].name]
    assert len(all_replies(client, qid, room.secretariat.headers)) == 24
    ok(
        client.post(
            f"/v1/questionnaires/{qid}/share",
            json={"shared": True},
            headers=room.secretariat.headers,
        )
    )
    # members read their colleagues' replies, named; observers without names
    named = all_replies(client, qid, room.members[30].headers)
    assert len(named) == 24
    assert {r["respondent"] for r in named} == {p.name for p in respondents}
    assert {r["stakeholder"] for r in named} == set(STAKEHOLDERS) | {"government"}
    unnamed = all_replies(client, qid, room.observers[0].headers)
    assert {r["respondent"] for r in unnamed} == {"a member of the group"}
    assert all("participant_id" not in r and r["category"] is None for r in unnamed)

    # members continue their discussion on a question (a deliberation thread)
    thread = ok(
        client.post(
            f"/v1/reports/{rid}/threads",
            json={"question_id": questions[0]["id"], "body": "Most of us want a forum."},
            headers=room.members[2].headers,
        ),
        201,
    )
    assert thread["subject"] == "question" and thread["question_id"] == questions[0]["id"]
    ok(
        client.post(
            f"/v1/threads/{thread['id']}/messages",
            json={"body": "With a light structure."},
            headers=room.members[3].headers,
        ),
        201,
    )
    listed = ok(
        client.get(
            f"/v1/reports/{rid}/threads?question_id={questions[0]['id']}",
            headers=room.members[4].headers,
        )
    )
    assert [t["id"] for t in listed["items"]] == [thread["id"]]

    # the public version: its own chapeau, the same questions, answered through links
    public_links = [
        link(client, room, qid, organisation=f"Government of {c}", category="government")
        for c in GOVERNMENTS
    ] + [link(client, room, qid, category="observer") for _ in range(7)]
    spam_link = link(client, room, qid)
    form = ok(client.get(public_links[0]["path"]))
    assert form["questionnaire"]["chapeau"] == PUBLIC_CHAPEAU
    assert [q["id"] for q in form["questionnaire"]["questions"]] == [q["id"] for q in questions]
    assert "internal_chapeau" not in form["questionnaire"]
    public_ids = []
    for index, public in enumerate(public_links):
        body = {
            "name": f"Respondent {index}",
            "organisation": "" if index < 4 else f"Observer organisation {index}",
            "publish_name": index % 2 == 0,
            "answers": answers_for(questions, index + 100),
            "submit": True,
        }
        made_reply = ok(client.post(f"{public['path']}/reply", json=body), 201)
        assert made_reply["moderation"] == "pending"
        public_ids.append(made_reply["id"])
    spam = ok(
        client.post(
            f"{spam_link['path']}/reply",
            json={
                "category": "individual",
                "answers": {q1: "no", q5: "Buy tickets."},
                "submit": True,
            },
        ),
        201,
    )
    # held: nobody outside the secretariat reads them yet
    assert all_replies(client, qid) == []
    for reply_id in public_ids:
        ok(
            client.post(
                f"/v1/replies/{reply_id}/moderate",
                json={"decision": "publish"},
                headers=room.secretariat.headers,
            )
        )
    ok(
        client.post(
            f"/v1/replies/{spam['id']}/moderate",
            json={"decision": "reject"},
            headers=room.secretariat.headers,
        )
    )
    public_view = all_replies(client, qid)
    assert len(public_view) == 11
    assert {r["audience"] for r in public_view} == {"public"}
    shown = {r["respondent"] for r in public_view}
    assert "Respondent 0" in shown and "Respondent 1" not in shown and "a respondent" in shown
    assert Counter(r["category"] for r in public_view) == {"government": 4, "observer": 7}

    # the deadline: the sweep records the closing; a late reply is refused
    clock.advance(days=15)
    late = reply(client, room.members[30], qid, answers_for(questions, 30))
    is_problem(late, 409, "questionnaire-closed")
    assert record_closings(app.state.database) == 1
    types = event_types(client, room, rid)
    assert types.count("reply.submitted") == 24 + 12
    assert {"questionnaire.created", "questionnaire.shared", "reply.moderated"} <= set(types)
    assert types[-1] == "questionnaire.closed"

    # the summary, as members read it
    ok(
        client.put(
            f"/v1/questionnaires/{qid}/narrative",
            json={"text": "A majority of members favour a forum function."},
            headers=room.secretariat.headers,
        )
    )
    summary = ok(client.get(f"/v1/questionnaires/{qid}/summary", headers=room.chair.headers))
    assert summary["internal_replies"] == 24 and summary["public_replies"] == 11
    assert summary["public_by_category"] == {"government": 4, "observer": 7}
    rate = summary["response_rate"]
    assert (rate["members"], rate["answered"]) == (40, 24)
    assert {row["group"] for row in rate["by_stakeholder"] if row["answered"]} == set(STAKEHOLDERS)
    assert sum(row["answered"] for row in rate["by_region"]) == 24
    forum = summary["questions"][0]
    assert forum["answered"] == 35
    assert sum(o["count"] for o in forum["options"]) == 35
    expected = Counter(answers_for(questions, i)[q1] for i in range(24))
    expected += Counter(answers_for(questions, i + 100)[q1] for i in range(11))
    assert {o["option"]: o["count"] for o in forum["options"]} == dict(expected)
    assert summary["questions"][2]["mean"] is not None
    assert summary["questions"][3]["ranking"][0]["option"] == "forum"
    texts = {g["category"]: g["answers"] for g in summary["questions"][4]["texts"]}
    assert len(texts["government"]) == 4 + 7  # the chair and six government members
    assert any(a["respondent"] == room.chair.name for a in texts["government"])

    # the public reads the summary after the deadline, without members' names
    public_summary = ok(client.get(f"/v1/questionnaires/{qid}/summary"))
    assert public_summary["response_rate"] is None
    public_texts = {g["category"]: g["answers"] for g in public_summary["questions"][4]["texts"]}
    assert {a["respondent"] for a in public_texts["members"]} == {"a member of the group"}

    # exported in the report formats, and imported as a section of the report
    markdown = client.get(
        f"/v1/questionnaires/{qid}/summary/export?format=markdown", headers=room.chair.headers
    )
    assert markdown.text.startswith("# Summary of replies: Process functions")
    assert "A majority of members favour a forum function." in markdown.text
    html = client.get(f"/v1/questionnaires/{qid}/summary/export?format=html")
    assert html.headers["content-type"].startswith("text/html") and "<h1" in html.text
    docx = client.get(f"/v1/questionnaires/{qid}/summary/export?format=docx")
    assert docx.content[:2] == b"PK"
    pdf = client.get(f"/v1/questionnaires/{qid}/summary/export?format=pdf")
    assert pdf.content[:5] == b"%PDF-"
    imported = ok(
        client.post(
            f"/v1/questionnaires/{qid}/summary/import",
            json={"into": "section"},
            headers=room.secretariat.headers,
        ),
        201,
    )
    assert imported["report_id"] == rid
    exported = client.get(f"/v1/reports/{rid}/export?format=markdown", headers=room.chair.headers)
    assert "Summary of replies: Process functions" in exported.text
    assert "Should a new forum be created for all stakeholders?" in exported.text
    assert not any(p.name in exported.text for p in respondents)  # Chatham House
    assert event_types(client, room, rid)[-1] == "questionnaire.summary_imported"
