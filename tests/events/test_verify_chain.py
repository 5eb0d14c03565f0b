"""`GET /v1/reports/{id}/events/verify` over a log read as it streams (app/events/service.py):
a broken chain, then a broken attribution, each named by its first event."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import update

from app.events.models import Event
from tests.amendments.helpers import report_with_section
from tests.factories import make_room, ok, write_version


def _log(client: TestClient) -> tuple[dict[str, str], int, list[dict]]:  # type: ignore[type-arg]
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    for version in range(1, 4):
        write_version(client, room, sid, version, f"Version {version + 1}.")
    events = ok(client.get(f"/v1/reports/{rid}/events?limit=1000", headers=room.chair.headers))
    return room.chair.headers, rid, events["items"]


def _tamper(client: TestClient, event_id: int, **values: object) -> None:
    engine = client.app.state.database.engine  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(update(Event).where(Event.id == event_id).values(**values))


def test_an_intact_log_verifies_whole(client: TestClient) -> None:
    headers, rid, events = _log(client)
    check = ok(client.get(f"/v1/reports/{rid}/events/verify", headers=headers))
    assert check["ok"] is True and check["events"] == len(events)
    assert check["head_hash"] == events[-1]["hash"]


def test_a_wrong_actor_is_named_and_a_broken_chain_comes_first(client: TestClient) -> None:
    headers, rid, events = _log(client)
    late, early = events[-2], events[1]
    _tamper(client, late["id"], actor_id=None)  # the commitment no longer opens
    check = ok(client.get(f"/v1/reports/{rid}/events/verify", headers=headers))
    assert check["ok"] is False and check["first_bad_event_id"] == late["id"], check
    assert "actor" in check["reason"]
    # the last event's content changed: the chain breaks after the wrong actor, and the
    # broken chain is what is reported (the public check comes first)
    _tamper(client, events[-1]["id"], payload={"changed": True})
    check = ok(client.get(f"/v1/reports/{rid}/events/verify", headers=headers))
    assert check["ok"] is False and check["first_bad_event_id"] == events[-1]["id"], check
    assert "hash" in check["reason"]
    _tamper(client, early["id"], prev_hash="f" * 64)
    check = ok(client.get(f"/v1/reports/{rid}/events/verify", headers=headers))
    assert check["first_bad_event_id"] == early["id"] and "prev_hash" in check["reason"], check
