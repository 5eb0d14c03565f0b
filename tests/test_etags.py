from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from tests.amendments.helpers import TEXT, open_meeting, propose, report_with_section
from tests.factories import make_room, ok


def test_missing_if_match_is_428_and_stale_is_412_with_current_state(client: TestClient) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    chair = room.chair.headers
    missing = client.patch(f"/v1/reports/{rid}", json={"title": "x"}, headers=chair)
    assert (
        missing.status_code == 428
        and missing.json()["type"] == "urn:plenary:problem:precondition-required"
    )
    read = client.get(f"/v1/reports/{rid}", headers=chair)
    tag = read.headers["etag"]
    assert tag.startswith('"r') and tag.endswith('"')
    renamed = client.patch(
        f"/v1/reports/{rid}", json={"title": "Renamed"}, headers={**chair, "If-Match": tag}
    )
    assert renamed.status_code == 200 and renamed.headers["etag"] != tag
    stale = client.patch(
        f"/v1/reports/{rid}", json={"title": "Lost update"}, headers={**chair, "If-Match": tag}
    )
    assert stale.status_code == 412
    problem = stale.json()
    assert problem["etag"] == renamed.headers["etag"] and problem["current"]["title"] == "Renamed"
    # sections and amendments too
    section_tag = client.get(f"/v1/sections/{sid}", headers=chair).headers["etag"]
    assert (
        client.patch(
            f"/v1/sections/{sid}", json={"heading": "A"}, headers={**chair, "If-Match": section_tag}
        ).status_code
        == 200
    )
    assert (
        client.patch(
            f"/v1/sections/{sid}", json={"heading": "B"}, headers={**chair, "If-Match": section_tag}
        ).status_code
        == 412
    )
    open_meeting(client, room, rid)
    a = propose(client, room.members[0], sid, TEXT + " More.")
    assert client.post(f"/v1/amendments/{a['id']}/floor", headers=chair).status_code == 428


def test_if_none_match_gives_304_until_something_changes(client: TestClient) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    member = room.members[0].headers
    for url in (f"/v1/reports/{rid}", f"/v1/sections/{sid}"):
        tag = client.get(url, headers=member).headers["etag"]
        cached = client.get(url, headers={**member, "If-None-Match": tag})
        assert cached.status_code == 304 and cached.headers["etag"] == tag and cached.content == b""
    a = propose(client, room.members[0], sid, TEXT + " x")
    tag = client.get(f"/v1/amendments/{a['id']}", headers=member).headers["etag"]
    assert (
        client.get(
            f"/v1/amendments/{a['id']}", headers={**member, "If-None-Match": tag}
        ).status_code
        == 304
    )
    report_tag = client.get(f"/v1/reports/{rid}", headers=member).headers["etag"]
    ok(
        client.post(
            f"/v1/sections/{sid}/versions",
            json={"base_version": 1, "text": "New."},
            headers=room.secretariat.headers,
        ),
        201,
    )
    assert (
        client.get(
            f"/v1/reports/{rid}", headers={**member, "If-None-Match": report_tag}
        ).status_code
        == 200
    )


def test_concurrent_writes_with_one_etag_one_wins(client: TestClient) -> None:
    room = make_room(client)
    rid, _sid = report_with_section(client, room)
    tag = client.get(f"/v1/reports/{rid}", headers=room.chair.headers).headers["etag"]

    def rename(n: int) -> int:
        return client.patch(
            f"/v1/reports/{rid}",
            json={"title": f"Title {n}"},
            headers={**room.chair.headers, "If-Match": tag},
        ).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = sorted(pool.map(rename, range(10)))
    assert codes == [200] + [412] * 9
