"""Which kept answer a request names, kept across writes that change nobody's access (setting
`kept_views`, app/kept_front.py): after an adoption the whole room reads again, and each
member's read is answered before routing once one reader with the same view has built the
answer, with no token resolved (on PostgreSQL after the front's check, one statement per
report and moment that reads the report's state and the access revision).

Its danger side, on both engines: between two reads of a warm request, a revoked token, a
deactivated participant, a new role, a member taken out of a drafting group by a raw
statement, a report made private, or a token revoked by a write that bypasses the app; a
reader with the victim's old view then builds the answer the victim's request named, and the
victim's next read must be refused, or see its new view. On PostgreSQL, also a commit of
another process whose notice never comes."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, update

from app.amendments import list_answer
from app.config import Settings
from app.drafting_groups.models import DraftingMember
from app.groups.models import Token
from app.kept_front import KeptAnswerFront
from app.main import create_app
from app.reports.models import Report
from tests.amendments.helpers import TEXT, open_meeting, propose, report_with_section
from tests.drafting_groups.helpers import (
    add_chapter,
    assign,
    balanced_room,
    create_drafting_group,
    make_public,
    new_report,
)
from tests.factories import Person, Room, make_room, matched, ok, write_version
from tests.reports.test_kept_answers import statements_of

WORDS = itertools.count()


def paths_of(rid: int) -> list[str]:
    """The three reads every member's page makes after every event."""
    return [f"/v1/reports/{rid}", f"/v1/reports/{rid}/floor", f"/v1/reports/{rid}/amendments"]


def headers_of(who: Person | None) -> dict[str, str]:
    return who.headers if who else {}


def another_write(client: TestClient, who: Person, sid: int) -> None:
    """A write that changes nobody's access (an amendment proposed)."""
    propose(client, who, sid, TEXT.replace("Geneva", f"Geneva {next(WORDS)}"))


def routed_only(seen: list[str]) -> bool:
    """Whether the statements `seen` answered requests with no token resolved and no answer
    built: none on SQLite, only the front's checks of the report's state on PostgreSQL."""
    return all("access_revision" in s and "token" not in s and "FROM report" in s for s in seen)


def has_front(app: FastAPI) -> bool:
    answers = app.state.kept_answers
    return answers is not None and answers.routes


def public_room(client: TestClient) -> tuple[Room, int, int]:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    make_public(client, room, rid)
    open_meeting(client, room, rid)
    propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    return room, rid, sid


def test_after_a_write_a_request_seen_before_reads_nothing_once_its_view_is_built(
    client: TestClient, app: FastAPI
) -> None:
    """What it buys: after a write, the first member to read builds each answer and every
    other member's same request is answered with it, with no token resolved (on SQLite no
    statement; on PostgreSQL the front's checks only)."""
    room, rid, sid = public_room(client)
    first, second = room.members[1], room.members[2]
    paths = paths_of(rid)
    for path in paths:
        for reader in (first, second, None):
            ok(client.get(path, headers=headers_of(reader)))
    another_write(client, room.members[0], sid)
    built = {path: client.get(path, headers=first.headers) for path in paths}
    seen, stop = statements_of(app)
    try:
        again = {path: client.get(path, headers=second.headers) for path in paths}
    finally:
        stop()
    assert routed_only(seen)
    assert len(seen) == (0 if app.state.database.is_sqlite else len(paths))
    for path in paths:
        assert (again[path].status_code, again[path].content) == (200, built[path].content)
        for name in ("ETag", "Cache-Control"):
            assert again[path].headers.get(name) == built[path].headers.get(name)
    assert len(ok(again[paths[2]])["items"]) == 2  # the new amendment is in it
    # The public's view was built by nobody since: it is read (and holds the write too).
    assert len(ok(client.get(paths[2]))["items"]) == 2


# --- the danger side: a change of access between two reads of a warm request --------------


