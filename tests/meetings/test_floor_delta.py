"""Reading what changed (issue 35): the floor's `texts_after` delta and the conditional reads
of the floor and the amendment list. A member's page holds every section's text and sends the
`texts_through` of its last answer: only texts whose head moved since come back, never a
part hidden from the reader, and a 304 only when the answer it holds is still the answer."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.amendments.helpers import TEXT, act, open_meeting, propose, report_with_section
from tests.drafting_groups.helpers import (
    add_chapter,
    assign,
    balanced_room,
    create_drafting_group,
    new_report,
)
from tests.factories import Person, make_room, ok, write_version
from tests.meetings.helpers import meeting_day, page_event_rule, post, session


def floor(client: TestClient, rid: int, who: Person | None, after: int | None = None) -> Any:
    query = "" if after is None else f"?texts_after={after}"
    return ok(client.get(f"/v1/reports/{rid}/floor{query}", headers=who.headers if who else {}))


def texts(state: dict[str, Any]) -> dict[int, str | None]:
    return {s["id"]: s["text"] for s in state["sections"]}


def merged(held: dict[str, Any], delta: dict[str, Any]) -> dict[int, str]:
    """The page's merge: a null text is the one held."""
    kept = texts(held)
    out = {}
    for sid, text in texts(delta).items():
        out[sid] = kept[sid] if text is None else text
    return out


def test_a_delta_carries_only_the_texts_changed_since_and_merges_to_the_whole(
    client: TestClient,
) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    other = add_chapter(client, room, rid, "II", "Forum", "An untouched chapter.")
    open_meeting(client, room, rid)
    reader = room.members[1]
    whole = floor(client, rid, reader)
    mark = whole["texts_through"]
    assert isinstance(mark, int) and all(t for t in texts(whole).values())
    # Nothing changed since: every text is null, the watermark stays.
    quiet = floor(client, rid, reader, mark)
    assert set(texts(quiet).values()) == {None} and quiet["texts_through"] == mark
    assert [s["id"] for s in quiet["sections"]] == [s["id"] for s in whole["sections"]]
    amendment = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    act(client, room.chair, amendment["id"], "floor")
    act(client, room.chair, amendment["id"], "adopt")
    delta = floor(client, rid, reader, mark)
    assert delta["texts_through"] > mark
    assert "Tunis" in (texts(delta)[sid] or "") and texts(delta)[other] is None
    # Held texts plus the delta are exactly what a whole read gives now.
    now = floor(client, rid, reader)
    assert merged(whole, delta) == texts(now)
    assert {k: v for k, v in delta.items() if k != "sections"} == {
        k: v for k, v in now.items() if k != "sections"
    }
    # Another member holding the same watermark gets the same bytes (one kept answer).
    assert floor(client, rid, room.members[2], mark) == delta
    # A watermark from before every text is the whole text again.
    assert texts(floor(client, rid, reader, 0)) == texts(now)


def test_a_hidden_part_never_comes_through_a_delta(client: TestClient) -> None:
    room, teams = balanced_room(client, 1)
    outsider = room.members[-1]
    rid = new_report(client, room, "Final Report")
    wip = add_chapter(client, room, rid, "I", "Introduction", "Work in progress.")
    add_chapter(client, room, rid, "II", "Forum", "Posted to the group.")
    drafters = create_drafting_group(client, room, "DG", teams[0])
    assign(client, room, drafters.id, wip)
    readers: list[Person | None] = [outsider, room.observers[0]]
    before = {id(r): floor(client, rid, r) for r in readers}
    for reader in readers:
        assert wip not in texts(before[id(reader)])
    # The drafting group's part gets a new text: newer than any watermark anyone holds.
    head = ok(client.get(f"/v1/sections/{wip}", headers=room.chair.headers))["head_version"]
    write_version(client, room, wip, head, "Work in progress, secret wording.")
    for reader in readers:
        held = before[id(reader)]
        for after in (0, held["texts_through"]):
            delta = floor(client, rid, reader, after)
            raw = json.dumps(delta)
            assert wip not in texts(delta) and "secret wording" not in raw
        # Its watermark does not move with what it may not read: the change does not show.
        assert (
            floor(client, rid, reader, held["texts_through"])["texts_through"]
            == (held["texts_through"])
        )
    # The group's own member reads it, in a delta too.
    member_view = floor(client, rid, drafters.member, before[id(outsider)]["texts_through"])
    assert texts(member_view)[wip] == "Work in progress, secret wording."


