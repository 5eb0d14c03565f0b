"""Work done once, before the server takes its first request, so that no request pays for it.

Left to the first requests, each of these blocks the event loop, and every request that
arrives meanwhile waits behind it: on a fresh server, small writes on other reports would
stall while a large proposal is the first to pass (`python -m bench.real_material --only
big-proposal` shows how long).
- FastAPI (0.165) builds an included router's routes (dependants, response validators) the
  first time a request walks past them; plenary has many routers, so that is a pause.
- httpx reads the CA bundle into a TLS context, and imports its async backends, when a client
  is made: the webhook deliverer's client is made here, not on the first delivery.
"""

from __future__ import annotations

import functools
import ssl

import httpx
from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.types import Message

from app.config import Settings

# A path no route matches: routing walks (and so builds) every route before giving up.
UNMATCHED_PATH = "/v1/.warm-up"


async def build_every_route(app: FastAPI) -> int:
    """Walk the router once with a path nothing matches; returns the 404's status."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": UNMATCHED_PATH,
        "raw_path": UNMATCHED_PATH.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "server": ("127.0.0.1", 0),
        "client": ("127.0.0.1", 0),
        "app": app,
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    try:
        await app.router(scope, receive, send)
    except HTTPException as not_found:  # the router's 404, raised for the app to render
        return not_found.status_code
    return int(sent[0]["status"]) if sent else 0


def webhook_client(settings: Settings) -> httpx.AsyncClient:
    """The deliverer's HTTP client, made while nothing waits on the event loop."""
    timeout = httpx.Timeout(settings.webhook_timeout_seconds)
    return httpx.AsyncClient(timeout=timeout, follow_redirects=False, verify=_tls_context())


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The CA bundle read into a TLS context once per process: every app made in it (the
    tests make hundreds) would otherwise parse the whole bundle again. A context holds no
    connection state, so the clients share it."""
    return httpx.create_ssl_context()
