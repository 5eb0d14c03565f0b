from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import ANSWERS, Person, Room, matched, ok, signed

TEXT = (
    "The group recognised the roles of governments in Internet governance.\n\n"
    "It met in Geneva on 23-25 November 2004.\n\n"
    "The forum should be open to all stakeholders."
)


def report_with_section(
    client: TestClient, room: Room, text: str = TEXT, **fields: Any
) -> tuple[int, int]:
    body = {"title": "Final Report", **fields}
    rid = ok(
        client.post(
            f"/v1/groups/{room.group_id}/reports", json=body, headers=room.secretariat.headers
        ),
        201,
    )["id"]
    sid = ok(
        client.post(
            f"/v1/reports/{rid}/sections",
            json={"kind": "chapter", "label": "I", "heading": "Introduction", "text": text},
            headers=room.secretariat.headers,
        ),
        201,
    )["id"]
    return rid, sid


def propose(
    client: TestClient,
    who: Person,
    sid: int,
    text: str,
    *,
    base: int = 1,
    kind: str = "substantive",
    expect: int = 201,
    **fields: Any,
) -> dict[str, Any]:
    response = client.post(
        f"/v1/sections/{sid}/amendments",
        json={"base_version": base, "text": text, "kind": kind, "rationale": "because", **fields},
        headers=who.headers,
    )
    assert response.status_code == expect, response.text
    return response.json()  # type: ignore[no-any-return]


def act(
    client: TestClient, who: Person, amendment_id: int, action: str, expect: int = 200, **body: Any
) -> dict[str, Any]:
    headers = who.headers
    if action in ANSWERS:  # a voter's own answer: signed with its key, no precondition
        body = signed(client, who, amendment_id, action, **body)
    else:  # the others change the amendment: If-Match
        headers = matched(client, f"/v1/amendments/{amendment_id}", who.headers)
    response = client.post(f"/v1/amendments/{amendment_id}/{action}", json=body, headers=headers)
    assert response.status_code == expect, (action, response.text)
    return response.json()  # type: ignore[no-any-return]


def accept_everywhere(client: TestClient, room: Room, amendment_id: int) -> dict[str, Any]:
    """Every voter accepts an editorial change in its notice: it applies at once."""
    result: dict[str, Any] = {}
    for voter in room.voters:
        result = act(client, voter, amendment_id, "consent")
    return result


def open_meeting(client: TestClient, room: Room, rid: int) -> int:
    return int(
        ok(client.post(f"/v1/reports/{rid}/meetings", headers=room.chair.headers), 201)["id"]
    )


def in_session(client: TestClient, room: Room, rid: int) -> None:
    """A meeting open on the report, with its default plenary session in progress (the group
    adopts the report only in a session that decides)."""
    opened = client.post(f"/v1/reports/{rid}/meetings", headers=room.chair.headers)
    assert opened.status_code in (201, 409), opened.text  # 409: a meeting is open already


def adopt_report(client: TestClient, room: Room, rid: int, days: float = 7) -> dict[str, Any]:
    in_session(client, room, rid)
    return ok(
        client.post(
            f"/v1/reports/{rid}/adopt",
            json={"editorial_window_days": days},
            headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
        )
    )  # type: ignore[no-any-return]


def head_text(client: TestClient, room: Room, sid: int) -> str:
    return str(ok(client.get(f"/v1/sections/{sid}", headers=room.chair.headers))["head"]["text"])


def event_types(client: TestClient, room: Room, rid: int) -> list[str]:
    page = ok(client.get(f"/v1/reports/{rid}/events?limit=1000", headers=room.chair.headers))
    return [e["type"] for e in page["items"]]
