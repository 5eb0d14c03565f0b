"""uvicorn's HTTP protocol, with its own refusals as problem+json like every other error.

A request that is not valid HTTP (a control character in a header value, such as an
Idempotency-Key with \x01 in it) never reaches the app: the parser refuses it, and uvicorn
answers a plain-text 400. `plenary serve` runs this protocol so that answer is RFC 9457 too.
"""

from __future__ import annotations

import asyncio
import json
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


class ProblemH11Protocol(H11Protocol):
    def send_400_response(self, msg: str) -> None:
        _send_problem_400(self, msg)


if HttpToolsProtocol is not None:

    class ProblemHttpToolsProtocol(HttpToolsProtocol):
        def send_400_response(self, msg: str) -> None:
            _send_problem_400(self, msg)

    PROTOCOL = "app.http_protocol:ProblemHttpToolsProtocol"
else:  # pragma: no cover
    PROTOCOL = "app.http_protocol:ProblemH11Protocol"
