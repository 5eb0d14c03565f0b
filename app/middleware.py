"""ASGI middleware that must act before FastAPI parses anything."""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_PREFIX, render
from app.ratelimit import FailureLimiter, WriteLimiter, too_many_writes, write_key


class BodyLimits:
    """Refuses a body over `max_bytes` with 413, and one that has not arrived `timeout`
    seconds after the request did with 408, before the app sees any of it.

    Checks Content-Length up front, and counts chunked bodies as they arrive. The body is
    buffered (it is at most `max_bytes`), then replayed to the app. The deadline is for the
    whole body, not each chunk: a client trickling a byte a second would otherwise hold a
    connection (and, for a write, its place in the queue) as long as it likes.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int, timeout: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > self.max_bytes
            except ValueError:
                too_large = False
            if too_large:
                await self._too_large(send)
                return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE") and declared is None:
            await self.app(scope, receive, send)
            return

        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    message = await receive()
                    if message["type"] != "http.request":
                        await self.app(scope, _replay([message], receive), send)
                        return
                    body = message.get("body", b"")
                    size += len(body)
                    if size > self.max_bytes:
                        await self._too_large(send)
                        return
                    chunks.append(body)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            await _refuse(
                send,
                status=408,
                slug="request-timeout",
                title="Request body too slow",
                detail=f"The request body did not arrive within {self.timeout:g} s.",
            )
            return
        replay: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([replay], receive), send)

    async def _too_large(self, send: Send) -> None:
        await _refuse(
            send,
            status=413,
            slug="payload-too-large",
            title="Request body too large",
            detail=f"The request body exceeds the limit of {self.max_bytes} bytes.",
        )


async def _refuse(
    send: Send,
    *,
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    close: bool = True,
) -> None:
    """A problem answer; `close`: the rest of the body is not read, so the connection ends."""
    body = json.dumps(
        {"type": PROBLEM_TYPE_PREFIX + slug, "title": title, "status": status, "detail": detail}
    ).encode()
    raw_headers = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in (headers or {}).items()),
    ]
    if close:
        raw_headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed


class WriteRateLimit:
    """A token over its write rate gets its 429 before its body is read (outside
    `BodyLimits`): its bucket is named by its Authorization header (`ratelimit.write_key`:
    a hash, no database read), and looking at it takes nothing, so a request that goes on
    to fail (a bad body, an unknown target) costs none of the token's rate; the request's
    own write is taken once its token is resolved (`ratelimit.take_write`). The unread body
    is left to the server to discard; the connection stays open, so the client reads the
    429 and its Retry-After."""

    WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})

    def __init__(self, app: ASGIApp, *, limiter: WriteLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") in self.WRITES:
            authorization = dict(scope.get("headers") or []).get(b"authorization")
            key = None if authorization is None else write_key(authorization.decode("latin-1"))
            wait = 0.0 if key is None else self.limiter.spent_for(key)
            if wait > 0:
                await render(too_many_writes(wait))(scope, receive, send)
                return
        await self.app(scope, receive, send)


class ServerTiming:
    """Adds `Server-Timing: app;dur=<ms>` to every response: the time from the request's
    arrival in the app to the start of its response, without the network and the client
    (the benchmark reports it beside the round trip)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed = (time.perf_counter() - started) * 1000
                headers = [
                    *message.get("headers", []),
                    (b"server-timing", b"app;dur=%.3f" % elapsed),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, timed_send)


class AuthFailureLimit:
    """Token guessing is rate limited per client address: every 401 answered to a request
    that carried credentials takes one place from the address's bucket, and while it is
    empty a request from that address that carries credentials gets 429 with Retry-After
    unless its token is a valid one (`verify`: one indexed lookup, before the body is read
    or anything is prepared). So others' failures at a shared address (a NAT, a proxy)
    never refuse a valid token, and a blocked address's bad tokens cost a lookup each;
    a token's secrecy rests on its 256 random bits, not on this limit. A write that may carry
    a large body has its token checked before the body is read, limited or not: a bad token's
    401 costs a lookup, not its megabyte. Requests without
    credentials (public reads) pass. The address is the one the server sees: behind a
    proxy, run the server with its proxy headers trusted."""

    WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
    # A write whose body may be longer than this has its token checked before the body is
    # read: a bad token then costs one indexed lookup, never the reading of its body. Smaller
    # writes are checked by the route as usual (the lookup would add one read to each).
    CHECKED_BODY_BYTES = 64 * 1024

    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: FailureLimiter,
        verify: Callable[[str], bool] = lambda _authorization: False,
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.verify = verify

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not any(
            name == b"authorization" for name, _ in scope.get("headers") or []
        ):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else "unknown"
        limited = self.limiter.per_second > 0
        wait = self.limiter.blocked_for(address) if limited else 0.0
        if wait > 0 and not await self._valid(scope):
            seconds = max(1, math.ceil(wait))
            await _refuse(
                send,
                status=429,
                slug="too-many-auth-failures",
                title="Too many requests with a bad token",
                detail=f"Too many requests from this address failed authentication; "
                f"retry in {seconds} s.",
                headers={"Retry-After": str(seconds)},
                close=False,
            )
            return
        if wait <= 0 and self._large_write(scope) and not await self._valid(scope):
            if limited:
                self.limiter.record_failure(address)
            await _refuse(
                send,
                status=401,
                slug="unauthorized",
                title="Authentication required",
                detail="The token is unknown or revoked, or its participant is deactivated.",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
            return
        if not limited:
            await self.app(scope, receive, send)
            return

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 401:
                self.limiter.record_failure(address)
            await send(message)

        await self.app(scope, receive, counting_send)

    def _large_write(self, scope: Scope) -> bool:
        if scope.get("method") not in self.WRITES:
            return False
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is None:  # chunked: its length is not known before it is read
            return b"transfer-encoding" in headers
        try:
            return int(length) > self.CHECKED_BODY_BYTES
        except ValueError:
            return True

    async def _valid(self, scope: Scope) -> bool:
        headers = dict(scope.get("headers") or [])
        authorization = headers.get(b"authorization", b"").decode("latin-1")
        return await run_in_threadpool(self.verify, authorization)
