"""Issue 15, against a real server: a body that trickles in gets 408, and a header the HTTP
parser refuses gets a problem+json 400 (uvicorn's own answer was text/plain); an idle
connection closes on the server's keep-alive setting (issue 37)."""

from __future__ import annotations

import json
import select
import socket
from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from tests.conftest import ADMIN_TOKEN
from tests.server import LiveServer, live_server
from tests.test_errors import PROBLEM


@pytest.fixture(scope="module")
def server(database_url: str) -> Iterator[LiveServer]:
    with live_server(
        database_url,
        extra_env={"PLENARY_BODY_TIMEOUT_SECONDS": "1", "PLENARY_KEEP_ALIVE_SECONDS": "1"},
    ) as live:
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
    assert not any(g["name"].startswith("Trickled") for g in json.loads(answer)["items"])


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


def test_an_idle_connection_closes_on_the_keep_alive_setting(server: LiveServer) -> None:
    """A connection left idle after its answer is still closed by the server: the idle timer
    that spares a request already in the socket (app/http_protocol.py) does not keep an idle
    connection open forever."""
    with socket.create_connection(("127.0.0.1", _port(server))) as sock:
        sock.sendall(b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        status, headers, _ = _read_response(sock)
        assert status == 200 and headers.get("connection") != "close"
        sock.settimeout(30)
        assert sock.recv(1) == b""  # the server's close, once the connection sat idle
