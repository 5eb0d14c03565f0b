"""Who captions a meeting, read back (issue 34): the chair names captioners
(`POST /v1/meetings/{id}/captioners`); `GET` the same address lists them, by name, to the
members of the group, and to anyone else (an observer, the public) only themselves if named,
so a captioner's page knows to offer the caption field and nobody is named to whoever may
not see names."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import ok
from tests.meetings.helpers import meeting_day, post


def captioners(client: TestClient, meeting: int, headers: dict[str, str] | None = None) -> list:
    return ok(client.get(f"/v1/meetings/{meeting}/captioners", headers=headers or {}))["items"]  # type: ignore[no-any-return]


def test_the_members_see_every_captioner_and_anyone_else_only_themselves(
    client: TestClient,
) -> None:
    day = meeting_day(client)
    room = day.room
    path = f"/v1/meetings/{day.meeting}/captioners"
    assert captioners(client, day.meeting, day.chair) == []
    post(client, path, room.chair, {"participant_id": day.captioner.id})
    post(client, path, room.chair, {"participant_id": room.members[0].id})
    named = [
        {"participant_id": day.captioner.id, "name": day.captioner.name},
        {"participant_id": room.members[0].id, "name": room.members[0].name},
    ]
    named.sort(key=lambda c: (c["name"], c["participant_id"]))
    for reader in (room.chair, room.secretariat, room.members[1]):
        assert captioners(client, day.meeting, reader.headers) == named
    # An observer named as captioner sees only itself; another observer and the public, nobody.
    assert captioners(client, day.meeting, day.captioner.headers) == [
        {"participant_id": day.captioner.id, "name": day.captioner.name}
    ]
    assert captioners(client, day.meeting, day.civil_society.headers) == []
    assert captioners(client, day.meeting) == []
    # Un-named: gone from the list, for everyone.
    post(client, path, room.chair, {"participant_id": day.captioner.id, "captioner": False})
    assert [c["participant_id"] for c in captioners(client, day.meeting, day.chair)] == [
        room.members[0].id
    ]
    assert captioners(client, day.meeting, day.captioner.headers) == []


def test_the_captioners_of_no_meeting_are_a_problem(client: TestClient) -> None:
    day = meeting_day(client)
    missing = client.get(f"/v1/meetings/{day.meeting + 1000}/captioners", headers=day.chair)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert missing.json()["type"].endswith(":not-found")
