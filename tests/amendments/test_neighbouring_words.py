"""Two amendments editing neighbouring words ("quick" -> "slow", "brown" -> "red" in "the
quick brown fox") are independent: whichever is adopted first, the other is carried onto
the head, and its preview shows the composed text before the chair adopts it. Edits that
really overlap, or an insertion at the edge of another edit, are still refused."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.amendments.helpers import act, head_text, open_meeting, propose, report_with_section
from tests.factories import make_room, ok

TEXT = "The quick brown fox jumps over the lazy dog.\n\nA second paragraph."
SLOW = TEXT.replace("quick", "slow")
RED = TEXT.replace("brown", "red")
BOTH = TEXT.replace("quick brown", "slow red")


@pytest.mark.parametrize("first", ["slow", "red"])
def test_neighbouring_words_edited_by_two_amendments_both_apply(
    client: TestClient, first: str
) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room, text=TEXT)
    open_meeting(client, room, rid)
    slow = propose(client, room.members[0], sid, SLOW)
    red = propose(client, room.members[1], sid, RED)
    adopted, second = (slow, red) if first == "slow" else (red, slow)
    act(client, room.chair, adopted["id"], "floor")
    act(client, room.chair, adopted["id"], "adopt")
    preview = ok(client.get(f"/v1/amendments/{second['id']}/preview", headers=room.chair.headers))
    assert preview["applies"] is True and preview["text"] == BOTH
    act(client, room.chair, second["id"], "floor")
    assert act(client, room.chair, second["id"], "adopt")["resulting_version"] == 3
    assert head_text(client, room, sid) == BOTH


@pytest.mark.parametrize(
    "theirs",
    [
        TEXT.replace("quick brown", "swift brown"),  # the same word
        TEXT.replace("quick brown", "slow, very brown"),  # the space between is changed
        TEXT.replace("quick brown", "quick and brown"),  # an insertion between the two
    ],
)
def test_edits_that_really_overlap_are_still_refused(client: TestClient, theirs: str) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room, text=TEXT)
    open_meeting(client, room, rid)
    mine = propose(client, room.members[0], sid, TEXT.replace("quick", "slow"))
    other = propose(client, room.members[1], sid, theirs)
    act(client, room.chair, other["id"], "floor")
    act(client, room.chair, other["id"], "adopt")
    act(client, room.chair, mine["id"], "floor")
    refused = act(client, room.chair, mine["id"], "adopt", 409)
    assert refused["type"] == "urn:plenary:problem:amendment-conflict"
    assert head_text(client, room, sid) == theirs
