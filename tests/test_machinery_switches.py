"""Each piece of machinery can be switched off by a setting (app/config.py), and plenary then
takes the plain path and stays correct: `python -m bench --only machinery` measures what each
buys by running the same requests with it on and off, which is honest only if "off" answers
the same. One test per switch, through HTTP; the stream standings' switch is proved live
(tests/live/test_stream_standings_off.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.clock import ShiftedClock, utcnow
from app.config import Settings
from app.main import create_app
from app.reports import known_versions, outline
from app.text import offload
from tests.amendments.helpers import TEXT, act, adopt_report, propose, report_with_section
from tests.factories import Room, make_room, ok, write_version
from tests.reports.test_kept_answers import statements_of
from tests.reports.test_kept_views import another_write, paths_of, public_room


@pytest.fixture
def switched(settings: Settings) -> Iterator[Callable[..., object]]:
    """`switched(setting=False, ...)`: a client of an app with those settings."""

    @contextmanager
    def make(**changes: object) -> Iterator[TestClient]:
        application = create_app(settings.model_copy(update=changes))
        try:
            with TestClient(application, raise_server_exceptions=False) as client:
                yield client
        finally:
            application.state.database.dispose()

    yield make
    # The text worker's switch is the process's (the last app made decides); later tests'
    # apps set it again, but leave it as the default here too.
    offload.enabled = True


def test_a_second_app_switched_off_leaves_the_first_ones_machinery_on(
    app: FastAPI, client: TestClient, switched: Callable[..., object]
) -> None:
    """Known versions and outlines are kept and switched per database: an app made later with
    them off (tests and `bench.machinery` make several in one process) neither switches off
    nor shares the stores of an app made before it, even on the same URL."""
    room = make_room(client, members=1)
    rid, _sid = report_with_section(client, room)
    with switched(known_versions=False, outline_cache=False) as off:  # type: ignore[attr-defined]
        on_engine = app.state.database.engine
        off_engine = off.app.state.database.engine
        assert known_versions.of(on_engine) is known_versions.of(on_engine)
        assert known_versions.of(off_engine) is not known_versions.of(off_engine)
        ok(client.get(f"/v1/reports/{rid}", headers=room.members[0].headers))
        kept = outline._OUTLINES.of(on_engine)
        assert kept is not None and any(key[0] == rid for key in kept)
        assert outline._OUTLINES.of(off_engine) is None
        off_room = make_room(off, members=1)
        off_rid, _ = report_with_section(off, off_room)
        ok(off.get(f"/v1/reports/{off_rid}", headers=off_room.members[0].headers))
        assert outline._OUTLINES.of(off_engine) is None


def test_with_the_read_cache_off_a_read_after_a_write_gives_the_new_text(
    switched: Callable[..., object],
) -> None:
    with switched(read_cache=False) as client:  # type: ignore[attr-defined]
        room = make_room(client, members=1)
        _rid, sid = report_with_section(client, room)
        first = client.get(f"/v1/sections/{sid}", headers=room.members[0].headers)
        assert client.app.state.read_cache is None
        write_version(client, room, sid, 1, TEXT + " Changed.")
        again = client.get(
            f"/v1/sections/{sid}",
            headers={**room.members[0].headers, "If-None-Match": first.headers["etag"]},
        )
        assert ok(again)["head"]["text"] == TEXT + " Changed."


def _two_sections(client: TestClient, room: Room) -> tuple[int, int, int]:
    rid, first = report_with_section(client, room)
    second = ok(
        client.post(
            f"/v1/reports/{rid}/sections",
            json={"kind": "chapter", "label": "II", "heading": "Then", "text": "After."},
            headers=room.secretariat.headers,
        ),
        201,
    )["id"]
    return rid, first, second


def test_with_the_outline_cache_off_paragraph_numbers_follow_every_write(
    switched: Callable[..., object],
) -> None:
    with switched(outline_cache=False) as client:  # type: ignore[attr-defined]
        room = make_room(client, members=1)
        _rid, first, second = _two_sections(client, room)
        before = ok(client.get(f"/v1/sections/{second}", headers=room.chair.headers))
        write_version(client, room, first, 1, TEXT + "\n\nA fourth paragraph.")
        after = ok(client.get(f"/v1/sections/{second}", headers=room.chair.headers))
        assert after["first_paragraph"] == before["first_paragraph"] + 1


def _answer(amendment: dict[str, object]) -> dict[str, object]:
    """What a proposal's answer says of the wording (not its id, times or round)."""
    return {k: amendment.get(k) for k in ("proposed_text", "base_version", "patch", "status")}


