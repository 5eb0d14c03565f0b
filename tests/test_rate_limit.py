from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.client import PlenaryClient
from app.config import Settings
from app.main import create_app
from tests.conftest import ADMIN_TOKEN
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


class Recording(httpx.BaseTransport):
    """The statuses the app answered, in order, whatever the client made of them."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.statuses: list[int] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        self.statuses.append(response.status_code)
        return response


def test_the_client_waits_out_a_429_and_every_write_lands(settings: Settings, app: FastAPI) -> None:
    tight = settings.model_copy(update={"write_rate_per_second": 4, "write_burst": 2})
    with TestClient(create_app(tight)) as strict:
        answers = Recording(strict._transport)
        with PlenaryClient("http://testserver", ADMIN_TOKEN, transport=answers) as admin:
            groups = [admin.create_group(f"Rate {n}").id for n in range(6)]
    assert len(set(groups)) == 6  # each write landed once, none lost to the 429s
    assert 429 in answers.statuses  # the limit was met, and the client retried past it
    assert answers.statuses.count(201) == 6
