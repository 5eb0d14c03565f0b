"""A WGIG consultation round, end to end: the draft posted for comment, comments from four
governments, twenty-three observers and three members, moderation, a late comment refused,
replies, dispositions, two comments turned into amendments and adopted, and the compiled
record ("Four governments, twenty-three observers and three members commented")."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.consultations.sweep import record_closings
from tests.amendments.helpers import act, event_types, head_text, open_meeting, report_with_section
from tests.consultations.helpers import (
    all_comments,
    clock_at,
    comment,
    open_round,
    public_comment,
    public_limit,
)
from tests.factories import make_room, ok

DRAFT = (
    "Internet governance is the development and application by governments, the private "
    "sector and civil society of shared principles.\n\n"
    "The group identified public policy issues relevant to Internet governance.\n\n"
    "A forum should be created for dialogue among all stakeholders."
)
GOVERNMENTS = ["Brazil", "Switzerland", "Tunisia", "Kenya"]


def test_a_wgig_consultation_round(client: TestClient, app: FastAPI) -> None:
    room = make_room(client, members=3, observers=23)
    rid, sid = report_with_section(client, room, DRAFT)
    consultation = open_round(client, room, rid, moderated=True)
    cid = consultation["id"]
    assert consultation["state"] == "open"
    assert consultation["disclaimer"].startswith("This is a draft working paper")

    # the posted text is readable without an account: the public comments on it
    posted = ok(client.get(f"/v1/consultations/{cid}/text"))
    assert posted["sections"][0]["text"] == DRAFT
    assert posted["sections"][0]["first_paragraph"] == 1

    with public_limit(app, per_second=0, burst=1):  # four governments from one test address
        governments = [
            public_comment(
                client,
                cid,
                name=f"Mission of {country}",
                organisation=f"Government of {country}",
                category="government",
                publish_name=index % 2 == 0,
                body=f"{country} comments on the working definition.",
                **(
                    {
                        "anchor": {"section_id": sid, "quote": "shared principles"},
                        "suggestion": "shared principles, norms, rules and decision-making procedures",
                    }
                    if index == 0
                    else {}
                ),
            )
            for index, country in enumerate(GOVERNMENTS)
        ]
        spam = public_comment(client, cid, body="Buy cheap tickets now.")
    assert {g["visibility"] for g in governments} == {"pending"}
    # held: the public record does not show them, the secretariat does
    assert all_comments(client, cid) == []
    held = all_comments(client, cid, room.secretariat.headers)
    assert len(held) == 5
    for government in governments:
        published = ok(
            client.post(
                f"/v1/comments/{government['id']}/moderate",
                json={"decision": "publish"},
                headers=room.secretariat.headers,
            )
        )
        assert published["visibility"] == "published"
    ok(
        client.post(
            f"/v1/comments/{spam['id']}/moderate",
            json={"decision": "reject"},
            headers=room.secretariat.headers,
        )
    )
    assert governments[0]["anchor"]["paragraph"] == 1
    assert governments[0]["anchor"]["quote"] == "shared principles"

    # twenty-three observers, each with its own token; anchored, section and general
    observer_comments = []
    for index, observer in enumerate(room.observers):
        if index % 3 == 0:
            anchor = {"section_id": sid, "paragraph": 2}
        elif index % 3 == 1:
            anchor = {"section_id": sid}
        else:
            anchor = {}
        observer_comments.append(
            comment(client, observer, cid, f"Observer view {index} on the issues.", **anchor)
        )
    assert observer_comments[0]["anchor"]["quote"] == (
        "The group identified public policy issues relevant to Internet governance."
    )

    # three members: anchored with a suggestion, general, whole section
    members = room.members
    forum = comment(
        client, members[0], cid, "Say who convenes it.", section_id=sid, quote="A forum"
    )
    ok(
        client.post(
            f"/v1/consultations/{cid}/comments",
            json={
                "body": "Name the Secretary-General.",
                "anchor": {"section_id": sid, "quote": "should be created"},
                "suggestion": "should be convened by the UN Secretary-General",
            },
            headers=members[1].headers,
        ),
        201,
    )
    general = comment(client, members[2], cid, "The structure reads well.")
    convened = all_comments(client, cid, room.secretariat.headers)[-2]
    assert convened["suggestion"] == "should be convened by the UN Secretary-General"

    # late: the round closes by itself at its closing time; nothing is stored
    closes_at = consultation["closes_at"]
    before = len(all_comments(client, cid, room.secretariat.headers))
    late_moment = datetime.fromisoformat(closes_at) + timedelta(minutes=1)
    with clock_at(app, late_moment):
        late = comment(client, members[2], cid, "One more thought.", expect=409)
        assert late["type"].endswith("consultation-closed")
        assert late["closes_at"] == closes_at
        late_public = public_comment(client, cid, category="government", expect=409)
        assert late_public["closes_at"] == closes_at
        assert ok(client.get(f"/v1/consultations/{cid}"))["state"] == "closed"
    # the sweep puts the closing on the record once, with no request needed
    assert record_closings(app.state.database, now=late_moment) == 1
    assert record_closings(app.state.database, now=late_moment) == 0
    assert event_types(client, room, rid).count("consultation.closed") == 1
    assert len(all_comments(client, cid, room.secretariat.headers)) == before

    # threads: members reply one level deep; the secretariat resolves
    reply = ok(
        client.post(
            f"/v1/comments/{governments[1]['id']}/replies",
            json={"body": "We agree with Switzerland."},
            headers=members[0].headers,
        ),
        201,
    )
    assert reply["parent_id"] == governments[1]["id"]
    nested = client.post(
        f"/v1/comments/{reply['id']}/replies", json={"body": "x"}, headers=members[1].headers
    )
    assert nested.status_code == 409  # replies go one level deep: a state, not a bad body
    by_observer = client.post(
        f"/v1/comments/{governments[1]['id']}/replies",
        json={"body": "x"},
        headers=room.observers[0].headers,
    )
    assert by_observer.status_code == 403
    resolved = ok(
        client.post(
            f"/v1/comments/{governments[1]['id']}/resolve", headers=room.secretariat.headers
        )
    )
    assert resolved["resolved"] is True

    # dispositions for every comment; two become amendments, adopted on the floor
    top_level = [
        c for c in all_comments(client, cid, room.secretariat.headers) if not c["parent_id"]
    ]
    top_level = [c for c in top_level if c["visibility"] == "published"]
    assert len(top_level) == 4 + 23 + 3
    choices = ["accepted", "partly_accepted", "not_accepted", "noted", "out_of_scope"]
    for index, item in enumerate(top_level):
        disposed = ok(
            client.post(
                f"/v1/comments/{item['id']}/disposition",
                json={"disposition": choices[index % 5], "response": f"Response {index}."},
                headers=room.secretariat.headers,
            )
        )
        assert disposed["disposition"] == choices[index % 5]
    meeting = open_meeting(client, room, rid)
    assert meeting
    became = []
    for source in (governments[0], convened):
        amendment = ok(
            client.post(
                f"/v1/comments/{source['id']}/amendment", json={}, headers=room.secretariat.headers
            ),
            201,
        )
        assert f"comment {source['id']}" in amendment["rationale"]
        act(client, room.chair, amendment["id"], "floor")
        assert act(client, room.chair, amendment["id"], "adopt")["status"] == "adopted"
        became.append(amendment)
    text = head_text(client, room, sid)
    assert "shared principles, norms, rules and decision-making procedures." in text
    assert "should be convened by the UN Secretary-General for dialogue" in text
    again = client.post(
        f"/v1/comments/{governments[0]['id']}/amendment", json={}, headers=room.secretariat.headers
    )
    assert again.status_code == 409
    # a general comment names no section, so there is nothing it could amend
    nowhere = client.post(
        f"/v1/comments/{general['id']}/amendment", json={}, headers=room.secretariat.headers
    )
    assert nowhere.status_code == 409 and "names no section" in nowhere.json()["detail"]
    # linked both ways: the comment shows its outcome, the amendment its comment
    outcome = ok(client.get(f"/v1/comments/{governments[0]['id']}"))["outcome"]
    assert outcome == {"amendment_id": became[0]["id"], "status": "adopted", "resulting_version": 2}
    back = ok(client.get(f"/v1/amendments/{became[1]['id']}/comments", headers=room.chair.headers))
    assert [c["id"] for c in back["items"]] == [convened["id"]]
    # the comments on untouched passages still point at their words
    forum_now = ok(client.get(f"/v1/comments/{forum['id']}"))
    assert not forum_now["current"]["outdated"]
    start, end = forum_now["current"]["start"], forum_now["current"]["end"]
    assert text[start:end] == "A forum"

    # the compiled record
    compiled = ok(client.get(f"/v1/consultations/{cid}/compilation"))
    assert compiled["sentence"] == (
        "Four governments, twenty-three observers and three members commented."
    )
    assert compiled["comments"] == 30 and compiled["commenters"] == 30
    assert {c["category"]: c["commenters"] for c in compiled["by_category"]} == {
        "government": 4,
        "observers": 23,
        "members": 3,
    }
    by_section = {s["heading"]: s["comments"] for s in compiled["by_section"]}
    assert by_section == {"Introduction": 1 + 16 + 2, "General comments": 3 + 7 + 1}
    assert compiled["by_disposition"] == {c: 6 for c in choices}

    markdown = client.get(f"/v1/consultations/{cid}/export?format=markdown")
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert compiled["sentence"] in markdown.text
    assert "Mission of Brazil" in markdown.text  # chose to be named
    assert "Mission of Switzerland" not in markdown.text  # did not
    assert "Buy cheap tickets" not in markdown.text  # rejected in moderation
    html = client.get(f"/v1/consultations/{cid}/export?format=html")
    assert html.headers["content-type"].startswith("text/html")
    assert "<td>partly_accepted</td>" in html.text
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/v1/consultations/{cid}/export?format=csv").text))
    )
    assert len(rows) == 30 + 1  # and the reply
    assert {r["disposition"] for r in rows if not r["reply_to"]} == set(choices)
    adopted_rows = [r for r in rows if r["amendment_status"] == "adopted"]
    assert sorted(r["comment"] for r in adopted_rows) == sorted(
        [str(governments[0]["id"]), str(convened["id"])]
    )

    paragraphs = ok(client.get(f"/v1/consultations/{cid}/paragraphs"))["paragraphs"]
    assert {(p["posted_paragraph"], p["paragraph"]): len(p["comment_ids"]) for p in paragraphs} == {
        (None, None): 8,  # on the whole section
        (1, 1): 1,
        (2, 2): 8,
        (3, 3): 1,  # "A forum", still there
        (3, None): 1,  # "should be created": rewritten by the amendment it became
    }

    types = event_types(client, room, rid)
    for expected in (
        "consultation.opened",
        "comment.submitted",
        "comment.moderated",
        "comment.replied",
        "comment.resolved",
        "comment.disposed",
        "comment.amendment_proposed",
    ):
        assert expected in types, expected
    assert types.count("comment.submitted") == 5 + 23 + 3
