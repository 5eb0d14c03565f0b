from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.factories import make_room


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