def warm_then_change(
    client: TestClient,
    paths: list[str],
    victim: Person | None,
    bystander: Person,
    sid: int,
    proposer: Person,
    change: Callable[[], None],
) -> dict[str, Any]:
    """The victim's and the bystander's requests answered, then answered again after a write
    that changes no access (on SQLite the victim's with no statement, once the bystander has
    built them: the front kept them across the commit); then `change`, the bystander (the
    victim's old view) reads every path again, and the victim's responses are returned."""
    app: FastAPI = client.app  # type: ignore[assignment]
    for path in paths:
        ok(client.get(path, headers=bystander.headers))
        ok(client.get(path, headers=headers_of(victim)))
    another_write(client, proposer, sid)
    for path in paths:
        ok(client.get(path, headers=bystander.headers))
    seen, stop = statements_of(app)
    try:
        for path in paths:
            ok(client.get(path, headers=headers_of(victim)))
    finally:
        stop()
    assert routed_only(seen)  # the victim's requests are warm: the danger is real
    another_write(client, proposer, sid)
    change()
    for path in paths:
        ok(client.get(path, headers=bystander.headers))
    return {path: client.get(path, headers=headers_of(victim)) for path in paths}


def refused(responses: dict[str, Any], slug: str, status: int = 401) -> None:
    for path, response in responses.items():
        assert response.status_code == status, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == f"urn:plenary:problem:{slug}"


def test_a_token_revoked_between_two_reads_is_refused(client: TestClient) -> None:
    room, rid, sid = public_room(client)
    victim, bystander = room.members[1], room.members[2]
    token_id = ok(client.get("/v1/me", headers=victim.headers))["token_id"]

    def revoke() -> None:
        ok(client.delete(f"/v1/tokens/{token_id}", headers=victim.headers))

    answers = warm_then_change(client, paths_of(rid), victim, bystander, sid, room.chair, revoke)
    refused(answers, "unauthorized")


def test_a_participant_deactivated_between_two_reads_is_refused(client: TestClient) -> None:
    room, rid, sid = public_room(client)
    victim, bystander = room.members[1], room.members[2]

    def deactivate() -> None:
        ok(
            client.patch(
                f"/v1/participants/{victim.id}", json={"active": False}, headers=room.chair.headers
            )
        )

    answers = warm_then_change(
        client, paths_of(rid), victim, bystander, sid, room.chair, deactivate
    )
    refused(answers, "participant-inactive")


def test_a_member_made_observer_between_two_reads_reads_no_names(client: TestClient) -> None:
    room, rid, sid = public_room(client)
    victim, bystander = room.members[1], room.members[2]

    def demote() -> None:
        ok(
            client.patch(
                f"/v1/participants/{victim.id}",
                json={"role": "observer"},
                headers=room.chair.headers,
            )
        )

    answers = warm_then_change(client, paths_of(rid), victim, bystander, sid, room.chair, demote)
    items = ok(answers[paths_of(rid)[2]])["items"]
    assert items and [a["proposer_id"] for a in items] == [None] * len(items)
    named = ok(client.get(paths_of(rid)[2], headers=bystander.headers))["items"]
    assert room.members[0].id in [a["proposer_id"] for a in named]


def test_a_report_made_private_between_two_reads_is_refused_to_the_public(
    client: TestClient,
) -> None:
    """The public (no token) and an observer of the group read the same view of a public
    report; made private, the observer still reads it and the public is refused."""
    room, rid, sid = public_room(client)

    def make_private() -> None:
        ok(
            client.post(
                f"/v1/reports/{rid}/visibility",
                json={"public": False},
                headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
            )
        )

    answers = warm_then_change(
        client, paths_of(rid), None, room.observers[0], sid, room.members[0], make_private
    )
    refused(answers, "unauthorized")


def test_a_member_taken_out_of_a_drafting_group_by_a_raw_statement_loses_its_part(
    client: TestClient, app: FastAPI
) -> None:
    """No route takes a member out of a drafting group: a raw Core statement does, in a
    transaction of the app's database. The part's work in progress is hidden at once."""
    room, teams = balanced_room(client, 1)
    rid = new_report(client, room, "Final Report")
    wip = add_chapter(client, room, rid, "I", "Introduction", "Work in progress.")
    posted = add_chapter(client, room, rid, "II", "Forum", "Posted to the group.")
    drafters = create_drafting_group(client, room, "DG", teams[0])
    assign(client, room, drafters.id, wip)
    propose(client, drafters.member, wip, "Work in progress, revised.")
    victim, bystander = drafters.member, drafters.co_leads[1]

    def take_out() -> None:
        with app.state.database.session() as session:
            session.execute(
                delete(DraftingMember).where(
                    DraftingMember.drafting_group_id == drafters.id,
                    DraftingMember.participant_id == victim.id,
                )
            )

    answers = warm_then_change(
        client, paths_of(rid), victim, bystander, posted, room.members[-1], take_out
    )
    report, floor, amendments = (ok(answers[path]) for path in paths_of(rid))
    assert [entry["id"] for entry in report["outline"]] == [posted]
    assert [section["id"] for section in floor["sections"]] == [posted]
    assert {a["section_id"] for a in amendments["items"]} == {posted}
    seen_by_drafters = ok(client.get(paths_of(rid)[0], headers=bystander.headers))
    assert [entry["id"] for entry in seen_by_drafters["outline"]] == [wip, posted]


