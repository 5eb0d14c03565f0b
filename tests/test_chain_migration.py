"""The 2026-11-28 migration rechains existing events under the commitment rule: the record
verifies afterwards, members can match every old hash, certificates follow, and a chain that
was already broken stays broken at the same event."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.config import Settings
from app.events.chain import verify_events
from app.events.schemas import EventRead
from app.main import create_app
from app.migrate import downgrade, upgrade
from tests.amendments.helpers import (
    TEXT,
    act,
    adopt_report,
    open_meeting,
    propose,
    report_with_section,
)
from tests.conftest import ADMIN_TOKEN
from tests.factories import Room, make_room, matched, ok

BEFORE = "0fd25804c0b4"  # the last revision of the first chain rule


def _settings(path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{path}",
        admin_token=ADMIN_TOKEN,
        write_rate_per_second=100_000,
        write_burst=100_000,
    )


@contextmanager
def _client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client
    finally:
        app.state.database.dispose()


def _transmitted_report(client: TestClient) -> tuple[Room, int]:
    room = make_room(client, members=2)
    rid, sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    first = propose(client, room.members[0], sid, TEXT + " First.")
    act(client, room.chair, first["id"], "floor")
    act(client, room.chair, first["id"], "adopt")
    adopt_report(client, room, rid)
    change = propose(client, room.members[1], sid, TEXT + " First. Second.", base=2)
    act(client, room.members[0], change["id"], "object", reason="No.")
    ok(
        client.post(
            f"/v1/reports/{rid}/transmit",
            headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
        )
    )
    return room, rid


def _v1_digest(prev: str, row: Any) -> str:
    """The first rule, as it was: the hash covered the actor id. (Raw rows: SQLite hands back
    text, PostgreSQL values.)"""
    payload = json.loads(row.payload) if isinstance(row.payload, str) else row.payload
    at = row.created_at
    at = datetime.fromisoformat(at) if isinstance(at, str) else at
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    body = {
        "report_id": row.report_id,
        "seq": row.seq,
        "type": row.type,
        "actor_id": row.actor_id,
        "payload": payload,
        "created_at": at.isoformat(),
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev + canonical).encode()).hexdigest()


def _old_rule_rows(settings: Settings, rid: int) -> list[Any]:
    engine = create_engine(settings.database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT * FROM event WHERE report_id = :r ORDER BY seq"), {"r": rid}
        ).all()
    engine.dispose()
    return list(rows)


def _events(client: TestClient, rid: int, headers: dict[str, str]) -> list[EventRead]:
    page = ok(client.get(f"/v1/reports/{rid}/events?limit=1000", headers=headers))
    return [EventRead.model_validate(e) for e in page["items"]]


def test_existing_chains_are_rechained_and_still_verify(tmp_path: Path) -> None:
    settings = _settings(tmp_path / "rechain.db")
    upgrade(settings)
    with _client(settings) as client:
        room, rid = _transmitted_report(client)

    downgrade(settings, BEFORE)  # the database as the first rule left it
    rows = _old_rule_rows(settings, rid)
    assert len(rows) > 10 and not hasattr(rows[0], "actor_salt")
    prev = "0" * 64
    for row in rows:
        assert _v1_digest(prev, row) == row.hash
        prev = row.hash
    old_hashes = {row.id: row.hash for row in rows}

    upgrade(settings)
    with _client(settings) as client:
        member = _events(client, rid, room.members[0].headers)
        public = _events(client, rid, room.observers[0].headers)
        check = ok(client.get(f"/v1/reports/{rid}/events/verify", headers=room.chair.headers))
        certificate = ok(client.get(f"/v1/reports/{rid}/certificate", headers=room.chair.headers))
    assert check["ok"] is True, check
    recomputed = verify_events(public)
    assert recomputed.ok and recomputed.count == len(rows)
    # every hash changed; members can match each event to its old hash, the public cannot
    assert {e.id: e.legacy_hash for e in member} == old_hashes
    assert all(e.hash != old_hashes[e.id] for e in member)
    assert all(e.legacy_hash is None and e.actor_salt is None for e in public)
    head = certificate["certificate"]["event_chain"]
    assert head["head_hash"] == next(e.hash for e in member if e.seq == head["seq"])

    # and back: the first rule's hashes return, certificate included
    downgrade(settings, BEFORE)
    assert [row.hash for row in _old_rule_rows(settings, rid)] == list(old_hashes.values())


def test_a_chain_broken_before_the_migration_stays_broken_at_the_same_event(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path / "broken.db")
    upgrade(settings)
    with _client(settings) as client:
        room, rid = _transmitted_report(client)
    downgrade(settings, BEFORE)
    engine = create_engine(settings.database_url)
    with engine.begin() as connection:
        victim = connection.execute(
            text("SELECT id FROM event WHERE report_id = :r AND seq = 4"), {"r": rid}
        ).scalar_one()
        connection.execute(
            text("UPDATE event SET payload = :p WHERE id = :i"),
            {"p": json.dumps({"section_id": 999}), "i": victim},
        )
    engine.dispose()
    upgrade(settings)
    with _client(settings) as client:
        check = ok(client.get(f"/v1/reports/{rid}/events/verify", headers=room.chair.headers))
        public = _events(client, rid, room.observers[0].headers)
    assert check["ok"] is False and check["first_bad_event_id"] == victim, check
    recomputed = verify_events(public)
    assert not recomputed.ok and recomputed.first_bad_seq == 4
