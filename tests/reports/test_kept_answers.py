"""One answer of the report and of its amendment list per view, query and commit
(app/kept_answers.py, app/reports/report_answer.py, app/amendments/list_answer.py): every
member's page reads both after every event, and readers with the same view share one build.
Whatever is shared, each caller gets exactly what the database says to it at that moment.

On PostgreSQL a NOTIFY only frees memory: these tests take it away (`_keys_alone`), so what
they show is that the key names the committed state, whenever the NOTIFY would arrive."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event

from app.amendments import list_answer
from app.clock import ShiftedClock, utcnow
from app.config import Settings
from app.main import create_app
from app.reports import report_answer
from tests.amendments.helpers import (
    TEXT,
    act,
    adopt_report,
    open_meeting,
    propose,
    report_with_section,
)
from tests.drafting_groups.helpers import (
    add_chapter,
    assign,
    balanced_room,
    create_drafting_group,
    make_public,
    new_report,
    stage,
)
from tests.factories import ADMIN, Person, make_room, matched, ok


@pytest.fixture(autouse=True)
def _keys_alone(app: FastAPI) -> Iterator[None]:
    answers = app.state.kept_answers
    listeners = app.state.broker.notice_listeners
    if answers is None or not answers.checked:
        yield
        return
    listeners.remove(answers.forget_report)
    try:
        yield
    finally:
        listeners.append(answers.forget_report)


def report(client: TestClient, rid: int, who: Person | None) -> Any:
    return ok(client.get(f"/v1/reports/{rid}", headers=who.headers if who else {}))


def amendments(client: TestClient, rid: int, who: Person | None, query: str = "") -> Any:
    return ok(
        client.get(f"/v1/reports/{rid}/amendments{query}", headers=who.headers if who else {})
    )["items"]


def outline(client: TestClient, rid: int, who: Person | None) -> list[int]:
    return [entry["id"] for entry in report(client, rid, who)["outline"]]


def listed(client: TestClient, rid: int, who: Person | None) -> dict[int, Any]:
    return {a["id"]: a for a in amendments(client, rid, who)}


class Builds:
    """How many times each answer was built (not served from the store)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.report = self.list = 0
        build_report, build_list = report_answer.build, list_answer.build

        def counted_report(*args: Any, **kwargs: Any) -> Any:
            self.report += 1
            return build_report(*args, **kwargs)

        def counted_list(*args: Any, **kwargs: Any) -> Any:
            self.list += 1
            return build_list(*args, **kwargs)

        monkeypatch.setattr(report_answer, "build", counted_report)
        monkeypatch.setattr(list_answer, "build", counted_list)


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[Builds]:
    yield Builds(monkeypatch)


def test_readers_with_one_view_share_one_build_per_commit(
    client: TestClient, builds: Builds
) -> None:
    """What the store is for: after an event the members' pages cost one build of each
    answer, not one each; the observer's list (no names) is one more."""
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    builds.report = builds.list = 0
    for _ in range(2):
        for reader in (room.chair, *room.members, room.observers[0]):
            report(client, rid, reader)
            amendments(client, rid, reader)
    # One report for all (it names nobody and hides nothing here); the list: two views.
    assert (builds.report, builds.list) == (1, 2)
    propose(client, room.members[1], sid, TEXT.replace("Geneva", "Geneva, CH"))
    for reader in (room.chair, *room.members):
        assert len(amendments(client, rid, reader)) == 2
        report(client, rid, reader)
    assert (builds.report, builds.list) == (2, 3)


