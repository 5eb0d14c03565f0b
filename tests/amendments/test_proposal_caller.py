"""A proposal's caller is checked twice: by its prepare step, before the request waits for
the write lock (no diff for a caller the endpoint would refuse), and in the request's own
transaction, where the write is decided (`preparing.Caller`, resolved by the endpoint
itself). What the prepare step found is never taken as the caller of the write."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from app.amendments import prepare
from app.auth import hash_token
from app.clock import utcnow
from app.db import Database
from app.groups.models import Participant, Token
from tests.amendments.helpers import TEXT, report_with_section
from tests.factories import Person, make_room, ok


def _after_the_prepare_step(
    monkeypatch: pytest.MonkeyPatch, client: TestClient, change: Any
) -> list[bool]:
    """Make `change(session)` in a transaction of its own once the prepare step has checked
    the caller and analysed the wording: before the request's transaction begins."""
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    made: list[bool] = []
    analyse = prepare._wording

    def then_change(*args: Any, **kwargs: Any) -> Any:
        found = analyse(*args, **kwargs)
        with database.session() as session:
            change(session)
        made.append(True)
        return found

    monkeypatch.setattr(prepare, "_wording", then_change)
    return made


def _proposals(client: TestClient, rid: int, chair: Person) -> list[Any]:
    listed = ok(client.get(f"/v1/reports/{rid}/amendments", headers=chair.headers))
    return list(listed["items"])


def test_a_token_revoked_after_the_prepare_step_writes_nothing(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = make_room(client, members=1)
    rid, sid = report_with_section(client, room)
    member = room.members[0]
    made = _after_the_prepare_step(
        monkeypatch,
        client,
        lambda session: session.execute(
            update(Token)
            .where(Token.token_hash == hash_token(member.token))
            .values(revoked_at=utcnow())
        ),
    )
    answer = client.post(
        f"/v1/sections/{sid}/amendments",
        json={"base_version": 1, "text": TEXT + " Revoked.", "kind": "substantive"},
        headers={**member.headers, "Idempotency-Key": "revoked-1"},
    )
    assert made == [True]  # the prepare step admitted it and did its work
    assert answer.status_code == 401, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert _proposals(client, rid, room.chair) == []


def test_a_participant_deactivated_after_the_prepare_step_writes_nothing(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = make_room(client, members=1)
    rid, sid = report_with_section(client, room)
    member = room.members[0]
    made = _after_the_prepare_step(
        monkeypatch,
        client,
        lambda session: session.execute(
            update(Participant).where(Participant.id == member.id).values(active=False)
        ),
    )
    answer = client.post(
        f"/v1/sections/{sid}/amendments",
        json={"base_version": 1, "text": TEXT + " Deactivated.", "kind": "substantive"},
        headers=member.headers,
    )
    assert made == [True]
    assert answer.status_code == 401, answer.text
    assert answer.json()["type"].endswith("participant-inactive"), answer.json()
    assert _proposals(client, rid, room.chair) == []


# Without an Idempotency-Key nothing resolves the caller before the endpoint, which reads the
# token with the report's lock, in one statement (`reports.lock_staged_section_with`): the
# same refusals as a token read first, in the same order, and nothing written.


def _refused(client: TestClient, sid: int, headers: dict[str, str], status: int) -> Any:
    answer = client.post(
        f"/v1/sections/{sid}/amendments",
        json={"base_version": 1, "text": TEXT + " Refused.", "kind": "substantive"},
        headers=headers,
    )
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    return answer.json()


def _known_base(client: TestClient) -> tuple[Any, int, int, Person]:
    """A room whose section's base is known to the process (a first proposal read it)."""
    room = make_room(client, members=1)
    rid, sid = report_with_section(client, room)
    member = room.members[0]
    ok(
        client.post(
            f"/v1/sections/{sid}/amendments",
            json={"base_version": 1, "text": TEXT + " First.", "kind": "substantive"},
            headers=member.headers,
        ),
        201,
    )
    return room, rid, sid, member


def test_an_unknown_or_revoked_token_read_with_the_lock_is_refused_and_writes_nothing(
    client: TestClient,
) -> None:
    room, rid, sid, member = _known_base(client)
    before = _proposals(client, rid, room.chair)
    unknown = _refused(client, sid, {"Authorization": "Bearer plen_nobody"}, 401)
    assert unknown["type"] == "urn:plenary:problem:unauthorized"
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.session() as session:
        session.execute(
            update(Token)
            .where(Token.token_hash == hash_token(member.token))
            .values(revoked_at=utcnow())
        )
    assert _refused(client, sid, member.headers, 401)["type"] == unknown["type"]
    assert _proposals(client, rid, room.chair) == before


def test_a_deactivated_participant_read_with_the_lock_is_refused_and_writes_nothing(
    client: TestClient,
) -> None:
    room, rid, sid, member = _known_base(client)
    before = _proposals(client, rid, room.chair)
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.session() as session:
        session.execute(update(Participant).where(Participant.id == member.id).values(active=False))
    assert _refused(client, sid, member.headers, 401)["type"].endswith("participant-inactive")
    assert _proposals(client, rid, room.chair) == before


def test_a_missing_section_is_a_404_only_to_a_known_caller(client: TestClient) -> None:
    _room, _rid, sid, member = _known_base(client)
    missing = sid + 1000
    assert _refused(client, missing, {"Authorization": "Bearer plen_nobody"}, 401)
    assert _refused(client, missing, member.headers, 404)["type"].endswith("not-found")