def test_the_floor_delta_is_a_304_only_while_it_is_unchanged(client: TestClient) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    mark = floor(client, rid, room.members[0])["texts_through"]
    path = f"/v1/reports/{rid}/floor?texts_after={mark}"
    first = client.get(path, headers=room.members[0].headers)
    tag = first.headers["ETag"]
    same = client.get(path, headers={**room.members[1].headers, "If-None-Match": tag})
    assert same.status_code == 304 and same.content == b""
    # The whole answer is another representation: another tag, never a 304 for the delta's.
    whole = client.get(
        f"/v1/reports/{rid}/floor", headers={**room.members[1].headers, "If-None-Match": tag}
    )
    assert whole.status_code == 200 and whole.headers["ETag"] != tag
    propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    changed = client.get(path, headers={**room.members[1].headers, "If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag


def test_the_amendment_list_is_a_304_only_while_its_page_is_unchanged(
    client: TestClient,
) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    amendment = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    path = f"/v1/reports/{rid}/amendments?after=0&limit=500"
    first = client.get(path, headers=room.members[1].headers)
    tag = first.headers["ETag"]
    # An event that changes no amendment (a meeting opens): the page is the same, a 304.
    open_meeting(client, room, rid)
    same = client.get(path, headers={**room.members[1].headers, "If-None-Match": tag})
    assert same.status_code == 304 and same.content == b""
    # The public view of the same page is another answer (no names): never the members' 304.
    observer = client.get(path, headers={**room.observers[0].headers, "If-None-Match": tag})
    assert observer.status_code == 200 and observer.headers["ETag"] != tag
    act(client, room.chair, amendment["id"], "floor")
    moved = client.get(path, headers={**room.members[1].headers, "If-None-Match": tag})
    assert moved.status_code == 200 and moved.headers["ETag"] != tag
    assert moved.json()["items"][0]["status"] == "on_floor"


def test_a_watermark_out_of_range_is_a_problem(client: TestClient) -> None:
    room = make_room(client)
    rid, _sid = report_with_section(client, room)
    for bad in ("-1", "x", "99999999999999"):
        answer = client.get(
            f"/v1/reports/{rid}/floor?texts_after={bad}", headers=room.members[0].headers
        )
        assert answer.status_code == 422
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["type"].endswith(":validation-error")


# --- the web client's rule: which events leave the report and the list as they were ---------


def page_rules() -> tuple[Callable[[str], bool], Callable[[str], bool]]:
    """main.js's REPORT_QUIET and LIST_QUIET, read from the page itself."""
    room_only, report_quiet = page_event_rule()

    def report(kind: str) -> bool:
        amendment = kind.startswith("amendment.") and kind != "amendment.adopted"
        return amendment or kind.startswith(tuple(report_quiet))

    return report, lambda kind: kind.startswith(tuple(room_only))


def test_the_events_the_page_reads_nothing_after_leave_those_answers_unchanged(
    client: TestClient,
) -> None:
    """The page skips the report (or the list) after events its rule calls quiet: along a
    meeting day, every step whose events are all quiet leaves that answer's bytes as they
    were (the report's ETag names its last event, so the body is compared)."""
    report_quiet, list_quiet = page_rules()
    day = meeting_day(client)
    room, rid, chapter = day.room, day.rid, day.chapters[0]
    reader = room.members[1].headers

    def answers() -> tuple[bytes, bytes]:
        report = client.get(f"/v1/reports/{rid}", headers=reader)
        listed = client.get(f"/v1/reports/{rid}/amendments", headers=reader)
        return report.content, listed.content

    def last() -> int:
        return int(ok(client.get(f"/v1/reports/{rid}/floor", headers=reader))["last_event_id"])

    checked: dict[str, set[str]] = {"report": set(), "list": set()}

    def step(action: Callable[[], Any]) -> Any:
        before, mark = answers(), last()
        done = action()
        page = ok(client.get(f"/v1/reports/{rid}/events?after={mark}", headers=reader))
        kinds = {e["type"] for e in page["items"]}
        assert kinds, "each step records an event"
        after = answers()
        if all(report_quiet(k) for k in kinds):
            assert after[0] == before[0], kinds
            checked["report"] |= kinds
        if all(list_quiet(k) for k in kinds):
            assert after[1] == before[1], kinds
            checked["list"] |= kinds
        return done

    sitting = step(lambda: session(client, day, "plenary"))["id"]
    step(lambda: post(client, f"/v1/sessions/{sitting}/speakers", room.members[0], {}, 201))
    step(lambda: post(client, f"/v1/sessions/{sitting}/speakers/give", room.chair, {}))
    amendment = step(
        lambda: propose(client, room.members[0], chapter, "The group met in Tunis.", base=1)
    )
    step(lambda: act(client, room.chair, amendment["id"], "floor"))
    step(lambda: act(client, room.chair, amendment["id"], "adopt"))
    # The rule was held to account for the kinds a live room sends most.
    assert {"amendment.proposed", "floor.changed", "speaker.given"} <= checked["report"]
    assert {"session.started", "speaker.requested"} <= checked["list"]
