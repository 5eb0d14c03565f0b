"""Threads through the API: on an amendment, on an objection, on a paragraph; replies one
level deep; resolved by the right people; Chatham House and publication for the public."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.amendments.helpers import (
    TEXT,
    act,
    adopt_report,
    event_types,
    propose,
    report_with_section,
)
from tests.deliberation.helpers import make_public, open_thread, typed_events, write
from tests.factories import make_room, ok, write_version
from tests.test_pagination import walk


def test_a_thread_on_an_amendment_with_replies_resolved_by_the_proposer(
    client: TestClient,
) -> None:
    room = make_room(client, members=3)
    rid, sid = report_with_section(client, room)
    proposer, other, third = room.members
    change = propose(client, proposer, sid, TEXT.replace("roles of", "role of"))
    thread = open_thread(
        client, other, rid, amendment_id=change["id"], title="Why singular?", body="Why?"
    )
    assert thread["subject"] == "amendment" and thread["amendment_id"] == change["id"]
    assert thread["opener_name"] == other.name and not thread["resolved"]
    [first] = thread["messages"]
    answer = write(client, proposer, thread["id"], "Each stakeholder has one role.", first["id"])
    assert answer["parent_id"] == first["id"] and answer["author_name"] == proposer.name
    # one level of nesting: a reply to a reply is refused as a state, not a bad body
    nested = client.post(
        f"/v1/threads/{thread['id']}/messages",
        json={"body": "And?", "reply_to": answer["id"]},
        headers=third.headers,
    )
    assert nested.status_code == 409
    # another thread's message is not this thread's
    elsewhere = open_thread(client, third, rid, section_id=sid, body="On the whole section.")
    assert (
        client.post(
            f"/v1/threads/{thread['id']}/messages",
            json={"body": "x", "reply_to": elsewhere["messages"][0]["id"]},
            headers=third.headers,
        ).status_code
        == 404
    )
    # only the opener, the proposer or the chair resolves
    for who, status in ((third, 403), (room.secretariat, 403)):
        assert (
            client.post(f"/v1/threads/{thread['id']}/resolve", headers=who.headers).status_code
            == status
        )
    resolved = ok(client.post(f"/v1/threads/{thread['id']}/resolve", headers=proposer.headers))
    assert resolved["resolved"] and resolved["resolved_at"] is not None
    assert (
        client.post(f"/v1/threads/{thread['id']}/resolve", headers=proposer.headers).status_code
        == 409
    )
    closed = client.post(
        f"/v1/threads/{thread['id']}/messages", json={"body": "late"}, headers=other.headers
    )
    assert closed.status_code == 409
    reopened = ok(client.post(f"/v1/threads/{thread['id']}/reopen", headers=room.chair.headers))
    assert not reopened["resolved"] and len(reopened["messages"]) == 2
    listed = ok(
        client.get(f"/v1/reports/{rid}/threads?amendment_id={change['id']}", headers=other.headers)
    )
    assert [t["id"] for t in listed["items"]] == [thread["id"]]
    third_thread = open_thread(client, third, rid, amendment_id=change["id"], body="Also.")
    every = [thread["id"], elsewhere["id"], third_thread["id"]]
    assert [t["id"] for t in walk(client, f"/v1/reports/{rid}/threads", other.headers, 1)] == every
    types = typed_events(client, room, rid, ("thread.",))
    assert types.count("thread.opened") == 3
    assert {"thread.replied", "thread.resolved", "thread.reopened"} <= set(types)


def test_a_thread_on_an_objection(client: TestClient) -> None:
    room = make_room(client, members=2)
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid)
    change = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    act(client, room.chair, change["id"], "consent")
    blocked = act(client, room.members[1], change["id"], "object", reason="The venue is history.")
    objection = next(a for a in blocked["tally"]["answers"] if a["answer"] == "object")
    consent = next(a for a in blocked["tally"]["answers"] if a["answer"] == "consent")
    thread = open_thread(
        client, room.members[0], rid, objection_id=objection["id"], body="Could you live with it?"
    )
    assert thread["subject"] == "objection" and thread["objection_id"] == objection["id"]
    assert thread["amendment_id"] == change["id"]
    refused = client.post(
        f"/v1/reports/{rid}/threads",
        json={"objection_id": consent["id"], "body": "Not an objection"},
        headers=room.members[0].headers,
    )
    assert refused.status_code == 409
    # revised to resolve the objection: the discussion is carried over to the new wording
    wording = TEXT.replace("Geneva", "Tunis") + " Geneva hosted the first phase."
    revised = act(client, room.members[0], change["id"], "revise", 201, text=wording)
    carried = ok(
        client.get(
            f"/v1/reports/{rid}/threads?amendment_id={revised['id']}", headers=room.chair.headers
        )
    )
    assert [t["id"] for t in carried["items"]] == [thread["id"]]
    objector = client.post(f"/v1/threads/{thread['id']}/resolve", headers=room.members[1].headers)
    assert objector.status_code == 403
    # the proposer of the objected amendment (and of its revision) may resolve it
    resolved = client.post(f"/v1/threads/{thread['id']}/resolve", headers=room.members[0].headers)
    assert ok(resolved)["resolved"]


def test_paragraph_threads_and_mentions_link_to_the_text(client: TestClient) -> None:
    room = make_room(client, members=1)
    rid, sid = report_with_section(client, room)
    second = ok(
        client.post(
            f"/v1/reports/{rid}/sections",
            json={"kind": "chapter", "label": "II", "heading": "More", "text": "Fourth.\n\nFifth."},
            headers=room.secretariat.headers,
        ),
        201,
    )["id"]
    thread = open_thread(
        client,
        room.members[0],
        rid,
        section_id=sid,
        paragraph=2,
        body="See ¶5, para 3 and paragraph 99; compare paragraph 4.",
    )
    assert thread["subject"] == "paragraph" and thread["paragraph"] == 2
    assert thread["current_paragraph"] == 2
    mentions = thread["messages"][0]["mentions"]
    assert mentions == [
        {"paragraph": 5, "section_id": second, "url": f"/v1/sections/{second}"},
        {"paragraph": 3, "section_id": sid, "url": f"/v1/sections/{sid}"},
        {"paragraph": 4, "section_id": second, "url": f"/v1/sections/{second}"},
    ]  # 99 is beyond the report: no link
    # a paragraph the section does not hold
    wrong = client.post(
        f"/v1/reports/{rid}/threads",
        json={"section_id": sid, "paragraph": 4, "body": "x"},
        headers=room.members[0].headers,
    )
    assert wrong.status_code == 404  # no such paragraph there
    # a paragraph inserted before it: the thread follows its paragraph
    write_version(client, room, sid, 1, "A new first paragraph.\n\n" + TEXT)
    moved = ok(client.get(f"/v1/threads/{thread['id']}", headers=room.chair.headers))
    assert moved["paragraph"] == 2 and moved["current_paragraph"] == 3


def test_chatham_house_and_publication(client: TestClient) -> None:
    room = make_room(client, members=1, observers=1)
    rid, sid = report_with_section(client, room)
    thread = open_thread(client, room.members[0], rid, section_id=sid, body="Too long?")
    write(client, room.chair, thread["id"], "No.")
    observer = room.observers[0]
    # observers read, without names, but do not speak
    seen = ok(client.get(f"/v1/threads/{thread['id']}", headers=observer.headers))
    assert seen["opener_id"] is None and seen["opener_name"] is None
    assert all(m["author_id"] is None and m["author_name"] is None for m in seen["messages"])
    assert room.members[0].name not in str(seen) and room.chair.name not in str(seen)
    spoken = client.post(
        f"/v1/threads/{thread['id']}/messages", json={"body": "Me too"}, headers=observer.headers
    )
    assert spoken.status_code == 403
    # another group: the private report's threads do not exist
    outsider = make_room(client, members=1)
    for path in (f"/v1/threads/{thread['id']}", f"/v1/reports/{rid}/threads"):
        assert client.get(path, headers=outsider.members[0].headers).status_code == 404
    assert (
        client.post(
            f"/v1/reports/{rid}/threads",
            json={"section_id": sid, "body": "x"},
            headers=outsider.members[0].headers,
        ).status_code
        == 404
    )
    # a public report: its discussion stays hidden until the chair publishes it
    make_public(client, room, rid)
    assert client.get(f"/v1/threads/{thread['id']}").status_code == 404
    assert ok(client.get(f"/v1/reports/{rid}/threads"))["items"] == []
    assert (
        client.post(
            f"/v1/threads/{thread['id']}/publish", headers=room.members[0].headers
        ).status_code
        == 403
    )
    ok(client.post(f"/v1/threads/{thread['id']}/publish", headers=room.chair.headers))
    for headers in ({}, outsider.members[0].headers):
        public = ok(client.get(f"/v1/threads/{thread['id']}", headers=headers))
        assert public["published"] and [m["body"] for m in public["messages"]] == [
            "Too long?",
            "No.",
        ]
        assert public["opener_name"] is None
        assert all(m["author_name"] is None for m in public["messages"])
        assert room.members[0].name not in str(public)
    assert [t["id"] for t in ok(client.get(f"/v1/reports/{rid}/threads"))["items"]] == [
        thread["id"]
    ]
    ok(client.post(f"/v1/threads/{thread['id']}/unpublish", headers=room.chair.headers))
    assert client.get(f"/v1/threads/{thread['id']}").status_code == 404
    assert {"thread.published", "thread.unpublished"} <= set(event_types(client, room, rid))
