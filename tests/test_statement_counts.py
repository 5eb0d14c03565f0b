"""What the hot requests send to the database, counted (never timed).

Each budget is the count this commit reaches; a change that adds a statement or a round trip
to one of these requests fails here and has to say why. On PostgreSQL a round trip is the
cost that grows with the distance to the database; on SQLite the statement count is the
figure (`bench/statements.py` explains how both are counted).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.reports.checked_reads import CheckedReadCache
from bench.statements import Counted, StatementCounter
from tests.amendments.helpers import TEXT, adopt_report, propose, report_with_section
from tests.factories import Room, make_room, ok, signed, write_version

# (statements, round trips) at most, per engine.
BUDGETS = {
    "sqlite": {
        "read": (0, 0),  # answered from memory between writes
        # after a write: BEGIN, the token, the section, its report and its stages once each,
        # the outline (moved by the write; its revision comes with the report's row), the head
        "missed read": (7, 7),
        # the event chain's head comes with the report's lock (a trigger keeps it on the row),
        # and so does whether the group has a webhook (no read of them before the commit); a
        # round's voters come with their answers, and the voter's signing key with them
        "consent": (7, 7),
        # applying on the amendment's own base: the head moved from the base by one UPDATE
        # that returns the section (and whether it has a standing bracket: no read of them
        # when it has none), the version inserted, the amendment's row updated, with no read
        # of the section or the head; the answer's and the adoption's events in one INSERT
        "last consent": (11, 11),
        # the caller's token comes with the report's lock (one statement: app/preparing.py,
        # Caller.resolve_row); the base version comes with the section read under the lock
        # (and whether a round of the report is due: no statement of its own on PostgreSQL,
        # which has no deadline watch);
        # the section's stage is read once, with the lock (it decides who may read the part
        # and what the event says); the outline's revision is read under the lock (a
        # prepared analysis numbered from a moved outline is redone) and the token is read
        # once before the prepare step, with the group of the section (no diff for the
        # unentitled, another group's participant included); the outline's revision comes
        # with the report's lock when no deadline was settled under it, and whether the report
        # is staged with its section (no read of its stages when it is not); the token and
        # the section's group before the prepare step are one statement, with no BEGIN; the
        # report, the token and the section (with its base and whether a round is due) are
        # one read under the lock: SQLite's BEGIN IMMEDIATE takes it before any statement
        "propose, base unknown": (13, 13),
        "propose": (4, 4),
        # another member than the first reader (the same request again is answered before
        # routing): BEGIN, then the token and the report in one statement (with whether it
        # is staged: no read of the stages of a report that has none); the store's
        # generation names the committed state, and the deadline watch settles nothing
        # while nothing is due
        "kept floor": (2, 2),
        "kept list": (2, 2),
        "kept report": (2, 2),
    },
    "postgresql": {
        # one statement, no transaction, sent from the event loop: the token and the section
        "read": (1, 1),
        # the check from the event loop, then the read cache's state again in the snapshot the
        # answer is read in, and the same reads as on SQLite (BEGIN and COMMIT round trips)
        "missed read": (8, 10),
        # and the NOTIFY is sent by the trigger that inserts the event, not a statement; an
        # answer settles under its lock only (no read of every report's due rounds first),
        # and learns whether its report has any due with its amendment read; the last one
        # asks whether other open amendments move with the adoption with the UPDATE that
        # moves the head (SQLite reads them apart: see applying.py, _MOVE_FROM_BASE)
        "consent": (6, 8),
        "last consent": (9, 11),
        # the group of the section, read with the token before the prepare step (one
        # statement); no settling of every report before it (its own is settled under its lock);
        # whether the group has a webhook comes with the report's lock
        "propose, base unknown": (12, 16),
        "propose": (4, 6),
        # a kept answer is served only when the request's own snapshot names it: the token
        # and the report row with all the rest of the key in one statement (whether it is
        # staged, the route's own state: the roster's digest, the amendment rows' count and
        # latest change) and whether a round of it is due (no settling of every report
        # first, no thread hop of its own); BEGIN and COMMIT round trips
        "kept floor": (1, 3),
        "kept list": (1, 3),
        "kept report": (1, 3),
    },
}


@pytest.fixture
def quiet_client(app: FastAPI, settings: Settings) -> Iterator[TestClient]:
    """An app of its own whose background loops (deadline sweep, webhook worker, consultation
    closer) stay asleep while requests are counted; `app` is requested for its cleanup."""
    quiet = settings.model_copy(
        update={"deadline_sweep_seconds": 3600.0, "webhook_poll_seconds": 3600.0}
    )
    application = create_app(quiet)
    with TestClient(application, raise_server_exceptions=False) as client:
        yield client
    application.state.database.dispose()


def _engine_name(client: TestClient) -> str:
    return "sqlite" if client.app.state.database.is_sqlite else "postgresql"  # type: ignore[attr-defined]


def _within(client: TestClient, name: str, counted: Counted) -> None:
    statements, round_trips = BUDGETS[_engine_name(client)][name]
    assert len(counted) <= statements, counted.describe()
    assert counted.round_trips <= round_trips, counted.describe()


def _exactly(client: TestClient, name: str, counted: Counted) -> None:
    """For reads: on PostgreSQL fewer than one statement would mean an unchecked answer."""
    assert (len(counted), counted.round_trips) == BUDGETS[_engine_name(client)][name], (
        counted.describe()
    )


def _counted(client: TestClient, call: Any) -> tuple[Any, Counted]:
    state = client.app.state  # type: ignore[attr-defined]
    counter = StatementCounter(state.database.engine)
    cache = state.read_cache
    loop_statements = cache.statements if isinstance(cache, CheckedReadCache) else None
    with counter.counting(loop_statements=loop_statements) as counted:
        response = call()
    return response, counted


def _consent_round(client: TestClient, room: Room) -> tuple[int, int]:
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid)
    amendment = propose(client, room.members[0], sid, TEXT + " More words.")
    return sid, int(amendment["id"])


def test_a_section_read_is_one_statement_at_most(quiet_client: TestClient) -> None:
    client = quiet_client
    room = make_room(client)
    _rid, sid = report_with_section(client, room)
    for reader in (room.members[0], room.observers[0]):
        first = ok(client.get(f"/v1/sections/{sid}", headers=reader.headers))
        response, counted = _counted(
            client, lambda r=reader: client.get(f"/v1/sections/{sid}", headers=r.headers)
        )
        assert ok(response) == first
        _exactly(client, "read", counted)
        tag = response.headers["etag"]
        response, counted = _counted(
            client,
            lambda r=reader, t=tag: client.get(
                f"/v1/sections/{sid}", headers={**r.headers, "If-None-Match": t}
            ),
        )
        assert response.status_code == 304
        _exactly(client, "read", counted)


def test_a_read_after_a_write_keeps_its_budget(quiet_client: TestClient) -> None:
    """A section changed since its last read misses the cache (every member's first read
    after an edit in a live room): the report and its stages are read once, and the outline
    is keyed by the report row already read."""
    client = quiet_client
    room = make_room(client)
    _rid, sid = report_with_section(client, room)
    for n, reader in enumerate((room.members[0], room.observers[0])):
        head = ok(client.get(f"/v1/sections/{sid}", headers=room.chair.headers))
        write_version(client, room, sid, head["head_version"], f"{TEXT} Changed {n}.")
        response, counted = _counted(
            client, lambda r=reader: client.get(f"/v1/sections/{sid}", headers=r.headers)
        )
        assert ok(response)["head"]["text"] == f"{TEXT} Changed {n}."
        _exactly(client, "missed read", counted)


def test_a_consent_and_the_last_consent_keep_their_budgets(quiet_client: TestClient) -> None:
    client = quiet_client
    room = make_room(client)
    _sid, amendment = _consent_round(client, room)
    voters = room.voters
    bodies = [signed(client, voter, amendment, "consent") for voter in voters]
    path = f"/v1/amendments/{amendment}/consent"
    for voter, body in zip(voters[:-2], bodies, strict=False):
        ok(client.post(path, json=body, headers=voter.headers))
    response, counted = _counted(
        client, lambda: client.post(path, json=bodies[-2], headers=voters[-2].headers)
    )
    assert ok(response)["status"] == "consent_open"
    _within(client, "consent", counted)
    response, counted = _counted(
        client, lambda: client.post(path, json=bodies[-1], headers=voters[-1].headers)
    )
    assert ok(response)["status"] == "adopted"
    _within(client, "last consent", counted)


def test_a_proposal_keeps_its_budget(quiet_client: TestClient) -> None:
    client = quiet_client
    room = make_room(client)
    _rid, sid = report_with_section(client, room)
    # A proposer reads the section first (its base version), and that read keeps the
    # outline: placed outlines are kept from read transactions only (app/reports/outline.py).
    ok(client.get(f"/v1/sections/{sid}", headers=room.members[0].headers))

    def propose(ending: str) -> Counted:
        response, counted = _counted(
            client,
            lambda: client.post(
                f"/v1/sections/{sid}/amendments",
                json={"base_version": 1, "text": TEXT + ending, "kind": "substantive"},
                headers=room.members[0].headers,
            ),
        )
        ok(response, 201)
        return counted

    # The first proposal on a base reads it before its transaction, to diff with no lock
    # held; later ones find it known to the process (app/reports/known_versions.py).
    _within(client, "propose, base unknown", propose(" More."))
    _within(client, "propose", propose(" Even more."))


def test_the_rooms_kept_reads_keep_their_budgets(quiet_client: TestClient) -> None:
    """Every member's page reads the report, its floor and its amendment list after every
    event of a live room; a member after the first of its view finds the answer kept. On
    PostgreSQL the read still names the answer from its own snapshot (the report's state),
    and learns with that state whether a consent round of the report is due (then settles
    it and reads again): no settling of every report before it, no thread hop of its own."""
    client = quiet_client
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid)
    propose(client, room.members[0], sid, TEXT + " More words.")
    first, second = room.members[0], room.members[1]
    for name, path in (
        ("kept floor", f"/v1/reports/{rid}/floor"),
        ("kept list", f"/v1/reports/{rid}/amendments"),
        ("kept report", f"/v1/reports/{rid}"),
    ):
        built = ok(client.get(path, headers=first.headers))
        response, counted = _counted(client, lambda p=path: client.get(p, headers=second.headers))
        assert ok(response) == built
        _exactly(client, name, counted)
