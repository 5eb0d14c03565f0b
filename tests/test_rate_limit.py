from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message, Scope

from app.client import PlenaryClient
from app.config import Settings
from app.main import create_app
from tests.conftest import ADMIN_TOKEN
from tests.factories import make_room, ok


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


def post_streamed(
    client: TestClient, path: str, headers: dict[str, str], body: bytes
) -> tuple[int, int, dict[str, str], bytes]:
    """POST `body`, announced by Content-Length and handed to the app in 64 KB chunks only as
    fast as it asks for them: (status, chunks the app asked for, headers, answer)."""
    size = 65536
    asked = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal asked
        asked += 1
        chunk = body[(asked - 1) * size : asked * size]
        return {"type": "http.request", "body": chunk, "more_body": asked * size < len(body)}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            *((k.lower().encode(), v.encode()) for k, v in headers.items()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    assert client.portal is not None
    client.portal.call(client.app, scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    answer = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    names = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], asked, names, answer


def empty_report(client: TestClient) -> tuple[dict[str, str], str]:
    """A new group's secretariat and the path that adds sections to its new, empty report."""
    room = make_room(client, members=1, observers=0)
    secretariat = room.secretariat.headers
    created = client.post(
        f"/v1/groups/{room.group_id}/reports", json={"title": "x"}, headers=secretariat
    )
    return secretariat, f"/v1/reports/{ok(created, 201)['id']}/sections"


def test_a_token_over_its_write_rate_gets_429_before_its_body_is_read(
    client: TestClient, settings: Settings
) -> None:
    """The 429 of a spent write rate comes before the body: a 1 MB write over the rate is
    answered without the app asking for a byte of it (so it is never buffered, parsed or
    diffed), with the same problem and Retry-After as any 429 of the rate."""
    tight = settings.model_copy(update={"write_rate_per_second": 0.01, "write_burst": 1})
    secretariat, path = empty_report(client)  # built through the default limits

    def section(n: int) -> bytes:
        text = f"Paragraph {n}. " + "word " * 199_000
        return json.dumps(
            {"kind": "chapter", "label": str(n), "heading": "H", "text": text}
        ).encode()

    with TestClient(create_app(tight), raise_server_exceptions=False) as strict:
        status, asked, _, answer = post_streamed(strict, path, secretariat, section(1))
        assert status == 201, answer  # within the rate: read whole, written
        assert asked * 65536 >= len(section(1))
        status, asked, headers, answer = post_streamed(strict, path, secretariat, section(2))
    assert status == 429, answer
    assert asked == 0  # not one chunk of the body was asked for
    assert headers["content-type"] == "application/problem+json"
    assert json.loads(answer)["type"] == "urn:plenary:problem:rate-limited"
    assert int(headers["retry-after"]) >= 1


def test_a_bad_token_gets_its_401_before_a_large_body_is_read(
    client: TestClient, settings: Settings
) -> None:
    """A bad token is refused before a large body is read, whether or not its address is
    limited: a 1 MB write with an unknown token costs one indexed lookup, not the reading of
    its megabyte; a valid token's large write is read and written as usual."""
    secretariat, path = empty_report(client)
    text = "Paragraph. " + "word " * 199_000
    body = json.dumps({"kind": "chapter", "label": "1", "heading": "H", "text": text}).encode()
    for limit in (settings.auth_failure_rate_per_second, 0.0):  # limited, and not limited
        loose = settings.model_copy(update={"auth_failure_rate_per_second": limit})
        with TestClient(create_app(loose), raise_server_exceptions=False) as app:
            bad = {"Authorization": "Bearer not-a-token"}
            status, asked, headers, answer = post_streamed(app, path, bad, body)
            assert status == 401, answer
            assert asked == 0  # not one chunk of the body was asked for
            assert headers["content-type"] == "application/problem+json"
            assert headers["www-authenticate"] == 'Bearer error="invalid_token"'
            assert json.loads(answer)["type"] == "urn:plenary:problem:unauthorized"
            status, asked, _, answer = post_streamed(app, path, secretariat, body)
            assert status == 201, answer
            assert asked * 65536 >= len(body)
    report = path.removesuffix("/sections")
    outline = ok(client.get(report, headers=secretariat), 200)["outline"]
    assert len(outline) == 2  # the valid token's two writes, nothing from the bad one
