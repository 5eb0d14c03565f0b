"""uvicorn's HTTP protocol, with its own refusals as problem+json like every other error, and
an idle close that never drops a request already received.

A request that is not valid HTTP (a control character in a header value, such as an
Idempotency-Key with \x01 in it) never reaches the app: the parser refuses it, and uvicorn
answers a plain-text 400. `plenary serve` runs this protocol so that answer is RFC 9457 too.

uvicorn closes a keep-alive connection when its idle timer fires, without looking at the
socket. Under load the event loop runs that timer late in a pass whose poll came before a
client's next request arrived: the request sits unread in the socket, the close discards it,
and the kernel answers the client with a reset (httpx: `ReadError('')`), no response and
nothing in the server's log. Here the timer first peeks at the socket: bytes waiting mean a
request has started, so the connection stays open (the loop reads them on its next pass and
that cancels the timer again).
"""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from app.errors import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_PREFIX

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools is optional: uvicorn falls back to h11
    HttpToolsProtocol = None  # type: ignore[assignment,misc]


def problem_400(msg: str, default_headers: list[tuple[bytes, bytes]]) -> bytes:
    body = json.dumps(
        {
            "type": PROBLEM_TYPE_PREFIX + "malformed-request",
            "title": "The request is not valid HTTP",
            "status": 400,
            "detail": f"{msg} It could not be parsed as HTTP/1.1: for example, a header "
            "value holds a control character.",
        }
    ).encode()
    head = [b"HTTP/1.1 400 Bad Request"]
    head += [name + b": " + value for name, value in default_headers]
    head += [
        b"content-type: " + PROBLEM_MEDIA_TYPE.encode(),
        b"content-length: " + str(len(body)).encode(),
        b"connection: close",
    ]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


def _send_problem_400(protocol: Any, msg: str) -> None:
    transport: asyncio.Transport = protocol.transport
    transport.write(problem_400(msg, protocol.server_state.default_headers))
    transport.close()


def request_waiting(transport: asyncio.BaseTransport) -> bool:
    """Whether bytes of a request wait unread in the connection's socket (a peek: nothing is
    consumed). An end of stream or an error is no request: the close goes ahead."""
    raw = transport.get_extra_info("socket")
    if raw is None:
        return False
    try:
        # A duplicate of the descriptor: the event loop's socket object (uvloop's included)
        # offers no recv, and closing the duplicate leaves the connection as it was.
        with socket.fromfd(raw.fileno(), raw.family, raw.type) as peer:
            peer.setblocking(False)  # as the loop's own socket already is (shared flag)
            return peer.recv(1, socket.MSG_PEEK) != b""
    except OSError:  # BlockingIOError: nothing waits; others: the socket is gone
        return False


class _KeepRequests:
    """The idle timer of uvicorn's protocols, closing only a connection with nothing waiting."""

    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    timeout_keep_alive: int
    timeout_keep_alive_task: asyncio.TimerHandle | None

    def timeout_keep_alive_handler(self) -> None:
        if not self.transport.is_closing() and request_waiting(self.transport):
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self.timeout_keep_alive_handler
            )
            return
        super().timeout_keep_alive_handler()  # type: ignore[misc]


class ProblemH11Protocol(_KeepRequests, H11Protocol):
    def send_400_response(self, msg: str) -> None:
        _send_problem_400(self, msg)


if HttpToolsProtocol is not None:

    class ProblemHttpToolsProtocol(_KeepRequests, HttpToolsProtocol):
        def send_400_response(self, msg: str) -> None:
            _send_problem_400(self, msg)

    PROTOCOL = "app.http_protocol:ProblemHttpToolsProtocol"
else:  # pragma: no cover
    PROTOCOL = "app.http_protocol:ProblemH11Protocol"