def test_the_read_cache_setting_switches_it_off(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    application = create_app(settings.model_copy(update={"read_cache": False}))
    counted = Builds(monkeypatch)
    with TestClient(application, raise_server_exceptions=False) as client:
        room = make_room(client)
        rid, _sid = report_with_section(client, room)
        for reader in room.members:
            report(client, rid, reader)
            amendments(client, rid, reader)
    application.state.database.dispose()
    assert (counted.report, counted.list) == (3, 3)


def test_observers_and_the_public_never_get_a_members_list(client: TestClient) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    make_public(client, room, rid)
    adopt_report(client, room, rid)  # substantive changes now go to a consent round
    change = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    act(client, room.members[1], change["id"], "consent")
    people = [room.chair, room.secretariat, *room.members, *room.observers]
    mine = f"?proposer_id={room.members[0].id}"
    # Each view read twice, a member first: a member's answer in another view would name.
    for _ in range(2):
        member = listed(client, rid, room.members[2])[change["id"]]
        assert member["proposer_id"] == room.members[0].id
        assert [a["participant_id"] for a in member["tally"]["answers"]] == [room.members[1].id]
        assert room.members[1].id not in member["tally"]["pending_participant_ids"]
        assert len(amendments(client, rid, room.members[2], mine)) == 1
        for reader in (room.observers[0], None):
            seen = listed(client, rid, reader)[change["id"]]
            assert seen["proposer_id"] is None
            assert [a["participant_id"] for a in seen["tally"]["answers"]] == [None]
            assert seen["tally"]["pending_participant_ids"] == []
            assert seen["tally"]["consented"] == member["tally"]["consented"] == 1
            assert not [p.name for p in people if p.name in json.dumps(seen)]
            # A filter by a person the caller may not name is no filter: it learns nothing.
            assert [a["id"] for a in amendments(client, rid, reader, mine)] == [change["id"]]
            assert amendments(client, rid, reader, f"?proposer_id={room.members[1].id}") == [seen]
        assert amendments(client, rid, room.members[2], f"?proposer_id={room.members[1].id}") == []


def test_a_drafting_groups_part_is_in_its_own_members_answers_only(client: TestClient) -> None:
    room, teams = balanced_room(client, 1)
    outsider = room.members[-1]
    rid = new_report(client, room, "Final Report")
    wip = add_chapter(client, room, rid, "I", "Introduction", "Work in progress.")
    posted = add_chapter(client, room, rid, "II", "Forum", "Posted to the group.")
    drafters = create_drafting_group(client, room, "DG", teams[0])
    inside = propose(client, drafters.member, wip, "Work in progress, revised.")
    outside = propose(client, outsider, posted, "Posted to the group, revised.")
    # Before the part is assigned both members read both (one view, one answer each).
    assert outline(client, rid, outsider) == outline(client, rid, drafters.member) == [wip, posted]
    assert set(listed(client, rid, outsider)) == {inside["id"], outside["id"]}
    assign(client, room, drafters.id, wip)
    # The same roles, other hidden parts: two views, read in both orders.
    for first, second in ((drafters.member, outsider), (outsider, drafters.member)):
        for reader in (first, second):
            mine = reader == drafters.member
            assert outline(client, rid, reader) == ([wip, posted] if mine else [posted])
            ids = set(listed(client, rid, reader))
            assert ids == ({inside["id"], outside["id"]} if mine else {outside["id"]})
            assert "Work in progress" not in json.dumps(amendments(client, rid, reader)) or mine
    assert outline(client, rid, room.chair) == [wip, posted]
    # Its stage moves on (an event): the next read of the outsider has it, with its stage.
    stage(client, drafters.co_leads[0], wip, "agreed_in_drafting_group")
    assert outline(client, rid, outsider) == [posted]
    stage(client, room.chair, wip, "posted_to_group")
    entries = report(client, rid, outsider)["outline"]
    assert [(e["id"], e["stage"]) for e in entries] == [
        (wip, "posted_to_group"),
        (posted, "posted_to_group"),
    ]
    assert set(listed(client, rid, outsider)) == {inside["id"], outside["id"]}


def soon(seconds: float) -> str:
    return (utcnow() + timedelta(seconds=seconds)).isoformat()


def test_every_write_that_changes_the_answers_is_seen_by_the_next_read(
    client: TestClient, clock: ShiftedClock
) -> None:
    """Before each write both members have read (and so kept) both answers."""
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    readers = room.members[1:]

    def now() -> tuple[Any, dict[int, Any]]:
        answers = [(report(client, rid, who), listed(client, rid, who)) for who in readers]
        assert all(answer == answers[0] for answer in answers)
        return answers[0]

    now()
    # The outline and the report's fields.
    added = ok(
        client.post(
            f"/v1/reports/{rid}/sections",
            json={"kind": "chapter", "label": "II", "heading": "Forum", "text": "New."},
            headers=room.secretariat.headers,
        ),
        201,
    )["id"]
    assert [e["id"] for e in now()[0]["outline"]] == [sid, added]
    headers = matched(client, f"/v1/reports/{rid}", room.secretariat.headers)
    ok(client.patch(f"/v1/reports/{rid}", json={"title": "Renamed"}, headers=headers))
    assert now()[0]["title"] == "Renamed"
    adopt_report(client, room, rid)  # substantive changes now go to a consent round
    assert now()[0]["status"] == "adopted"
    change = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    assert now()[1][change["id"]]["status"] == "consent_open"
    act(client, room.chair, change["id"], "consent")
    assert now()[1][change["id"]]["tally"]["consented"] == 1
    act(client, room.members[1], change["id"], "object", reason="Not the venue of record.")
    assert now()[1][change["id"]]["status"] == "blocked"
    act(client, room.members[1], change["id"], "withdraw-objection", reason="Explained.")
    assert now()[1][change["id"]]["tally"]["objected"] == 0
    for voter in room.voters[1:]:
        act(client, voter, change["id"], "consent")
    text, listing = now()
    assert listing[change["id"]]["status"] == "adopted"
    assert text["outline"][0]["head_version"] == 2
    # A round lapses at its deadline, by the clock: the first read of the list settles it.
    late = propose(client, room.members[0], sid, TEXT + " Late.", base=2, consent_deadline=soon(60))
    assert now()[1][late["id"]]["status"] == "consent_open"
    clock.advance(seconds=61)
    assert now()[1][late["id"]]["status"] == "lapsed"


def test_a_roster_change_changes_the_answer_at_once(client: TestClient) -> None:
    """A role is part of the view: the next read follows it, though it is no event on the
    report; a deactivated token reads nothing."""
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    change = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    reader, other = room.members[1], room.members[2]

    def patch(who: Person, **fields: Any) -> None:
        ok(client.patch(f"/v1/participants/{who.id}", json=fields, headers=ADMIN))

    assert listed(client, rid, reader)[change["id"]]["proposer_id"] == room.members[0].id
    patch(reader, role="observer")
    assert listed(client, rid, reader)[change["id"]]["proposer_id"] is None
    assert listed(client, rid, other)[change["id"]]["proposer_id"] == room.members[0].id
    patch(reader, role="member")
    assert listed(client, rid, reader)[change["id"]]["proposer_id"] == room.members[0].id
    patch(reader, active=False)
    for path in (f"/v1/reports/{rid}", f"/v1/reports/{rid}/amendments"):
        assert client.get(path, headers=reader.headers).status_code == 401
    assert report(client, rid, other)["id"] == rid


def test_pages_and_filters_are_answers_of_their_own(client: TestClient) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    other = add_chapter(client, room, rid, "II", "Forum", "The forum.")
    first = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    second = propose(client, room.members[1], other, "The open forum.")
    third = propose(client, room.members[2], sid, TEXT.replace("Geneva", "Geneva, CH"))
    act(client, room.members[1], second["id"], "withdraw")
    reader = room.members[0]
    path = f"/v1/reports/{rid}/amendments"
    assert [a["id"] for a in amendments(client, rid, reader)] == [
        first["id"],
        second["id"],
        third["id"],
    ]
    assert [a["id"] for a in amendments(client, rid, reader, f"?section_id={sid}")] == [
        first["id"],
        third["id"],
    ]
    assert [a["id"] for a in amendments(client, rid, reader, "?status=withdrawn")] == [second["id"]]
    # Two pages, each its own answer; the Link of each reader's page is made from its own URL.
    for query in ("?limit=2&kind=substantive", "?kind=substantive&limit=2"):
        page = client.get(path + query, headers=reader.headers)
        assert [a["id"] for a in ok(page)["items"]] == [first["id"], second["id"]]
        assert ok(page)["next"] == second["id"]
        assert page.headers["Link"] == f'<{path}{query}&after={second["id"]}>; rel="next"'
    rest = client.get(f"{path}?after={second['id']}&limit=2", headers=room.members[1].headers)
    assert [a["id"] for a in ok(rest)["items"]] == [third["id"]]
    assert ok(rest)["next"] is None and "Link" not in rest.headers


def test_an_unchanged_report_is_a_304_and_a_changed_one_is_not(client: TestClient) -> None:
    """The ETag is the report's, the same for every reader, as it always was."""
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    path = f"/v1/reports/{rid}"
    first = client.get(path, headers=room.members[0].headers)
    tag = first.headers["ETag"]
    for reader in (room.members[1], room.observers[0]):
        same = client.get(path, headers={**reader.headers, "If-None-Match": tag})
        assert same.status_code == 304 and same.headers["ETag"] == tag and same.content == b""
    assert client.get(path, headers=room.members[1].headers).headers["ETag"] == tag
    propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))  # an event
    changed = client.get(path, headers={**room.members[1].headers, "If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert changed.json() == first.json() | {"updated_at": changed.json()["updated_at"]}
    assert "Link" not in changed.headers


def test_a_write_through_another_process_is_seen(
    client: TestClient, settings: Settings, database_url: str
) -> None:
    """PostgreSQL: another process's commit is seen by this one's next read, whether or not
    its NOTIFY has come (one process serves a SQLite database: app/dblock.py)."""
    if database_url.startswith("sqlite"):
        pytest.skip("one process serves a SQLite database")
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    readers = room.members[1:]

    def read() -> tuple[Any, dict[int, Any]]:
        answers = [(report(client, rid, who), listed(client, rid, who)) for who in readers]
        assert all(answer == answers[0] for answer in answers)
        return answers[0]

    read()
    other_app = create_app(settings)
    try:
        with TestClient(other_app, raise_server_exceptions=False) as other:
            change = propose(other, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
            assert change["id"] in read()[1]
            act(other, room.members[0], change["id"], "withdraw")
            assert read()[1][change["id"]]["status"] == "withdrawn"
            added = ok(
                other.post(
                    f"/v1/reports/{rid}/sections",
                    json={"kind": "chapter", "label": "II", "heading": "Forum", "text": "New."},
                    headers=room.secretariat.headers,
                ),
                201,
            )["id"]
            assert [e["id"] for e in read()[0]["outline"]] == [sid, added]
    finally:
        other_app.state.database.dispose()


def test_a_reminder_sent_to_nobody_is_seen_though_it_records_no_event(
    client: TestClient, clock: ShiftedClock
) -> None:
    """Every voter has answered a blocked round when its reminder falls due: the sweep marks
    it sent (`reminded_at`) and records no event, and the next read of the list shows it."""
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid)
    change = propose(
        client,
        room.members[0],
        sid,
        TEXT.replace("Geneva", "Tunis"),
        consent_deadline=soon(600),
        remind_before=300,
    )
    for voter in room.voters[:-1]:
        act(client, voter, change["id"], "consent")
    act(client, room.voters[-1], change["id"], "object", reason="Not the venue of record.")
    before = listed(client, rid, room.members[1])[change["id"]]
    assert before["status"] == "blocked" and before["tally"]["pending"] == 0
    assert before["reminded_at"] is None
    events = ok(client.get(f"/v1/reports/{rid}/events?limit=1000", headers=room.chair.headers))
    clock.advance(seconds=301)
    after = listed(client, rid, room.members[2])[change["id"]]
    assert after["reminded_at"] is not None and after["status"] == "blocked"
    assert listed(client, rid, room.members[1])[change["id"]] == after
    again = ok(client.get(f"/v1/reports/{rid}/events?limit=1000", headers=room.chair.headers))
    assert again["items"] == events["items"]  # no event: only the amendment row moved


# --- the same request again before any write: answered before routing (SQLite) -----------


def statements_of(app: FastAPI) -> tuple[list[str], Callable[[], None]]:
    """The statements the app runs that read a token, a report or its sections (the
    background pollers read other tables)."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if re.search(r"\b(token|report|section|participant)\b", statement):
            seen.append(statement)

    engine = app.state.database.engine
    event.listen(engine, "before_cursor_execute", count)
    return seen, lambda: event.remove(engine, "before_cursor_execute", count)


def test_the_same_request_again_before_any_write_reads_nothing(
    client: TestClient, app: FastAPI
) -> None:
    """The page's three reads, asked again by the same reader before any write: the same
    bytes and headers, with no token resolved and nothing read; a write, and they are read
    again (and hold it)."""
    if app.state.kept_answers is None or app.state.kept_answers.checked:
        pytest.skip("SQLite: one process sees every commit (PostgreSQL checks each answer)")
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    make_public(client, room, rid)
    open_meeting(client, room, rid)
    propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    paths = [f"/v1/reports/{rid}", f"/v1/reports/{rid}/floor", f"/v1/reports/{rid}/amendments"]
    paths.append(f"/v1/reports/{rid}/amendments?limit=1&kind=substantive")
    readers = [room.members[1].headers, room.observers[0].headers, {}]
    first = {(p, i): client.get(p, headers=h) for p in paths for i, h in enumerate(readers)}
    seen, stop = statements_of(app)
    try:
        for (path, i), answer in first.items():
            again = client.get(path, headers=readers[i])
            assert (again.status_code, again.content) == (200, answer.content)
            for name in ("ETag", "Link", "Cache-Control"):
                assert again.headers.get(name) == answer.headers.get(name)
            if "ETag" in answer.headers:
                tagged = {**readers[i], "If-None-Match": answer.headers["ETag"]}
                assert client.get(path, headers=tagged).status_code == 304
    finally:
        stop()
    assert seen == []
    assert ok(first[(paths[2], 0)])["items"][0]["proposer_id"] == room.members[0].id
    assert ok(first[(paths[2], 1)])["items"][0]["proposer_id"] is None
    propose(client, room.members[1], sid, TEXT.replace("Geneva", "Geneva, CH"))
    assert len(amendments(client, rid, room.members[1])) == 2


def test_with_the_front_off_every_request_is_routed(settings: Settings) -> None:
    application = create_app(settings.model_copy(update={"kept_answer_front": False}))
    try:
        with TestClient(application, raise_server_exceptions=False) as client:
            room = make_room(client)
            rid, _sid = report_with_section(client, room)
            path = f"/v1/reports/{rid}"
            first = client.get(path, headers=room.members[0].headers)
            seen, stop = statements_of(application)
            try:
                again = client.get(path, headers=room.members[0].headers)
            finally:
                stop()
            assert again.content == first.content
            assert any("token" in statement for statement in seen)
    finally:
        application.state.database.dispose()


def test_a_remembered_floor_still_moves_with_the_clock(
    client: TestClient, clock: ShiftedClock
) -> None:
    """The same reader asks for the same floor again, with no write between: the running
    speaker's seconds have moved on, and so has its answer."""
    room = make_room(client)
    rid, _sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    path = f"/v1/reports/{rid}/floor"
    sitting = ok(client.get(path, headers=room.chair.headers))["session"]["session"]["id"]
    ok(
        client.post(f"/v1/sessions/{sitting}/speakers", json={}, headers=room.members[0].headers),
        201,
    )
    ok(client.post(f"/v1/sessions/{sitting}/speakers/give", json={}, headers=room.chair.headers))

    def spoken() -> int:
        state = ok(client.get(path, headers=room.members[1].headers))
        return int(state["session"]["speakers"][0]["spoken_seconds"])

    first = spoken()
    clock.advance(seconds=30)
    assert spoken() >= first + 30


def test_a_deadline_passed_since_the_same_request_is_settled_first(
    client: TestClient, clock: ShiftedClock
) -> None:
    """No write between two reads of the same reader, but a round's deadline passed: under
    the silence procedure the amendment is adopted by the first read, which shows it."""
    room = make_room(client)
    rid, sid = report_with_section(client, room, silence_procedure=True)
    adopt_report(client, room, rid)  # in a meeting's session
    wording = TEXT.replace("Geneva", "Tunis")
    change = propose(client, room.members[0], sid, wording, consent_deadline=soon(60))
    floor_path = f"/v1/reports/{rid}/floor"
    reader = room.members[1]
    before = ok(client.get(floor_path, headers=reader.headers))
    assert [s["text"] for s in before["sections"]] == [TEXT]
    head = report(client, rid, reader)["outline"][0]["head_version"]
    assert listed(client, rid, reader)[change["id"]]["status"] == "consent_open"
    clock.advance(seconds=61)
    after = ok(client.get(floor_path, headers=reader.headers))
    assert [s["text"] for s in after["sections"]] == [wording]
    assert report(client, rid, reader)["outline"][0]["head_version"] == head + 1
    assert listed(client, rid, reader)[change["id"]]["status"] == "adopted"


def test_readers_who_come_while_an_answer_is_built_wait_for_it(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an event the whole room asks at once: the readers that come while the first
    builds the answer take its answer instead of building their own."""
    room = make_room(client, members=5)
    rid, sid = report_with_section(client, room)
    propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    answers = app.state.kept_answers
    build = list_answer.build
    builds: list[int] = []
    others = len(room.members) - 1

    def first_waits_for_the_others(*args: Any, **kwargs: Any) -> Any:
        builds.append(1)
        if len(builds) == 1:  # bounded: a broken share lets the others build, and this go on
            arrived = threading.Event()
            for _ in range(1000):
                if answers.waiting() == others or arrived.wait(0.01):
                    break
        return build(*args, **kwargs)

    monkeypatch.setattr(list_answer, "build", first_waits_for_the_others)
    with ThreadPoolExecutor(len(room.members)) as pool:
        pages = list(pool.map(lambda who: amendments(client, rid, who), room.members))
    assert builds == [1]
    assert all(page == pages[0] for page in pages) and len(pages[0]) == 1
