"""Anchors follow the text through the recorded edits of later versions."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.text.anchors import AnchorError, Span, carry_span, locate, paragraph_of
from app.text.edits import Edit, compute_edits
from app.text.paragraphs import blocks
from tests.amendments.helpers import act, head_text, open_meeting, propose, report_with_section
from tests.consultations.helpers import comment, open_round
from tests.factories import make_room, ok, write_version

PARAGRAPHS = [f"Paragraph {n} speaks of topic{n} and nothing else." for n in range(1, 26)]
TEXT = "\n\n".join(PARAGRAPHS)


def number_of(text: str, offset: int) -> int:
    return paragraph_of(text, offset, first_paragraph=1)


def test_anchors_stay_right_after_twenty_amendments(client: TestClient) -> None:
    room = make_room(client, members=3, observers=1)
    rid, sid = report_with_section(client, room, TEXT)
    cid = open_round(client, room, rid)["id"]
    watched = comment(
        client, room.members[0], cid, "Topic 12 matters.", section_id=sid, quote="topic12 and"
    )
    doomed = comment(
        client,
        room.observers[0],
        cid,
        "Topic 5 is wrong.",
        section_id=sid,
        paragraph=5,
        quote="speaks of topic5",
    )
    whole = comment(client, room.members[1], cid, "The section as a whole.", section_id=sid)
    assert watched["anchor"]["paragraph"] == 12 and doomed["anchor"]["paragraph"] == 5

    meeting = open_meeting(client, room, rid)
    assert meeting
    # Twenty amendments around the watched words: insertions, rewrites and deletions before
    # and after them, paragraph 3 deleted outright (renumbering what follows), the doomed
    # passage rewritten; each adopted on the floor against the head of its moment.
    changes: list[tuple[str, str]] = [
        (PARAGRAPHS[0], PARAGRAPHS[0] + " An added sentence."),
        (PARAGRAPHS[2] + "\n\n", ""),
        ("speaks of topic5", "no longer speaks of it"),
        ("topic12 and nothing else.", "topic12 and nothing else, as amended."),
        *(
            (f"Paragraph {n} speaks", f"Paragraph {n} (revised) speaks")
            for n in (2, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19)
        ),
    ]
    assert len(changes) == 20
    for index, (old, new) in enumerate(changes):
        text = head_text(client, room, sid)
        assert old in text, old
        head = ok(client.get(f"/v1/sections/{sid}", headers=room.chair.headers))["head_version"]
        amendment = propose(
            client, room.members[index % 3], sid, text.replace(old, new, 1), base=head
        )
        act(client, room.chair, amendment["id"], "floor")
        assert act(client, room.chair, amendment["id"], "adopt")["status"] == "adopted"
    # and a direct edit by the secretariat, whose edits are recorded the same way
    text = head_text(client, room, sid)
    head = ok(client.get(f"/v1/sections/{sid}", headers=room.chair.headers))["head_version"]
    write_version(client, room, sid, head, "Preface.\n\n" + text)

    final = head_text(client, room, sid)
    now = ok(client.get(f"/v1/comments/{watched['id']}"))
    assert now["current"]["outdated"] is False
    start, end = now["current"]["start"], now["current"]["end"]
    assert final[start:end] == "topic12 and"
    assert start != watched["anchor"]["start"]  # it moved, and was followed
    # preface +1, paragraph 3 deleted -1: paragraph 12 is still number 12
    assert now["current"]["paragraph"] == number_of(final, start) == 12
    assert final.count("topic12 and") == 1 and final.index("topic12 and") == start
    assert now["current"]["version"] == 22

    gone = ok(client.get(f"/v1/comments/{doomed['id']}"))
    assert gone["current"]["outdated"] is True
    assert gone["anchor"]["quote"] == "speaks of topic5"  # the original words are kept
    assert gone["current"]["start"] is None
    assert ok(client.get(f"/v1/comments/{whole['id']}"))["current"]["outdated"] is False


def test_a_comment_on_a_removed_section_is_outdated(client: TestClient) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room, TEXT)
    cid = open_round(client, room, rid)["id"]
    first = comment(client, room.members[0], cid, "On topic 2.", section_id=sid, paragraph=2)
    extra = ok(
        client.post(
            f"/v1/reports/{rid}/sections",
            json={"kind": "chapter", "label": "II", "heading": "More", "text": "More text."},
            headers=room.secretariat.headers,
        ),
        201,
    )
    assert extra["id"]
    removed = client.delete(
        f"/v1/sections/{sid}",
        headers={
            **room.secretariat.headers,
            "If-Match": client.get(f"/v1/sections/{sid}", headers=room.chair.headers).headers[
                "etag"
            ],
        },
    )
    assert removed.status_code == 200, removed.text
    assert ok(client.get(f"/v1/comments/{first['id']}"))["current"]["outdated"] is True


def test_anchors_that_name_nothing_are_refused(client: TestClient) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room, TEXT)
    cid = open_round(client, room, rid)["id"]
    for anchor in (
        {"section_id": sid, "quote": "not in the text"},
        {"section_id": sid, "quote": "speaks of"},  # occurs 25 times
        {"section_id": sid, "paragraph": 99},
        {"section_id": sid, "start": 5, "end": 2},
        {"section_id": sid, "start": 0, "end": 9, "quote": "different"},
        {"quote": "Paragraph 1"},  # no section
        {"section_id": 999_999},
    ):
        comment(client, room.members[0], cid, "x", expect=422, **anchor)
    listed = ok(client.get(f"/v1/consultations/{cid}/comments", headers=room.chair.headers))
    assert listed["items"] == []


# --- the pure rules ---------------------------------------------------------------------


def test_carry_shifts_past_edits_before_and_ignores_edits_after() -> None:
    text = "alpha beta gamma delta"
    span = Span(6, 10)  # "beta"
    after = "alpha beta gamma delta epsilon"
    before = "the alpha beta gamma delta"
    chain = [compute_edits(text, before), compute_edits(before, before + " epsilon")]
    moved = carry_span(span, chain)
    assert moved is not None
    assert (before + " epsilon")[moved.start : moved.end] == "beta"
    assert carry_span(span, [compute_edits(text, after)]) == span


@pytest.mark.parametrize(
    "edit",
    [
        Edit(6, 10, "BETA"),  # the passage itself
        Edit(8, 8, "x"),  # an insertion inside it
        Edit(3, 7, "xx"),  # reaching in from before
        Edit(9, 15, ""),  # reaching in from after
    ],
)
def test_an_edit_reaching_into_the_passage_outdates_it(edit: Edit) -> None:
    assert carry_span(Span(6, 10), [[edit]]) is None


def test_insertions_at_the_boundaries_leave_the_passage_whole() -> None:
    assert carry_span(Span(6, 10), [[Edit(6, 6, "new ")]]) == Span(10, 14)
    assert carry_span(Span(6, 10), [[Edit(10, 10, " new")]]) == Span(6, 10)


def test_locate_by_offsets_quote_or_paragraph() -> None:
    first, second = (b for b in blocks(TEXT)[:2])
    assert locate(TEXT, first_paragraph=4, paragraph=5, quote=None, start=None, end=None) == Span(
        second.start, second.end
    )
    found = locate(
        TEXT, first_paragraph=4, paragraph=None, quote="topic1 and", start=None, end=None
    )
    assert TEXT[found.start : found.end] == "topic1 and" and found.end <= first.end
    with pytest.raises(AnchorError):
        locate(TEXT, first_paragraph=4, paragraph=3, quote=None, start=None, end=None)
    with pytest.raises(AnchorError):
        locate(TEXT, first_paragraph=1, paragraph=None, quote=None, start=3, end=None)
