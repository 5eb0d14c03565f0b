"""Issue 15: what a single client can do to the room. A body that trickles in, token guessing,
a malformed header and a wrong method each get a problem answer, not a stall or plain text."""

from __future__ import annotations

import json
import re
import select
import socket
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.conftest import ADMIN_TOKEN
from tests.factories import ADMIN, make_room
from tests.server import LiveServer, live_server
from tests.test_errors import PROBLEM, assert_problem

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.fixture(scope="module")
def server(database_url: str) -> Iterator[LiveServer]:
    with live_server(database_url, extra_env={"PLENARY_BODY_TIMEOUT_SECONDS": "1"}) as live:
        yield live


def _port(server: LiveServer) -> int:
    return int(server.url.rsplit(":", 1)[1])


def _read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 response (the server closes or names its length)."""
    data = b""
    sock.settimeout(15)
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    while len(body) < int(headers["content-length"]):
        body += sock.recv(65536)
    return int(lines[0].split()[1]), headers, body


def _problem(status: int, headers: dict[str, str], body: bytes) -> dict[str, object]:
    assert headers["content-type"] == PROBLEM, (status, headers, body)
    problem: dict[str, object] = json.loads(body)
    assert problem["status"] == status
    return problem


def test_a_body_that_trickles_in_gets_408(server: LiveServer, app: FastAPI) -> None:
    """A byte every 0.2 s of a 200-byte body: the whole body is due 1 s after the request
    (PLENARY_BODY_TIMEOUT_SECONDS), however steadily the bytes keep coming."""
    body = json.dumps({"name": "Trickled " + "x" * 170}).encode()
    head = (
        "POST /v1/groups HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {ADMIN_TOKEN}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", _port(server))) as sock:
        sock.sendall(head)
        for byte in body[:-1]:  # never the last byte: only the deadline can end this
            sock.sendall(bytes([byte]))
            readable, _, _ = select.select([sock], [], [], 0.2)
            if readable:
                break
        status, headers, answer = _read_response(sock)
    assert status == 408
    problem = _problem(status, headers, answer)
    assert problem["type"] == "urn:plenary:problem:request-timeout"
    assert headers["connection"] == "close"
    # Nothing was created, and the server serves the next request as usual.
    with socket.create_connection(("127.0.0.1", _port(server))) as sock:
        sock.sendall(
            b"GET /v1/groups HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + f"Authorization: Bearer {ADMIN_TOKEN}\r\n\r\n".encode()
        )
        status, headers, answer = _read_response(sock)
    assert status == 200
    assert not any(g["name"].startswith("Trickled") for g in json.loads(answer))


def test_a_body_that_arrives_in_time_is_served(client: TestClient) -> None:
    """The deadline is for slow bodies only: a request whose body comes in chunks goes on."""

    def chunks() -> Iterator[bytes]:
        yield b'{"name": '
        yield b'"Chunked"}'

    response = client.post(
        "/v1/groups", content=chunks(), headers={**ADMIN, "content-type": "application/json"}
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("character", [b"\x01", b"\x7f", b"\x00", b"\x1b"])
def test_a_control_character_in_idempotency_key_is_a_problem_400(
    server: LiveServer, character: bytes
) -> None:
    """The HTTP parser refuses these before the app sees the request: its 400 is
    problem+json too (it was text/plain)."""
    body = b'{"name": "Keyed"}'
    request = (
        b"POST /v1/groups HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + f"Authorization: Bearer {ADMIN_TOKEN}\r\nContent-Type: application/json\r\n".encode()
        + b"Idempotency-Key: key"
        + character
        + b"1\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    with socket.create_connection(("127.0.0.1", _port(server))) as sock:
        sock.sendall(request)
        status, headers, answer = _read_response(sock)
    assert status == 400
    assert _problem(status, headers, answer)["type"] == "urn:plenary:problem:malformed-request"


def test_a_tab_or_non_ascii_in_idempotency_key_is_a_problem_400(client: TestClient) -> None:
    """A tab passes the HTTP parser (and non-ASCII bytes too): the app refuses them."""
    for key in (b"key\t1", "clé".encode()):
        response = client.post(
            "/v1/groups", json={"name": "Keyed"}, headers={**ADMIN, "Idempotency-Key": key}
        )
        assert_problem(response, 400, "invalid-idempotency-key")
    assert client.get("/v1/groups", headers=ADMIN).json() == []
    accepted = client.post(
        "/v1/groups", json={"name": "Keyed"}, headers={**ADMIN, "Idempotency-Key": "key 1~"}
    )
    assert accepted.status_code == 201


@pytest.fixture
def guarded(settings: Settings, app: FastAPI) -> Iterator[tuple[TestClient, TestClient]]:
    """Two clients from two addresses, on an app that allows three failed tokens at once."""
    strict = settings.model_copy(
        update={"auth_failure_rate_per_second": 0.01, "auth_failure_burst": 3}
    )
    application = create_app(strict)
    with (
        TestClient(application, raise_server_exceptions=False, client=("192.0.2.1", 1)) as a,
        TestClient(application, raise_server_exceptions=False, client=("192.0.2.2", 1)) as b,
    ):
        yield a, b


def test_bad_tokens_from_one_address_are_rate_limited(
    client: TestClient, guarded: tuple[TestClient, TestClient]
) -> None:
    room = make_room(client, members=1, observers=0)
    guesser, neighbour = guarded
    guesses = [
        guesser.get("/v1/me", headers={"Authorization": f"Bearer plen_guess{n}"}) for n in range(5)
    ]
    assert [r.status_code for r in guesses] == [401, 401, 401, 429, 429]
    refused = guesses[-1]
    body = assert_problem(refused, 429, "too-many-auth-failures")
    assert int(refused.headers["retry-after"]) >= 1 and "retry in" in str(body["detail"])
    # While blocked, a right token from that address is refused the same way: a guess that
    # hits is not told apart from one that misses.
    assert guesser.get("/v1/me", headers=room.chair.headers).status_code == 429
    # Requests without a token (the public record) are not limited, nor is another address.
    assert guesser.get("/healthz").status_code == 200
    assert neighbour.get("/v1/me", headers=room.chair.headers).status_code == 200
    assert neighbour.get("/v1/me", headers={"Authorization": "Bearer x"}).status_code == 401


def test_every_405_lists_exactly_the_methods_of_its_path(client: TestClient) -> None:
    """Walks every path of the published contract with each method it does not document."""
    paths = client.get("/openapi.json").json()["paths"]
    checked = 0
    for path, item in paths.items():
        documented = {m.upper() for m in item if m.upper() in METHODS}
        url = re.sub(r"\{[^}]+\}", "1", path)
        for method in sorted(set(METHODS) - documented):
            response = client.request(method, url, headers=ADMIN)
            assert_problem(response, 405, "method-not-allowed")
            allowed = {m.strip() for m in response.headers["allow"].split(",")}
            assert allowed == documented, (method, path, response.headers["allow"])
            checked += 1
    assert checked > 100
