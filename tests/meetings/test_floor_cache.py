"""One floor answer per report, view and commit (app/meetings/floor_cache.py): every member's
page reads the floor after every event, and readers with the same view share one answer.
Whatever is shared, each caller gets exactly what the database says to it at that moment."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.clock import ShiftedClock
from app.config import Settings
from app.main import create_app
from app.meetings import floor_cache
from tests.amendments.helpers import TEXT, act, open_meeting, propose, report_with_section
from tests.drafting_groups.helpers import (
    add_chapter,
    assign,
    balanced_room,
    create_drafting_group,
    make_public,
    new_report,
)
from tests.factories import ADMIN, Person, make_room, matched, ok
from tests.meetings.helpers import meeting_day, post, session


def floor(client: TestClient, rid: int, who: Person | None) -> Any:
    return ok(client.get(f"/v1/reports/{rid}/floor", headers=who.headers if who else {}))


def texts(state: dict[str, Any]) -> list[str]:
    return [s["text"] for s in state["sections"]]


def revise(client: TestClient, who: Person, amendment_id: int, wording: str) -> None:
    headers = matched(client, f"/v1/amendments/{amendment_id}", who.headers)
    ok(
        client.post(
            f"/v1/amendments/{amendment_id}/revisions", json={"text": wording}, headers=headers
        ),
        201,
    )


def test_members_observers_and_the_public_never_get_each_others_answer(
    client: TestClient,
) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    make_public(client, room, rid)
    open_meeting(client, room, rid)
    amendment = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Geneva, Switzerland"))
    act(client, room.chair, amendment["id"], "floor")
    revise(client, room.members[0], amendment["id"], TEXT.replace("Geneva", "Geneva (CH)"))
    people = [room.chair, room.secretariat, *room.members, *room.observers]
    # Each view read twice, a member first: a shared answer in the wrong view would name people.
    for _ in range(2):
        member = floor(client, rid, room.members[1])
        assert member["pen"] == room.members[0].name
        assert member["floor"]["amendment"]["proposer_id"] == room.members[0].id
        for reader in (room.observers[0], None):
            seen = floor(client, rid, reader)
            assert seen["pen"] is None and seen["pen_role"] == "the proposer"
            assert seen["floor"]["amendment"]["proposer_id"] is None
            raw = json.dumps(seen)
            assert not [p.name for p in people if p.name in raw]
            assert texts(seen) == texts(member)


def test_a_drafting_groups_part_is_on_its_own_members_wall_only(client: TestClient) -> None:
    room, teams = balanced_room(client, 1)
    outsider = room.members[-1]
    rid = new_report(client, room, "Final Report")
    wip = add_chapter(client, room, rid, "I", "Introduction", "Work in progress.")
    add_chapter(client, room, rid, "II", "Forum", "Posted to the group.")
    drafters = create_drafting_group(client, room, "DG", teams[0])
    # Before the part is assigned both members read both chapters (one view, one answer).
    assert texts(floor(client, rid, outsider)) == ["Work in progress.", "Posted to the group."]
    assert texts(floor(client, rid, drafters.member)) == texts(floor(client, rid, outsider))
    assign(client, room, drafters.id, wip)
    # The same roles, other hidden parts: two views, read in both orders.
    for _ in range(2):
        assert texts(floor(client, rid, drafters.member)) == [
            "Work in progress.",
            "Posted to the group.",
        ]
        assert texts(floor(client, rid, outsider)) == ["Posted to the group."]
    assert texts(floor(client, rid, room.chair)) == ["Work in progress.", "Posted to the group."]


def test_an_answer_after_a_commit_holds_the_new_text(client: TestClient) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    amendment = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    act(client, room.chair, amendment["id"], "floor")
    before = floor(client, rid, room.members[1])
    assert floor(client, rid, room.members[2]) == before  # kept, shared
    assert "Tunis" not in texts(before)[0]
    act(client, room.chair, amendment["id"], "adopt")
    after = floor(client, rid, room.members[2])
    assert "Tunis" in texts(after)[0] and after["floor"] is None
    assert after["decisions"][0]["id"] == amendment["id"]
    assert floor(client, rid, room.members[1]) == after


def test_an_unchanged_floor_is_a_304_and_a_changed_one_is_not(client: TestClient) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    path = f"/v1/reports/{rid}/floor"
    first = client.get(path, headers=room.members[0].headers)
    tag = first.headers["ETag"]
    # Another member with the same view holds the same answer, by its tag.
    same = client.get(path, headers={**room.members[1].headers, "If-None-Match": tag})
    assert same.status_code == 304 and same.headers["ETag"] == tag
    # The public view of the same moment is another answer: another tag.
    observer = client.get(path, headers={**room.observers[0].headers, "If-None-Match": tag})
    assert observer.status_code == 200 and observer.headers["ETag"] != tag
    propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    changed = client.get(path, headers={**room.members[1].headers, "If-None-Match": tag})
    # A proposal is an event: the floor's last event moved, so the answer is another.
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert changed.json()["last_event_id"] > first.json()["last_event_id"]


def test_a_roster_change_changes_the_answer_at_once(client: TestClient) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    amendment = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    act(client, room.chair, amendment["id"], "floor")
    revise(client, room.members[0], amendment["id"], TEXT.replace("Geneva", "Tunis (TN)"))
    reader = room.members[1]
    assert floor(client, rid, reader)["pen"] == room.members[0].name
    assert floor(client, rid, room.members[2])["pen"] == room.members[0].name

    def change(who: Person, **fields: Any) -> None:
        ok(client.patch(f"/v1/participants/{who.id}", json=fields, headers=ADMIN))

    # Made an observer: the public view, at once (its page read the members' view before).
    change(reader, role="observer")
    assert floor(client, rid, reader)["pen"] is None
    assert floor(client, rid, room.members[2])["pen"] == room.members[0].name
    change(reader, role="member")
    assert floor(client, rid, reader)["pen"] == room.members[0].name
    # A new name (no event on the report) is on the wall at once.
    change(room.members[0], name="Renamed Typist")
    assert floor(client, rid, reader)["pen"] == "Renamed Typist"
    # Deactivated: its token reads nothing any more.
    change(reader, active=False)
    assert client.get(f"/v1/reports/{rid}/floor", headers=reader.headers).status_code == 401
    assert floor(client, rid, room.members[2])["pen"] == "Renamed Typist"


def test_a_running_speakers_seconds_move_with_the_clock(
    client: TestClient, clock: ShiftedClock
) -> None:
    room = make_room(client)
    rid, _sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    sitting = floor(client, rid, room.chair)["session"]["session"]["id"]
    ok(
        client.post(f"/v1/sessions/{sitting}/speakers", json={}, headers=room.members[0].headers),
        201,
    )
    ok(client.post(f"/v1/sessions/{sitting}/speakers/give", json={}, headers=room.chair.headers))
    first = floor(client, rid, room.members[1])["session"]["speakers"][0]["spoken_seconds"]
    clock.advance(seconds=30)
    later = floor(client, rid, room.members[2])["session"]["speakers"][0]["spoken_seconds"]
    assert later >= first + 30


def test_a_write_committed_during_a_build_never_leaves_a_stale_answer(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A member's read builds the floor from its snapshot while the chair's adoption commits
    (in another thread): that answer goes to its reader, and is never served after the commit."""
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    amendment = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    act(client, room.chair, amendment["id"], "floor")
    headers = matched(client, f"/v1/amendments/{amendment['id']}", room.chair.headers)
    build = floor_cache.floor_state
    adopted: list[int] = []

    def adopt() -> None:
        response = client.post(f"/v1/amendments/{amendment['id']}/adopt", json={}, headers=headers)
        adopted.append(response.status_code)

    def racing_build(*args: Any, **kwargs: Any) -> Any:
        state = build(*args, **kwargs)
        if not adopted:  # the reader's snapshot is older than the adoption's commit
            writer = threading.Thread(target=adopt)
            writer.start()
            writer.join(timeout=60)
        return state

    monkeypatch.setattr(floor_cache, "floor_state", racing_build)
    raced = floor(client, rid, room.members[1])
    assert adopted == [200]
    assert "Tunis" not in texts(raced)[0]  # its own snapshot: before the adoption
    for reader in (room.members[1], room.members[2]):
        now = floor(client, rid, reader)
        assert "Tunis" in texts(now)[0] and now["floor"] is None


