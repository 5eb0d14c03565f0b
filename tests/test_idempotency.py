from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.auth import CurrentPrincipal
from app.client import PlenaryClient
from app.config import Settings
from app.db import SessionDep
from app.idempotency import IdempotentRoute
from app.main import create_app
from tests.amendments.helpers import TEXT, report_with_section
from tests.conftest import ADMIN_TOKEN
from tests.factories import bearer, make_room


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
    # Each one either ran, replayed the answer of the one that ran, or arrived while it ran.
    assert {code for code, _ in results} <= {201, 409}
    assert len({str(answer) for code, answer in results if code == 201}) == 1
    assert all(
        answer["type"] == "urn:plenary:problem:idempotency-key-in-use"
        for code, answer in results
        if code == 409
    )
    with app.state.database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM amendment")).scalar_one() == 1


class SlowRoom:
    """An app with one POST route that runs until the test lets it finish."""

    def __init__(self, settings: Settings) -> None:
        self.app = create_app(settings)
        self.started, self.release = threading.Event(), threading.Event()
        self.runs = 0
        router = APIRouter(route_class=IdempotentRoute)

        @router.post("/v1/slow", status_code=201)
        def slow(session: SessionDep, principal: CurrentPrincipal) -> dict[str, int]:
            self.runs += 1
            self.started.set()
            assert self.release.wait(10)
            return {"run": self.runs}

        self.app.include_router(router)


@pytest.fixture
def slow_room(settings: Settings) -> Iterator[SlowRoom]:
    room = SlowRoom(settings)
    yield room
    room.release.set()
    room.app.state.database.dispose()


def test_same_key_while_the_first_runs_is_409_then_replays(slow_room: SlowRoom) -> None:
    headers = {**bearer(ADMIN_TOKEN), "Idempotency-Key": "slow-1"}
    with TestClient(slow_room.app) as client, ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(client.post, "/v1/slow", json={}, headers=headers)
        assert slow_room.started.wait(10)
        again = client.post("/v1/slow", json={}, headers=headers)
        assert again.status_code == 409 and again.headers["retry-after"] == "1"
        assert again.headers["content-type"] == "application/problem+json"
        assert again.json()["type"] == "urn:plenary:problem:idempotency-key-in-use"
        slow_room.release.set()
        assert first.result(10).status_code == 201
        replay = client.post("/v1/slow", json={}, headers=headers)
    assert replay.status_code == 201 and replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == first.result().json() == {"run": 1}
    assert slow_room.runs == 1


def test_the_client_waits_for_its_own_first_attempt(slow_room: SlowRoom) -> None:
    headers = {**bearer(ADMIN_TOKEN), "Idempotency-Key": "slow-2"}
    with TestClient(slow_room.app) as client, ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(client.post, "/v1/slow", json={}, headers=headers)
        assert slow_room.started.wait(10)
        # A retry of that request (same key) while it still runs: the client waits it out.
        threading.Timer(0.5, slow_room.release.set).start()
        with PlenaryClient(
            "http://testserver",
            ADMIN_TOKEN,
            transport=client._transport,  # the app in this process
        ) as scripted:
            retried = scripted.request("POST", "/v1/slow", json={}, idempotency_key="slow-2")
        assert first.result(10).status_code == 201
    assert retried.status_code == 201 and retried.headers["idempotent-replayed"] == "true"
    assert retried.json() == {"run": 1} and slow_room.runs == 1


def test_a_duplicate_reaching_another_process_is_409_too(
    slow_room: SlowRoom, settings: Settings
) -> None:
    if settings.database_url.startswith("sqlite"):
        pytest.skip(
            "SQLite is served by one process; this checks PostgreSQL's advisory lock on the key "
            "(CI runs it on PostgreSQL)"
        )
    elsewhere = SlowRoom(settings)  # a second server on the same database, with its own memory
    elsewhere.release.set()
    headers = {**bearer(ADMIN_TOKEN), "Idempotency-Key": "slow-3"}
    try:
        with (
            TestClient(slow_room.app) as here,
            TestClient(elsewhere.app) as there,
            ThreadPoolExecutor(max_workers=1) as pool,
        ):
            first = pool.submit(here.post, "/v1/slow", json={}, headers=headers)
            assert slow_room.started.wait(10)
            duplicate = there.post("/v1/slow", json={}, headers=headers)
            slow_room.release.set()
            assert first.result(10).status_code == 201
            replay = there.post("/v1/slow", json={}, headers=headers)
    finally:
        elsewhere.app.state.database.dispose()
    assert duplicate.status_code == 409, duplicate.text
    assert duplicate.json()["type"] == "urn:plenary:problem:idempotency-key-in-use"
    assert replay.headers["idempotent-replayed"] == "true" and replay.json() == {"run": 1}
    assert elsewhere.runs == 0


def test_a_replay_never_shows_a_webhook_secret_or_a_stream_ticket_again(
    client: TestClient, app: FastAPI
) -> None:
    """Both are shown once: a retry with the same key gets 409 secret-not-replayed, makes
    nothing a second time, and the idempotency record keeps neither in clear."""
    room = make_room(client, members=1, observers=0)
    rid, _sid = report_with_section(client, room)
    key = {"Idempotency-Key": "shown-once"}
    calls = [
        (f"/v1/groups/{room.group_id}/webhooks", {"url": "http://127.0.0.1:9/hook"}, "secret"),
        (f"/v1/reports/{rid}/stream-tickets", None, "ticket"),
    ]
    shown = []
    for url, body, field in calls:
        headers = {**room.chair.headers, **key}
        first = client.post(url, json=body, headers=headers)
        assert first.status_code == 201, first.text
        shown.append(first.json()[field])
        retried = client.post(url, json=body, headers=headers)
        assert retried.status_code == 409, retried.text
        assert retried.json()["type"] == "urn:plenary:problem:secret-not-replayed"
        assert retried.headers["idempotent-replayed"] == "true"
        assert shown[-1] not in retried.text
    hooks = client.get(f"/v1/groups/{room.group_id}/webhooks", headers=room.chair.headers)
    assert len(hooks.json()["items"]) == 1  # no second effect
    with app.state.database.engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM idempotency_key")).all()
        tickets = connection.execute(text("SELECT count(*) FROM stream_ticket")).scalar()
    kept = "\n".join(str(row) for row in rows)
    assert tickets == 1 and kept.count("secret-not-replayed") == 2
    for secret in shown:
        assert secret not in kept
