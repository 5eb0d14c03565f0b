from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

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
    return ok(  # type: ignore[no-any-return]
        client.post(f"/v1/reports/{rid}/threads", json=body, headers=who.headers), 201
    )


def write(
    client: TestClient, who: Person, thread_id: int, body: str, reply_to: int | None = None
) -> dict[str, Any]:
    return ok(  # type: ignore[no-any-return]
        client.post(
            f"/v1/threads/{thread_id}/messages",
            json={"body": body, "reply_to": reply_to},
            headers=who.headers,
        ),
        201,
    )
