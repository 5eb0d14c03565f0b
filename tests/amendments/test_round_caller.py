"""A round's answer resolves its caller itself, once, in the request's own transaction, as
the endpoint's first step (`idempotency.DeferredCaller`, as a proposal's): no dependency looks
the token up in a thread hop of its own. What that must keep: a token revoked or a
participant deactivated before that transaction reads it is refused (401) and nothing is
recorded; a bad token or a spent write rate is refused (401, 429) before an invalid body
(422), since FastAPI refuses the body before the endpoint runs."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

import anyio.to_thread
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from app import auth, preparing
from app.auth import hash_token
from app.clock import utcnow
from app.config import Settings
from app.db import Database
from app.groups.models import Participant, Token
from app.main import create_app
from tests.amendments.helpers import TEXT, adopt_report, propose, report_with_section
from tests.factories import Person, Room, make_room, ok, signed


def _open_round(client: TestClient, members: int = 2) -> tuple[Room, int]:
    room = make_room(client, members=members, observers=0)
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid)  # after adoption, a change goes to a consent round
    amendment = propose(client, room.members[0], sid, TEXT + " Added.")
    assert amendment["status"] == "consent_open", amendment
    return room, amendment["id"]


def _before_the_write_reads_the_caller(
    monkeypatch: pytest.MonkeyPatch, client: TestClient, change: Any
) -> list[bool]:
    """Make `change(session)` in a transaction of its own once every dependency of the
    request has run, just before its own transaction reads the token."""
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    made: list[bool] = []
    resolve = auth.resolve_token  # what app/preparing.py calls

    def change_then_resolve(session: Session, secret: str, settings: Settings) -> Any:
        if not made:
            with database.session() as other:
                change(other)
            made.append(True)
        return resolve(session, secret, settings)

    monkeypatch.setattr(preparing, "resolve_token", change_then_resolve)
    return made


def _tally(client: TestClient, room: Room, amendment_id: int) -> dict[str, Any]:
    read = ok(client.get(f"/v1/amendments/{amendment_id}", headers=room.chair.headers))
    return dict(read["tally"])


@pytest.mark.parametrize("key", [None, "revoked-consent-1"])
def test_a_token_revoked_before_the_consent_is_written_records_nothing(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, key: str | None
) -> None:
    room, aid = _open_round(client)
    voter = room.members[1]
    body = signed(client, voter, aid, "consent")
    before = _tally(client, room, aid)
    made = _before_the_write_reads_the_caller(
        monkeypatch,
        client,
        lambda session: session.execute(
            update(Token)
            .where(Token.token_hash == hash_token(voter.token))
            .values(revoked_at=utcnow())
        ),
    )
    headers = voter.headers if key is None else {**voter.headers, "Idempotency-Key": key}
    answer = client.post(f"/v1/amendments/{aid}/consent", json=body, headers=headers)
    assert made == [True]  # resolved by the endpoint (or the key's claim), not before
    assert answer.status_code == 401, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert _tally(client, room, aid) == before


def test_a_participant_deactivated_before_the_objection_is_written_records_nothing(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    room, aid = _open_round(client)
    voter = room.members[1]
    body = signed(client, voter, aid, "object", reason="Not this.")
    before = _tally(client, room, aid)
    made = _before_the_write_reads_the_caller(
        monkeypatch,
        client,
        lambda session: session.execute(
            update(Participant).where(Participant.id == voter.id).values(active=False)
        ),
    )
    answer = client.post(f"/v1/amendments/{aid}/object", json=body, headers=voter.headers)
    assert made == [True]
    assert answer.status_code == 401, answer.text
    assert answer.json()["type"].endswith("participant-inactive"), answer.json()
    assert _tally(client, room, aid) == before


@pytest.mark.parametrize("raw", [b'{"signature": 7}', b"{not json", b""])
def test_a_bad_token_is_refused_before_an_invalid_body(client: TestClient, raw: bytes) -> None:
    room, aid = _open_round(client)
    voter = room.members[1]
    headers = {"Authorization": "Bearer not-a-token", "Content-Type": "application/json"}
    answer = client.post(f"/v1/amendments/{aid}/consent", content=raw, headers=headers)
    assert answer.status_code == 401, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    # the same body from a known token is the 422, and records nothing
    refused = client.post(
        f"/v1/amendments/{aid}/consent",
        content=raw,
        headers={**voter.headers, "Content-Type": "application/json"},
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert _tally(client, room, aid)["consented"] == 0


def test_no_token_is_refused_before_an_invalid_path(client: TestClient) -> None:
    answer = client.post("/v1/amendments/0/consent", json={})
    assert answer.status_code == 401, answer.text


@pytest.fixture
def strict(settings: Settings, app: FastAPI) -> Iterator[TestClient]:
    tight = settings.model_copy(update={"write_rate_per_second": 0.01, "write_burst": 1})
    with TestClient(create_app(tight), raise_server_exceptions=False) as client:
        yield client


def test_a_spent_write_rate_is_refused_before_an_invalid_body(
    client: TestClient, strict: TestClient
) -> None:
    room, aid = _open_round(client)
    voter: Person = room.members[1]
    first = strict.post(f"/v1/amendments/{aid}/consent", json={}, headers=voter.headers)
    assert first.status_code == 422, first.text  # the burst's one write, taken before the 422
    second = strict.post(f"/v1/amendments/{aid}/consent", json={}, headers=voter.headers)
    assert second.status_code == 429, second.text
    assert second.json()["type"] == "urn:plenary:problem:rate-limited"
    valid = signed(client, voter, aid, "consent")
    third = strict.post(f"/v1/amendments/{aid}/consent", json=valid, headers=voter.headers)
    assert third.status_code == 429, third.text
    assert _tally(client, room, aid)["consented"] == 0


def _hopped(func: Any) -> str:
    """The name of what a trip to a worker thread runs (a sync endpoint: the endpoint's)."""
    inner = func.func if isinstance(func, partial) else func
    if isinstance(func, partial) and "function" in func.keywords:
        inner = func.keywords["function"]
    return str(getattr(inner, "__name__", repr(inner)))


def test_a_consent_takes_one_trip_to_a_worker_thread_its_endpoints(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each trip to a worker thread is a turn of the event loop and a thread's wake-up: a
    consent without an Idempotency-Key makes one, its endpoint's, which resolves the caller,
    writes and commits (app/preparing.py, `_answer`)."""
    room, aid = _open_round(client)
    voter = room.members[1]
    body = signed(client, voter, aid, "consent")
    hopped: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(func: Any, *args: Any, **kwargs: Any) -> Any:
        hopped.append(_hopped(func))
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    answer = ok(client.post(f"/v1/amendments/{aid}/consent", json=body, headers=voter.headers))
    monkeypatch.undo()
    assert answer["tally"]["consented"] == 1
    # the app's background work (webhooks, deadlines) may hop meanwhile: not the request's
    request_hops = [
        name
        for name in hopped
        if name in {"consent_amendment", "optional_principal", "resolve", "refused_caller_first"}
    ]
    assert request_hops == ["consent_amendment"], hopped
