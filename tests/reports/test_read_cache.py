"""Section reads served between writes (from memory on SQLite) are never stale or too open."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from tests.amendments.helpers import TEXT, report_with_section
from tests.factories import make_room, matched, ok, write_version


def test_a_write_is_seen_by_the_very_next_read(client: TestClient) -> None:
    room = make_room(client)
    _rid, sid = report_with_section(client, room)
    member = room.members[0].headers
    for n in range(2, 12):
        ok(client.get(f"/v1/sections/{sid}", headers=member))  # warm whatever is warmed
        write_version(client, room, sid, n - 1, f"{TEXT} ({n})")
        head = ok(client.get(f"/v1/sections/{sid}", headers=member))
        assert head["head_version"] == n and head["head"]["text"].endswith(f"({n})")


def test_views_and_access_follow_the_caller_not_the_first_reader(client: TestClient) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    path = f"/v1/sections/{sid}"
    for _ in range(2):  # the second round is answered from whatever the first one kept
        assert ok(client.get(path, headers=room.secretariat.headers))["head"]["author_id"]
        assert ok(client.get(path, headers=room.observers[0].headers))["head"]["author_id"] is None
        assert client.get(path).status_code == 401  # not public
    stranger = make_room(client).members[0]
    assert client.get(path, headers=stranger.headers).status_code == 404

    ok(
        client.post(
            f"/v1/reports/{rid}/visibility",
            json={"public": True},
            headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
        )
    )
    for _ in range(2):
        assert ok(client.get(path))["head"]["author_id"] is None
        assert ok(client.get(path, headers=stranger.headers))["head"]["author_id"] is None
        assert ok(client.get(path, headers=room.members[0].headers))["head"]["author_id"]
    ok(
        client.post(
            f"/v1/reports/{rid}/visibility",
            json={"public": False},
            headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
        )
    )
    assert client.get(path).status_code == 401
    assert client.get(path, headers=stranger.headers).status_code == 404


def test_a_revoked_token_is_refused_at_once(client: TestClient) -> None:
    room = make_room(client)
    _rid, sid = report_with_section(client, room)
    member = room.members[0]
    ok(client.get(f"/v1/sections/{sid}", headers=member.headers))
    ok(client.get(f"/v1/sections/{sid}", headers=member.headers))
    me = ok(client.get("/v1/me", headers=member.headers))
    ok(client.delete(f"/v1/tokens/{me['token_id']}", headers=member.headers))
    assert client.get(f"/v1/sections/{sid}", headers=member.headers).status_code == 401


def test_if_none_match_gets_304_until_the_text_changes(client: TestClient) -> None:
    room = make_room(client)
    _rid, sid = report_with_section(client, room)
    headers = room.members[0].headers
    tag = client.get(f"/v1/sections/{sid}", headers=headers).headers["etag"]
    for _ in range(2):
        again = client.get(f"/v1/sections/{sid}", headers={**headers, "If-None-Match": tag})
        assert again.status_code == 304 and again.headers["etag"] == tag
    write_version(client, room, sid, 1, TEXT + " More.")
    fresh = client.get(f"/v1/sections/{sid}", headers={**headers, "If-None-Match": tag})
    assert fresh.status_code == 200 and fresh.headers["etag"] != tag


def test_readers_racing_a_writer_never_see_an_acknowledged_write_undone(
    client: TestClient,
) -> None:
    room = make_room(client)
    _rid, sid = report_with_section(client, room)
    headers = room.members[0].headers
    acknowledged = 1
    stop = threading.Event()
    regressions: list[tuple[int, int]] = []

    def read() -> None:
        while not stop.is_set():
            floor = acknowledged  # every write acknowledged before this read began
            seen = client.get(f"/v1/sections/{sid}", headers=headers).json()["head_version"]
            if seen < floor:
                regressions.append((seen, floor))

    with ThreadPoolExecutor(max_workers=4) as pool:
        readers = [pool.submit(read) for _ in range(4)]
        for n in range(2, 30):
            write_version(client, room, sid, n - 1, f"{TEXT} [{n}]")
            acknowledged = n
        stop.set()
        for reader in readers:
            reader.result()
    assert regressions == []
