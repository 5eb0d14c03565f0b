"""Each bench ceiling does the work of the request it divides (never timed).

`python -m bench` prints plenary's figure over a ceiling's, measured in the same run; a
ceiling that did less (other bytes, fewer rows, another database) would flatter nobody but
make the ratio a lie. Each test runs the request through plenary and its ceiling
(`bench/ceilings.py`) once, on the same database, and compares what both answered and read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app.config import Settings
from app.main import create_app
from app.reports.checked_reads import CheckedReadCache
from app.signatures import answer_message, public_key_text, sign, wording_sha256
from bench import ceilings
from bench import room as room_client
from bench.statements import Counted, StatementCounter
from tests.amendments.helpers import (
    TEXT,
    act,
    adopt_report,
    open_meeting,
    propose,
    report_with_section,
)
from tests.factories import KEYS, Room, make_room, ok, signed, write_version
from tests.meetings.helpers import page_event_rule

_TABLE = re.compile(r"\b(?:FROM|JOIN)\s+\"?(\w+)\"?", re.IGNORECASE)


def _tables(counted: Counted) -> set[str]:
    return {name for statement in counted.statements for name in _TABLE.findall(statement)}


def _engine(client: TestClient) -> Engine:
    return client.app.state.database.engine  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
def quiet_client(app: FastAPI, settings: Settings) -> Iterator[TestClient]:
    """An app whose background loops stay asleep while statements are counted."""
    quiet = settings.model_copy(
        update={"deadline_sweep_seconds": 3600.0, "webhook_poll_seconds": 3600.0}
    )
    application = create_app(quiet)
    with TestClient(application, raise_server_exceptions=False) as client:
        yield client
    application.state.database.dispose()


def _counted(client: TestClient, call: object) -> tuple[object, Counted]:
    counter = StatementCounter(_engine(client))
    cache = client.app.state.read_cache  # type: ignore[attr-defined]
    loop = cache.statements if isinstance(cache, CheckedReadCache) else None
    with counter.counting(loop_statements=loop) as counted:
        response = call()  # type: ignore[operator]
    return response, counted


def _room_and_section(client: TestClient) -> tuple[Room, int]:
    room = make_room(client)
    _rid, sid = report_with_section(client, room)
    return room, sid


def test_the_kept_answer_ceiling_answers_the_same_bytes_checked_the_same_way(
    quiet_client: TestClient, database_url: str
) -> None:
    client = quiet_client
    room, sid = _room_and_section(client)
    reader = room.members[0]
    first = client.get(f"/v1/sections/{sid}", headers=reader.headers)  # fills plenary's cache
    ours, plenary_counted = _counted(
        client, lambda: client.get(f"/v1/sections/{sid}", headers=reader.headers)
    )
    assert ours.content == first.content  # type: ignore[attr-defined]
    tag = first.headers["etag"]
    ceiling_app, cache = ceilings.fast_path(
        _engine(client),
        database_url,
        section_id=sid,
        authorization=f"Bearer {reader.token}",
        body=first.content,
        etag_value=tag,
    )
    counter = StatementCounter(_engine(client))
    loop = cache.statements if isinstance(cache, CheckedReadCache) else None
    with TestClient(ceiling_app) as bare:
        with counter.counting(loop_statements=loop) as bare_counted:
            theirs = bare.get(f"/v1/sections/{sid}", headers=reader.headers)
        assert theirs.status_code == 200
        assert theirs.content == first.content
        assert theirs.headers["etag"] == tag
        # the same statements as plenary's kept answer (none on SQLite, the check on PG)
        assert len(bare_counted) == len(plenary_counted), bare_counted.describe()
        assert bare_counted.round_trips == plenary_counted.round_trips
        # checked as plenary checks: If-None-Match, and a token it does not know goes on
        # to the app behind it
        assert (
            bare.get(
                f"/v1/sections/{sid}", headers={**reader.headers, "If-None-Match": tag}
            ).status_code
            == 304
        )
        assert (
            bare.get(f"/v1/sections/{sid}", headers={"Authorization": "Bearer nope"}).status_code
            == 404
        )
        if isinstance(cache, CheckedReadCache):
            bare.portal.call(cache.statements.close)  # type: ignore[union-attr]


def test_the_missed_read_ceiling_reads_the_same_rows_for_the_same_bytes(
    quiet_client: TestClient,
) -> None:
    client = quiet_client
    room, sid = _room_and_section(client)
    for reader in (room.members[0], room.observers[0]):
        # the section changed since its last read: plenary's kept answer is no longer valid
        head = ok(client.get(f"/v1/sections/{sid}", headers=room.chair.headers))
        write_version(client, room, sid, head["head_version"], head["head"]["text"] + " More.")
        ours, plenary_counted = _counted(
            client, lambda r=reader: client.get(f"/v1/sections/{sid}", headers=r.headers)
        )
        answer = ok(ours)
        status, body, tag = ceilings.read_section(
            _engine(client), sid, f"Bearer {reader.token}", answer["first_paragraph"]
        )
        assert status == 200
        assert body == ours.content  # type: ignore[attr-defined]
        assert tag == ours.headers["etag"]  # type: ignore[attr-defined]
        counter = StatementCounter(_engine(client))
        with counter.counting() as bare_counted:
            ceilings.read_section(_engine(client), sid, f"Bearer {reader.token}", 1)
        # every row the ceiling reads, plenary reads too: the token, the person, the section,
        # its head version and its report
        essential = {"token", "participant", "section", "section_version", "report"}
        assert _tables(bare_counted) == essential, bare_counted.describe()
        assert essential <= _tables(plenary_counted), plenary_counted.describe()
    assert ceilings.read_section(_engine(client), sid, "Bearer unknown", 1)[0] == 401


def test_the_consent_ceiling_does_the_last_consents_own_work(quiet_client: TestClient) -> None:
    client = quiet_client
    room, sid = _room_and_section(client)
    rid = ok(client.get(f"/v1/sections/{sid}", headers=room.chair.headers))["report_id"]
    adopt_report(client, room, rid)
    amendment = propose(client, room.members[0], sid, TEXT + " More words.")
    path = f"/v1/amendments/{amendment['id']}/consent"
    voters = room.voters
    bodies = [signed(client, voter, amendment["id"], "consent") for voter in voters]
    for voter, body in zip(voters[:-1], bodies, strict=False):
        ok(client.post(path, json=body, headers=voter.headers))
    last, plenary_counted = _counted(
        client, lambda: client.post(path, json=bodies[-1], headers=voters[-1].headers)
    )
    assert ok(last)["status"] == "adopted"
    applied = ok(client.get(f"/v1/sections/{sid}", headers=room.chair.headers))["head"]["text"]
    assert applied == amendment["proposed_text"]

    # The ceiling's round holds what plenary's did: the voter's own key, the wording, the text.
    engine = _engine(client)
    key = KEYS[voters[-1].token]
    ceilings.metadata.drop_all(engine)  # the ceiling's own tables, fresh for this test
    round_id = ceilings.prepare_round(
        engine,
        report_id=rid,
        round=amendment["round"] or "",
        public_key=public_key_text(key),
        text=applied,
    )
    message = answer_message(
        report_id=rid,
        amendment_id=round_id,
        round=amendment["round"] or "",
        wording_sha256=wording_sha256(applied),
        answer="consent",
        reason="",
    )
    counter = StatementCounter(engine)
    with counter.counting() as bare_counted:
        assert ceilings.consent(engine, round_id, sign(key, message)) is not None
    reads = [s for s in bare_counted.statements if s.lstrip().upper().startswith("SELECT")]
    inserts = [s for s in bare_counted.statements if s.lstrip().upper().startswith("INSERT")]
    assert len(reads) == 1 and len(inserts) == 2, bare_counted.describe()
    # plenary does at least as much: it also reads, inserts the answer and applies the text
    plenary_inserts = [s for s in plenary_counted.statements if "INSERT INTO" in s.upper()]
    assert any("section_version" in s for s in plenary_inserts), plenary_counted.describe()
    assert len(bare_counted) <= len(plenary_counted)
    with engine.connect() as connection:
        kept = connection.execute(
            select(ceilings.ceiling_version.c.text).where(
                ceilings.ceiling_version.c.round_id == round_id
            )
        ).scalar_one()
    assert kept == applied  # the same text applied
    # the signature is checked: a forged one writes nothing
    assert ceilings.consent(engine, round_id, sign(key, b"something else")) is None
    ceilings.metadata.drop_all(engine)  # nothing of the bench's left in the test database


def test_the_room_ceiling_reads_the_rows_of_each_answer_plenary_gives(
    quiet_client: TestClient,
) -> None:
    """The live room's bare reads (bench/bare.py `/bare/room/...`, `ceilings.room_read`) read,
    in one statement each, the rows plenary's answer of the same name shows, on the same
    database; the bench captures plenary's bytes for them (bench/audience.py `capture_room`)."""
    client = quiet_client
    room, sid = _room_and_section(client)
    reader = room.members[1].headers
    rid = ok(client.get(f"/v1/sections/{sid}", headers=reader))["report_id"]
    open_meeting(client, room, rid)
    amendment = propose(client, room.members[0], sid, TEXT + " Adopted0001x.")
    whole_before = ok(client.get(f"/v1/reports/{rid}/floor", headers=reader))
    act(client, room.chair, amendment["id"], "floor")
    act(client, room.chair, amendment["id"], "adopt")
    through = whole_before["texts_through"]
    engine = _engine(client)

    report = ok(client.get(f"/v1/reports/{rid}", headers=reader))
    rows = ceilings.room_read(engine, "report", rid)
    assert {(r.id, r.head_version) for r in rows} == {
        (e["id"], e["head_version"]) for e in report["outline"]
    }
    whole = ok(client.get(f"/v1/reports/{rid}/floor", headers=reader))
    rows = ceilings.room_read(engine, "floor", rid)
    assert {r.id: r.text for r in rows} == {s["id"]: s["text"] for s in whole["sections"]}
    delta = ok(client.get(f"/v1/reports/{rid}/floor?texts_after={through}", headers=reader))
    rows = ceilings.room_read(engine, "floor_delta", rid, through)
    assert {r.id: r.text for r in rows} == {s["id"]: s["text"] for s in delta["sections"]}
    assert max(r.version_id for r in rows) == delta["texts_through"]
    assert "Adopted0001x" in next(r.text for r in rows if r.id == sid)
    listed = ok(client.get(f"/v1/reports/{rid}/amendments?after=0&limit=500", headers=reader))
    rows = ceilings.room_read(engine, "amendments", rid)
    assert [r.id for r in rows] == [a["id"] for a in listed["items"]]
    consultations = ok(
        client.get(f"/v1/reports/{rid}/consultations?after=0&limit=500", headers=reader)
    )
    rows = ceilings.room_read(engine, "consultations", rid)
    assert [r.id for r in rows] == [c["id"] for c in consultations["items"]]


def test_the_room_client_follows_the_pages_rule() -> None:
    """bench/room.py reads after an event what main.js reads: the same quiet kinds."""
    room_only, report_quiet = page_event_rule()
    assert list(room_client.ROOM_ONLY) == room_only
    assert list(room_client.REPORT_QUIET) == report_quiet
    assert room_client.LIST_QUIET == room_client.ROOM_ONLY
    assert room_client.report_quiet("amendment.proposed")
    assert not room_client.report_quiet("amendment.adopted")
