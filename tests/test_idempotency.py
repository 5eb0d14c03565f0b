from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.amendments.helpers import TEXT, report_with_section
from tests.factories import make_room


def test_same_key_and_body_replays_the_first_answer(client: TestClient) -> None:
    room = make_room(client)
    _rid, sid = report_with_section(client, room)
    body = {"base_version": 1, "text": TEXT + " Once.", "kind": "substantive"}
    headers = {**room.members[0].headers, "Idempotency-Key": "amend-1"}
    first = client.post(f"/v1/sections/{sid}/amendments", json=body, headers=headers)
    second = client.post(f"/v1/sections/{sid}/amendments", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert (
        second.headers["idempotent-replayed"] == "true"
        and "idempotent-replayed" not in first.headers
    )
    other = client.post(
        f"/v1/sections/{sid}/amendments", json={**body, "text": TEXT + " Twice."}, headers=headers
    )
    assert other.status_code == 422 and other.json()["type"] == "urn:plenary:problem:unprocessable"
    # the key is scoped to the token: another member may use the same key
    mine = client.post(
        f"/v1/sections/{sid}/amendments",
        json=body,
        headers={**room.members[1].headers, "Idempotency-Key": "amend-1"},
    )
    assert mine.status_code == 201 and mine.json()["id"] != first.json()["id"]


def test_failed_requests_are_not_stored(client: TestClient) -> None:
    room = make_room(client)
    _rid, sid = report_with_section(client, room)
    headers = {**room.members[0].headers, "Idempotency-Key": "k"}
    empty = client.post(
        f"/v1/sections/{sid}/amendments",
        json={"base_version": 1, "text": TEXT, "kind": "editorial"},
        headers=headers,
    )
    assert empty.status_code == 422
    fixed = client.post(
        f"/v1/sections/{sid}/amendments",
        json={"base_version": 1, "text": TEXT + "!", "kind": "editorial"},
        headers=headers,
    )
    assert fixed.status_code == 201


def test_twenty_concurrent_identical_posts_have_one_effect(
    client: TestClient, app: FastAPI
) -> None:
    room = make_room(client)
    _rid, sid = report_with_section(client, room)
    body = {"base_version": 1, "text": TEXT + " Raced.", "kind": "substantive"}
    headers = {**room.members[0].headers, "Idempotency-Key": "race-key"}

    def post(_: int) -> tuple[int, dict[str, object]]:
        response = client.post(f"/v1/sections/{sid}/amendments", json=body, headers=headers)
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(post, range(20)))
    assert {code for code, _ in results} == {201}
    assert len({str(answer) for _, answer in results}) == 1
    with app.state.database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM amendment")).scalar_one() == 1