@pytest.mark.parametrize("setting", ["prepare_writes", "known_versions", "deadline_watch"])
def test_a_proposal_gives_the_same_answer_with_the_piece_off(
    switched: Callable[..., object], setting: str
) -> None:
    answers = []
    for on in (True, False):
        with switched(**{setting: on}) as client:  # type: ignore[attr-defined]
            room = make_room(client, members=1)
            _rid, sid = report_with_section(client, room)
            first = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
            # a second proposal on the same base (a known one, when the store is on)
            again = propose(client, room.members[0], sid, TEXT.replace("open", "closed"))
            write_version(client, room, sid, 1, TEXT + " Moved.")
            stale = propose(client, room.members[0], sid, TEXT + " Moved. More.", base=2)
            answers.append([_answer(a) for a in (first, again, stale)])
    assert answers[0] == answers[1]
    assert answers[1][2]["proposed_text"] == TEXT + " Moved. More."


def test_with_the_deadline_watch_off_a_round_lapses_on_time(
    switched: Callable[..., object], clock: ShiftedClock
) -> None:
    with switched(deadline_watch=False) as client:  # type: ignore[attr-defined]
        assert client.app.state.deadline_watch is None
        room = make_room(client, members=1)
        rid, sid = report_with_section(client, room)
        adopt_report(client, room, rid)
        deadline = (utcnow() + timedelta(seconds=60)).isoformat()
        change = propose(client, room.members[0], sid, TEXT + " Late.", consent_deadline=deadline)
        act(client, room.chair, change["id"], "consent")
        clock.advance(seconds=61)
        read = ok(client.get(f"/v1/amendments/{change['id']}", headers=room.chair.headers))
        assert read["status"] == "lapsed"


def test_with_the_write_gate_off_concurrent_writes_all_land(
    switched: Callable[..., object],
) -> None:
    with switched(write_gate=False) as client:  # type: ignore[attr-defined]
        room = make_room(client, members=4)
        rid, sid = report_with_section(client, room)
        statuses: list[int] = []

        def write(n: int) -> None:
            who = room.members[n % len(room.members)]
            answer = client.post(
                f"/v1/sections/{sid}/amendments",
                json={"base_version": 1, "text": f"{TEXT} Together {n}.", "kind": "substantive"},
                headers=who.headers,
            )
            statuses.append(answer.status_code)

        threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert sorted(statuses) == [201] * 8
        listed = ok(client.get(f"/v1/reports/{rid}/amendments", headers=room.chair.headers))
        texts = {a["proposed_text"] for a in listed["items"]}
        assert texts == {f"{TEXT} Together {n}." for n in range(8)}


def test_with_the_text_worker_off_a_long_proposal_is_analysed_in_process(
    switched: Callable[..., object],
) -> None:
    with switched(text_worker=False) as client:  # type: ignore[attr-defined]
        assert offload.enabled is False
        room = make_room(client, members=1)
        long = "\n\n".join(f"Paragraph {n} of a long section." for n in range(3_000))
        _rid, sid = report_with_section(client, room, text=long)
        changed = long.replace("Paragraph 1500 ", "Paragraph fifteen hundred ")
        amendment = propose(client, room.members[0], sid, changed)
        assert amendment["proposed_text"] == changed
        write_version(client, room, sid, 1, changed)
        diff = client.get(f"/v1/sections/{sid}/diff?from=1&to=2", headers=room.chair.headers)
        assert "fifteen hundred" in diff.text and diff.status_code == 200


def test_with_kept_views_off_the_first_read_after_a_write_is_routed(
    switched: Callable[..., object],
) -> None:
    """The front's routes (SQLite, tests/reports/test_kept_views.py): off, a member's read
    after a write that changed nobody's access is routed (its token read), with the answer
    another member built."""
    with switched(kept_views=False) as client:  # type: ignore[attr-defined]
        application = client.app
        if application.state.kept_answers is None or application.state.kept_answers.checked:
            pytest.skip("SQLite only: the front")
        room, rid, sid = public_room(client)
        path = paths_of(rid)[0]
        ok(client.get(path, headers=room.members[2].headers))
        another_write(client, room.members[0], sid)
        built = client.get(path, headers=room.members[1].headers)
        seen, stop = statements_of(application)
        try:
            again = client.get(path, headers=room.members[2].headers)
        finally:
            stop()
        assert again.content == built.content
        assert any("token" in statement for statement in seen)
