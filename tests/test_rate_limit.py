from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.client import PlenaryClient
from app.config import Settings
from app.main import create_app
from tests.conftest import ADMIN_TOKEN
from tests.factories import make_room
from tests.server import live_server


@pytest.fixture
def strict(settings: Settings, app: FastAPI) -> Iterator[TestClient]:
    tight = settings.model_copy(update={"write_rate_per_second": 0.5, "write_burst": 3})
    with TestClient(create_app(tight), raise_server_exceptions=False) as client:
        yield client


def test_writes_beyond_the_burst_get_429_with_retry_after(
    client: TestClient, strict: TestClient
) -> None:
    room = make_room(client, members=1, observers=0)  # built through the default limits
    member = room.members[0].headers
    codes = [
        strict.post(
            f"/v1/groups/{room.group_id}/reports", json={"title": "x"}, headers=room.chair.headers
        ).status_code
        for _ in range(5)
    ]
    assert codes[:3] == [201, 201, 201] and codes[3:] == [429, 429]
    refused = strict.post(
        f"/v1/groups/{room.group_id}/reports", json={"title": "x"}, headers=room.chair.headers
    )
    assert refused.headers["content-type"] == "application/problem+json"
    assert (
        refused.json()["type"] == "urn:plenary:problem:rate-limited"
        and int(refused.headers["retry-after"]) >= 1
    )
    # per token: another member still writes, and reads are never limited
    assert (
        strict.post(
            f"/v1/groups/{room.group_id}/reports", json={"title": "y"}, headers=member
        ).status_code
        == 403
    )
    assert all(
        strict.get("/v1/me", headers=room.chair.headers).status_code == 200 for _ in range(10)
    )


def test_the_client_waits_out_a_429_and_every_write_lands(database_url: str) -> None:
    with (
        live_server(
            database_url,
            extra_env={"PLENARY_WRITE_RATE_PER_SECOND": "4", "PLENARY_WRITE_BURST": "2"},
        ) as server,
        PlenaryClient(server.url, ADMIN_TOKEN) as admin,
    ):
        started = time.monotonic()
        groups = [admin.create_group(f"Rate {n}").id for n in range(6)]
        waited = time.monotonic() - started
    assert len(set(groups)) == 6  # each write landed once, none lost to the 429s
    assert waited >= 0.5  # the client really waited for Retry-After
