from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from app.events.types import TypedEvent
from tests.factories import Person, Room, matched, ok


def make_public(client: TestClient, room: Room, rid: int) -> None:
    ok(
        client.post(
            f"/v1/reports/{rid}/visibility",
            json={"public": True},
            headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
        )
    )


def open_thread(client: TestClient, who: Person, rid: int, **body: Any) -> dict[str, Any]:
    response = client.post(f"/v1/reports/{rid}/threads", json=body, headers=who.headers)
    thread: dict[str, Any] = ok(response, 201)
    assert response.headers["location"] == f"/v1/threads/{thread['id']}"
    return thread


def write(
    client: TestClient, who: Person, thread_id: int, body: str, reply_to: int | None = None
) -> dict[str, Any]:
    response = client.post(
        f"/v1/threads/{thread_id}/messages",
        json={"body": body, "reply_to": reply_to},
        headers=who.headers,
    )
    message: dict[str, Any] = ok(response, 201)
    assert response.headers["location"] == f"/v1/threads/{thread_id}"
    return message


def typed_events(client: TestClient, room: Room, rid: int, prefix: tuple[str, ...]) -> list[str]:
    """The report's events of the given kinds, each checked against its typed payload (the
    published contract: no undeclared key, every declared one valid)."""
    page = ok(client.get(f"/v1/reports/{rid}/events?limit=1000", headers=room.chair.headers))
    adapter: TypeAdapter[Any] = TypeAdapter(TypedEvent)
    found = []
    for event in page["items"]:
        if not event["type"].startswith(prefix):
            continue
        typed = adapter.validate_python(event)
        fields = type(typed.payload).model_fields
        assert set(event["payload"]) <= {f.alias or n for n, f in fields.items()}, event
        found.append(event["type"])
    return found