def test_a_closed_session_is_inside_only_for_those_it_admits(client: TestClient) -> None:
    """Two observers see no names; only the intergovernmental one sits in a closed session
    (its agenda on the wall): two views of one report."""
    day = meeting_day(client)
    sitting = session(client, day, "closed", title="Closed session")["id"]
    item = {"kind": "text", "title": "Working methods"}
    post(client, f"/v1/sessions/{sitting}/agenda", day.room.secretariat, item, 201)
    for _ in range(2):
        inside = floor(client, day.rid, day.igo)["session"]
        outside = floor(client, day.rid, day.civil_society)["session"]
        public = floor(client, day.rid, None)["session"]
        assert [a["title"] for a in inside["agenda"]] == ["Working methods"]
        assert outside["agenda"] == [] and public["agenda"] == []
        assert inside["session"]["projection"] is not None
        assert outside["session"]["projection"] is None


def test_readers_with_one_view_share_one_build_per_commit(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the cache is for: the members' pages after an event cost one build, not one each
    (and the observer's view one more)."""
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    build = floor_cache.floor_state
    builds: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        builds.append(1)
        return build(*args, **kwargs)

    monkeypatch.setattr(floor_cache, "floor_state", counted)
    for _ in range(2):
        for reader in (room.chair, *room.members, room.observers[0]):
            floor(client, rid, reader)
    assert len(builds) == 2
    propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    for reader in (room.chair, *room.members):
        assert floor(client, rid, reader)["last_event_id"] is not None
    assert len(builds) == 3


def test_the_read_cache_setting_switches_it_off(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    application = create_app(settings.model_copy(update={"read_cache": False}))
    build = floor_cache.floor_state
    builds: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        builds.append(1)
        return build(*args, **kwargs)

    monkeypatch.setattr(floor_cache, "floor_state", counted)
    with TestClient(application, raise_server_exceptions=False) as client:
        room = make_room(client)
        rid, _sid = report_with_section(client, room)
        first = floor(client, rid, room.members[0])
        assert floor(client, rid, room.members[1]) == first
    application.state.database.dispose()
    assert len(builds) == 2


def test_the_floor_carries_the_etag_of_the_amendment_on_it(client: TestClient) -> None:
    """A page revises or decides the amendment on the floor with the ETag the floor answer
    carries (no read of the amendment after every event): it is the amendment's own, it
    moves with each revision, and If-Match with it is accepted."""
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    amendment = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Geneva, CH"))
    act(client, room.chair, amendment["id"], "floor")
    path = f"/v1/amendments/{amendment['id']}"
    for wording in ("Geneva (CH)", "Geneva, Switzerland"):
        on_floor = floor(client, rid, room.members[1])["floor"]
        assert on_floor["etag"] == client.get(path, headers=room.members[1].headers).headers["etag"]
        revised = client.post(
            f"{path}/revisions",
            json={"text": TEXT.replace("Geneva", wording)},
            headers={**room.members[0].headers, "If-Match": on_floor["etag"]},
        )
        assert revised.status_code == 201, revised.text
        assert floor(client, rid, room.members[1])["floor"]["etag"] != on_floor["etag"]
