"""The chair or the secretariat reorders a session's agenda (issue 30)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import ok
from tests.meetings.helpers import meeting_day, post, problem, session


def _titles(client: TestClient, session_id: int, headers: dict[str, str]) -> list[str]:
    items = ok(client.get(f"/v1/sessions/{session_id}/agenda", headers=headers))["items"]
    assert [i["position"] for i in items] == list(range(1, len(items) + 1))
    return [i["title"] for i in items]


def test_an_item_moves_to_a_position_and_the_others_close_up(client: TestClient) -> None:
    day = meeting_day(client)
    sitting = session(client, day, "plenary")["id"]
    ids = [
        post(
            client,
            f"/v1/sessions/{sitting}/agenda",
            day.room.secretariat,
            {"kind": "text", "title": title},
            201,
        )["id"]
        for title in ("Opening", "Chapter I", "Chapter II", "Closing")
    ]
    post(client, f"/v1/sessions/{sitting}/agenda/current", day.room.chair, {"item_id": ids[1]})
    moved = post(
        client, f"/v1/sessions/{sitting}/agenda/{ids[3]}/move", day.room.chair, {"position": 1}
    )
    assert [i["title"] for i in moved["items"]] == ["Closing", "Opening", "Chapter I", "Chapter II"]
    # The secretariat moves too; down the list this time.
    post(
        client,
        f"/v1/sessions/{sitting}/agenda/{ids[3]}/move",
        day.room.secretariat,
        {"position": 3},
    )
    member = day.room.members[0].headers
    assert _titles(client, sitting, member) == ["Opening", "Chapter I", "Closing", "Chapter II"]
    # The current item is the same item wherever it now stands.
    current = ok(client.get(f"/v1/sessions/{sitting}", headers=member))["current_item"]
    assert current["id"] == ids[1] and current["position"] == 2
    events = ok(client.get(f"/v1/reports/{day.rid}/events?limit=1000", headers=day.chair))
    moves = [e for e in events["items"] if e["type"] == "agenda.item_moved"]
    assert [(m["payload"]["from_position"], m["payload"]["position"]) for m in moves] == [
        (4, 1),
        (1, 3),
    ]
    assert {m["payload"]["item_id"] for m in moves} == {ids[3]}


def test_who_may_move_an_item_and_where(client: TestClient) -> None:
    day = meeting_day(client)
    sitting = session(client, day, "plenary")["id"]
    first = post(
        client,
        f"/v1/sessions/{sitting}/agenda",
        day.room.chair,
        {"kind": "text", "title": "A"},
        201,
    )["id"]
    post(
        client,
        f"/v1/sessions/{sitting}/agenda",
        day.room.chair,
        {"kind": "text", "title": "B"},
        201,
    )
    path = f"/v1/sessions/{sitting}/agenda/{first}/move"
    assert problem(client, path, day.room.members[0], {"position": 2})[0] == 403
    status, kind = problem(client, path, day.room.chair, {"position": 3})
    assert status == 422 and kind.endswith("unprocessable")
    assert (
        problem(
            client, f"/v1/sessions/{sitting}/agenda/999999/move", day.room.chair, {"position": 1}
        )[0]
        == 404
    )
    assert _titles(client, sitting, day.chair) == ["A", "B"]  # nothing half-done
    post(client, f"/v1/sessions/{sitting}/end", day.room.chair)
    status, kind = problem(client, path, day.room.chair, {"position": 2})
    assert status == 409 and kind.endswith("invalid-state")
    assert _titles(client, sitting, day.chair) == ["A", "B"]