def test_a_token_revoked_by_a_write_that_bypasses_the_app_is_refused_after_the_next_commit(
    client: TestClient, app: FastAPI
) -> None:
    """A statement on the engine itself, outside any transaction of the app (no commit
    listener hears it): the trigger moves the access revision in the database, and the first
    routed read after the app's next commit, whatever that commit wrote, reads it."""
    room, rid, sid = public_room(client)
    victim, bystander = room.members[1], room.members[2]
    token_id = ok(client.get("/v1/me", headers=victim.headers))["token_id"]

    def revoke_behind_the_apps_back() -> None:
        with app.state.database.engine.begin() as connection:
            connection.execute(
                update(Token).where(Token.id == token_id).values(revoked_at=datetime.now(UTC))
            )
        another_write(client, room.chair, sid)

    answers = warm_then_change(
        client, paths_of(rid), victim, bystander, sid, room.chair, revoke_behind_the_apps_back
    )
    refused(answers, "unauthorized")


def front_of(app: FastAPI) -> KeptAnswerFront | None:
    node: Any = app.middleware_stack
    while node is not None and not isinstance(node, KeptAnswerFront):
        node = getattr(node, "app", None)
    return node


def test_after_a_write_the_room_asking_at_once_sends_one_request_per_view_to_the_app(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an adoption every member asks at once, before anyone has built the answer: one
    request goes to the app, and the others, whose routes name the same answer, wait for it
    in the front and take it (no token resolved for them)."""
    room = make_room(client, members=5)
    rid, sid = report_with_section(client, room)
    propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    path = paths_of(rid)[2]
    for member in room.members:
        ok(client.get(path, headers=member.headers))
    front = front_of(app)
    assert front is not None
    another_write(client, room.chair, sid)
    build = list_answer.build
    builds: list[int] = []
    others = len(room.members) - 1

    def first_waits_for_the_others(*args: Any, **kwargs: Any) -> Any:
        builds.append(1)
        if len(builds) == 1:  # bounded: a broken wait lets the others in, and this go on
            arrived = threading.Event()
            for _ in range(1000):
                if front.waiting == others or arrived.wait(0.01):
                    break
        return build(*args, **kwargs)

    monkeypatch.setattr(list_answer, "build", first_waits_for_the_others)
    seen, stop = statements_of(app)
    try:
        with ThreadPoolExecutor(len(room.members)) as pool:
            pages = list(pool.map(lambda who: client.get(path, headers=who.headers), room.members))
    finally:
        stop()
    assert builds == [1]
    assert len([statement for statement in seen if "FROM token" in statement]) == 1
    assert all(page.content == pages[0].content for page in pages)
    assert len(ok(pages[0])["items"]) == 2


def test_a_floors_delta_after_a_new_watermark_is_answered_by_the_readers_route(
    client: TestClient, app: FastAPI
) -> None:
    """After each adoption the page asks the floor's delta after the watermark it has just
    been given, a request it never made: the route of its delta after another watermark, or
    of the whole floor, names the same view. A token revoked since is refused all the same."""
    room, rid, sid = public_room(client)
    first, second = room.members[1], room.members[2]
    floor = paths_of(rid)[1]
    held = ok(client.get(floor, headers=second.headers))["texts_through"]
    # A page that has read only the whole floor: its first delta, after a commit.
    another_write(client, room.chair, sid)
    built = client.get(f"{floor}?texts_after={held}", headers=first.headers)
    seen, stop = statements_of(app)
    try:
        again = client.get(f"{floor}?texts_after={held}", headers=second.headers)
    finally:
        stop()
    assert (again.status_code, again.content) == (200, built.content)
    assert routed_only(seen)
    write_version(client, room, sid, 1, TEXT.replace("Geneva", "Geneva again"))
    through = ok(client.get(f"{floor}?texts_after={held}", headers=first.headers))
    assert through["texts_through"] != held
    delta = f"{floor}?texts_after={through['texts_through']}"
    built = client.get(delta, headers=first.headers)
    seen, stop = statements_of(app)
    try:
        again = client.get(delta, headers=second.headers)
    finally:
        stop()
    assert (again.status_code, again.content) == (200, built.content)
    assert again.headers["ETag"] == built.headers["ETag"]
    assert routed_only(seen)
    token_id = ok(client.get("/v1/me", headers=second.headers))["token_id"]
    ok(client.delete(f"/v1/tokens/{token_id}", headers=second.headers))
    later = f"{floor}?texts_after={through['texts_through'] - 1}"
    ok(client.get(later, headers=first.headers))
    refused({later: client.get(later, headers=second.headers)}, "unauthorized")


def test_a_commit_while_the_room_waits_sends_one_more_request_to_the_app_not_all(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chair's next write commits while the room waits for the first reader's answer.
    SQLite: that answer is not kept (it may be stale), and the others wait for the first
    request of the new commit instead of all going to the app. PostgreSQL: the others'
    check, begun after they arrived and before the write, named the answer the first reader
    builds from its snapshot, also taken before the write: it is theirs (their requests and
    the write were under way together)."""
    room = make_room(client, members=5)
    rid, sid = report_with_section(client, room)
    propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    path = paths_of(rid)[2]
    for member in room.members:
        ok(client.get(path, headers=member.headers))
    front = front_of(app)
    assert front is not None
    another_write(client, room.chair, sid)
    build = list_answer.build
    builds: list[int] = []
    others = len(room.members) - 1

    def first_waits_then_a_commit(*args: Any, **kwargs: Any) -> Any:
        builds.append(1)
        if len(builds) == 1:  # bounded: a broken wait lets the others in, and this go on
            arrived = threading.Event()
            for _ in range(1000):
                if front.waiting == others or arrived.wait(0.01):
                    break
            with app.state.database.session() as session:  # a write that changes no access
                session.execute(update(Report).where(Report.id == rid).values(symbol="A/1"))
        return build(*args, **kwargs)

    monkeypatch.setattr(list_answer, "build", first_waits_then_a_commit)
    seen, stop = statements_of(app)
    try:
        with ThreadPoolExecutor(len(room.members)) as pool:
            pages = list(pool.map(lambda who: client.get(path, headers=who.headers), room.members))
    finally:
        stop()
    assert all(page.status_code == 200 for page in pages)
    if app.state.database.is_sqlite:
        assert builds == [1, 1]
        assert len([statement for statement in seen if "FROM token" in statement]) == 2
        assert len({page.content for page in pages[1:]}) == 1
    else:
        assert builds == [1]
        assert len([statement for statement in seen if "FROM token" in statement]) == 1
        assert len({page.content for page in pages}) == 1


def test_a_commit_of_another_process_whose_notice_never_comes_is_read_at_once(
    client: TestClient, app: FastAPI, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL, several processes: another process adopts a change; this one never hears
    its notice (which would only free memory). The room's warm requests, asked right after,
    hold the change: the front's check read the report's state after they arrived."""
    if app.state.database.is_sqlite:
        pytest.skip("one process serves a SQLite database (app/dblock.py)")
    monkeypatch.setattr(app.state.broker, "notice_listeners", [])
    room, rid, sid = public_room(client)
    readers = [room.members[1], room.members[2]]
    paths = paths_of(rid)
    for path in paths:
        for reader in readers:
            ok(client.get(path, headers=reader.headers))
    seen, stop = statements_of(app)
    try:
        warm = {path: client.get(path, headers=readers[1].headers) for path in paths}
    finally:
        stop()
    assert routed_only(seen) and len(seen) == len(paths)  # answered by the front
    other_app = create_app(settings)
    try:
        with TestClient(other_app, raise_server_exceptions=False) as other:
            write_version(other, room, sid, 1, TEXT.replace("stakeholders", "stakeholders alike"))
            another_write(other, room.members[0], sid)
    finally:
        other_app.state.database.dispose()
    for reader in readers:
        report, floor, listed = (ok(client.get(p, headers=reader.headers)) for p in paths)
        assert (
            report["outline"][0]["head_version"]
            == ok(warm[paths[0]])["outline"][0]["head_version"] + 1
        )
        assert [s["text"] for s in floor["sections"]] == [
            TEXT.replace("stakeholders", "stakeholders alike")
        ]
        assert len(listed["items"]) == len(ok(warm[paths[2]])["items"]) + 1
