"""A request that reaches an idle keep-alive connection as its idle timer fires is answered.

The race behind a load run's lost answer (`ReadError('')`, nothing in the server's log):
uvicorn's idle timer closed the connection while the client's next request already sat unread
in the socket, and the kernel answered the client with a reset. Here the state is built on
purpose: the server's reading is paused (the loop has not polled since the bytes arrived),
the request is in the socket, and the timer's handler runs.
"""

from __future__ import annotations

import asyncio
import select
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner
from uvicorn.config import Config
from uvicorn.server import ServerState

from app.cli import cli
from app.config import Settings, get_settings
from app.http_protocol import PROTOCOL, ProblemH11Protocol

REQUEST = b"GET / HTTP/1.1\r\nHost: plenary\r\n\r\n"


async def hello(scope: dict[str, Any], receive: Callable[[], Awaitable[Any]], send: Any) -> None:
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"5")]}
    )
    await send({"type": "http.response.body", "body": b"hello"})


def protocol_classes() -> list[Any]:
    from app import http_protocol

    named = getattr(http_protocol, PROTOCOL.rsplit(":", 1)[1])
    return [named] if named is ProblemH11Protocol else [named, ProblemH11Protocol]


def loops() -> list[str]:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return ["asyncio"]
    return ["asyncio", "uvloop"]  # `plenary serve` runs uvloop when it is installed


def read_answer(client: socket.socket) -> bytes:
    """One whole answer to REQUEST, or what arrived before the server closed or reset."""
    data = b""
    while b"hello" not in data:
        try:
            chunk = client.recv(4096)
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk
    return data


async def request_during_idle_close(protocol_class: Any) -> bytes:
    config = Config(app=hello, lifespan="off", log_level="warning", timeout_keep_alive=60)
    config.load()
    made: list[Any] = []

    def factory() -> Any:
        made.append(protocol_class(config=config, server_state=ServerState(), app_state={}))
        return made[-1]

    server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    client.settimeout(10)
    try:
        await asyncio.sleep(0)  # the server accepts
        client.sendall(REQUEST)
        first = await asyncio.to_thread(read_answer, client)
        assert first.startswith(b"HTTP/1.1 200"), first  # idle now, its timer armed
        (protocol,) = made
        protocol.transport.pause_reading()  # the loop has not polled since the bytes came
        client.sendall(REQUEST)
        fd = protocol.transport.get_extra_info("socket").fileno()
        assert select.select([fd], [], [], 10)[0], "the request never reached the socket"
        protocol.timeout_keep_alive_handler()  # the idle timer fires now
        if not protocol.transport.is_closing():
            protocol.transport.resume_reading()
        return await asyncio.to_thread(read_answer, client)
    finally:
        client.close()
        server.close()


@pytest.mark.parametrize("loop", loops())
@pytest.mark.parametrize("protocol_class", protocol_classes(), ids=lambda c: c.__name__)
def test_a_request_arriving_as_the_idle_timer_fires_is_answered(
    protocol_class: Any, loop: str
) -> None:
    if loop == "uvloop":
        import uvloop

        answer = uvloop.run(request_during_idle_close(protocol_class))
    else:
        answer = asyncio.run(request_during_idle_close(protocol_class))
    assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"hello")


def test_idle_connections_outlive_client_pools(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # httpx reuses a pooled connection until it has been idle this long; a server that closes
    # first races every such reuse.
    pool_expiry = httpx.Limits().keepalive_expiry or 0.0
    assert Settings().keep_alive_seconds > pool_expiry
    # ... and `plenary serve` hands the setting to uvicorn.
    served: dict[str, Any] = {}
    monkeypatch.setattr("uvicorn.run", lambda *args, **options: served.update(options))
    monkeypatch.setenv("PLENARY_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    monkeypatch.setenv("PLENARY_KEEP_ALIVE_SECONDS", "7")
    get_settings.cache_clear()
    try:
        ran = CliRunner().invoke(cli, ["serve"])
    finally:
        get_settings.cache_clear()
    assert ran.exit_code == 0, ran.output
    assert served["timeout_keep_alive"] == 7 and served["http"] == PROTOCOL
