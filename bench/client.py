"""Load generators that run in their own process: `python -m bench.client MODE JSON`."""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, cast

import httpx


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("inf")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def throughput(
    url: str, headers: dict[str, str], seconds: float, connections: int
) -> dict[str, Any]:
    done = 0
    stop = time.monotonic() + seconds

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal done
        while time.monotonic() < stop:
            await client.get(url, headers=headers)
            done += 1

    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=connections)) as client:
        await asyncio.gather(*(worker(client) for _ in range(connections)))
    return {"rps": done / seconds}


async def burst(
    base: str, path: str, tokens: list[str], bodies: list[Any] | None = None
) -> dict[str, Any]:
    """Every token posts to `path` at the same moment, with its own JSON body (each voter's
    signed answer, made before the burst) when `bodies` is given."""
    sent: list[Any] = bodies if bodies is not None else [None] * len(tokens)
    async with httpx.AsyncClient(
        base_url=base, timeout=30, limits=httpx.Limits(max_connections=len(tokens))
    ) as client:
        # open the connections first, so the burst measures the server, not TCP set-up
        await asyncio.gather(*(client.get("/healthz") for _ in tokens))
        start = asyncio.Event()

        async def one(token: str, body: Any) -> tuple[float, int, str]:
            await start.wait()
            began = time.perf_counter()
            response = await client.post(
                path, json=body, headers={"Authorization": f"Bearer {token}"}
            )
            return (
                (time.perf_counter() - began) * 1000,
                response.status_code,
                response.json().get("status", ""),
            )

        tasks = [asyncio.create_task(one(t, b)) for t, b in zip(tokens, sent, strict=True)]
        await asyncio.sleep(0.05)
        start.set()
        results = await asyncio.gather(*tasks)
    return {
        "max_ms": max(r[0] for r in results),
        "ok": sum(1 for r in results if r[1] == 200),
        "adopted": sum(1 for r in results if r[2] == "adopted"),
        "statuses": [r[1] for r in results],
    }


class _Run:
    """What the subscribers of one client process saw, and how busy the process was."""

    def __init__(self, subscribers: int, events: int, marker: bytes, ready: str) -> None:
        self.subscribers = subscribers
        self.events = events
        self.marker = marker
        self.ready = ready
        self.attached = 0
        self.complete = 0
        self.failed: list[str] = []
        self.lags: list[float] = []
        self.by_event: dict[int, float] = {}  # the worst lag of each event in turn
        self.first_event: tuple[float, float] | None = None  # (wall, CPU) at the first one
        self.last_data = time.monotonic()
        self.done = asyncio.get_running_loop().create_future()

    def finished(self) -> None:
        self.complete += 1
        if self.complete + len(self.failed) == self.subscribers and not self.done.done():
            self.done.set_result(None)

    def fail(self, reason: str) -> None:
        self.failed.append(reason)
        if self.complete + len(self.failed) == self.subscribers and not self.done.done():
            self.done.set_result(None)


_CREATED_AT = b'"created_at":"'


class _Follower(asyncio.Protocol):
    """One SSE subscriber, parsed only as far as latency needs: it finds each awaited
    message's `event:` line and reads that message's top-level `created_at` (the last one in
    it: a payload may hold its own). No line splitting, no JSON, no coroutine per read: a
    callback per TCP read, so one process follows thousands of streams. Chunked framing
    cannot cut a message: both servers write whole messages per chunk."""

    def __init__(self, run: _Run, request: bytes) -> None:
        self.run = run
        self.request = request
        self.buffer = b""
        self.started = False
        self.attached = False
        self.seen = 0
        self.over = False
        self.transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        cast(asyncio.WriteTransport, transport).write(self.request)

    def data_received(self, data: bytes) -> None:
        now = time.time()
        run = self.run
        run.last_data = time.monotonic()
        buffer = self.buffer + data if self.buffer else data
        if not self.started:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                self.buffer = buffer
                return
            if not buffer.startswith(b"HTTP/1.1 200"):
                self._stop(buffer[:200].decode(errors="replace"))
                return
            self.started = True
            buffer = buffer[end + 4 :]
        if not self.attached and buffer:  # the first body bytes: the server follows the feed
            self.attached = True
            run.attached += 1
            if run.attached == run.subscribers:
                Path(run.ready).touch()
        keep = max(0, len(buffer) - len(run.marker))
        position = 0
        while self.seen < run.events:
            found = buffer.find(run.marker, position)
            if found < 0:
                break
            end = buffer.find(b"\n\n", found)
            stamp = buffer.rfind(_CREATED_AT, found, end) if end >= 0 else -1
            if stamp < 0:
                keep = found
                break
            stamp += len(_CREATED_AT)
            created = buffer[stamp : buffer.find(b'"', stamp)].decode()
            lag = (now - datetime.fromisoformat(created).timestamp()) * 1000
            if run.first_event is None:
                run.first_event = (time.perf_counter(), time.process_time())
            run.lags.append(lag)
            run.by_event[self.seen] = max(lag, run.by_event.get(self.seen, lag))
            self.seen += 1
            position = keep = end
        self.buffer = buffer[keep:]
        if self.seen == run.events and not self.over:
            run.finished()
            self._stop(None)

    def _stop(self, failure: str | None) -> None:
        if not self.over and failure is not None:
            self.run.fail(failure)
        self.over = True
        if self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.over:
            self._stop(f"connection lost after {self.seen} events: {exc!r}")


async def _loop_delays(samples: list[float], run: _Run) -> None:
    """How late this process's loop wakes for a 2 ms timer while events arrive: lateness a
    subscriber's clock reading would carry too (the client's share of the latency)."""
    while not run.done.done():
        began = time.perf_counter()
        await asyncio.sleep(0.002)
        if run.first_event is not None:
            samples.append((time.perf_counter() - began) * 1000 - 2.0)


async def _tickets(base: str, path: str, tokens: list[str], count: int) -> list[str]:
    """Stream tickets (POST .../stream-tickets), spread over the tokens."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        gate = asyncio.Semaphore(16)

        async def one(n: int) -> str:
            async with gate:
                answer = await client.post(
                    path, headers={"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
                )
                answer.raise_for_status()
                return str(answer.json()["ticket"])

        return list(await asyncio.gather(*(one(n) for n in range(count))))


async def subscribe(
    base: str,
    path: str,
    subscribers: int,
    events: int,
    ready: str,
    marker: str = "event: version.created\n",
    ticket_path: str | None = None,
    tokens: list[str] | None = None,
    headers: dict[str, str] | None = None,
    local_host: str | None = None,
    wave: int = 100,
) -> dict[str, Any]:
    """`subscribers` SSE streams of `path`, each opened with a fresh stream ticket when
    `ticket_path` is given, until each has seen `events` messages with `marker`: their lags
    (receipt minus the message's `created_at`), this process's CPU use and loop delays.
    `headers` go with every request (e.g. Last-Event-ID); `local_host` is the address the
    sockets connect from (another 127.x address: its own ephemeral ports, for thousands)."""
    host, port = base.removeprefix("http://").split(":")
    loop = asyncio.get_running_loop()
    run = _Run(subscribers, events, marker.encode(), ready)
    delays: list[float] = []
    prober = asyncio.create_task(_loop_delays(delays, run))
    extra = "".join(f"{key}: {value}\r\n" for key, value in (headers or {}).items())
    local = (local_host, 0) if local_host else None

    def request(ticket: str | None) -> bytes:
        target = path if ticket is None else f"{path}?ticket={ticket}"
        return (
            f"GET {target} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n{extra}\r\n"
        ).encode()

    for start in range(0, subscribers, wave):  # in waves, so the listen backlog keeps up
        size = min(wave, subscribers - start)
        tickets: list[str | None] = [None] * size
        if ticket_path is not None:
            tickets = list(await _tickets(base, ticket_path, tokens or [], size))
        for ticket in tickets:
            await loop.create_connection(
                partial(_Follower, run, request(ticket)), host, int(port), local_addr=local
            )
        await asyncio.sleep(0.1)
    while not run.done.done():  # until every stream is served, or none has moved for 15 s
        await asyncio.wait([run.done], timeout=1.0)
        if time.monotonic() - run.last_data > 15:
            break
    busy = 0.0
    if run.first_event is not None:
        wall, cpu = run.first_event
        busy = (time.process_time() - cpu) / max(1e-9, time.perf_counter() - wall)
    prober.cancel()
    return {
        "lags": [round(lag, 2) for lag in run.lags],
        "complete": run.complete,
        "failed": run.failed[:5],
        "client_busy": busy,
        "client_delay_p99_ms": percentile(delays, 99),
        "worst_by_event": [round(run.by_event[i]) for i in sorted(run.by_event)],
    }


async def probe(base: str, path: str, token: str, seconds: float) -> dict[str, Any]:
    samples = []
    stop = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        while time.monotonic() < stop:
            began = time.perf_counter()
            await client.get(path, headers={"Authorization": f"Bearer {token}"})
            samples.append((time.perf_counter() - began) * 1000)
            await asyncio.sleep(0.01)
    return {
        "p99_ms": percentile(samples, 99),
        "p50_ms": percentile(samples, 50),
        "n": len(samples),
        "samples": samples,
    }


MODES = {"throughput": throughput, "burst": burst, "subscribe": subscribe, "probe": probe}

if __name__ == "__main__":
    mode, params = sys.argv[1], json.loads(sys.argv[2])
    # The load generator must not pause to collect garbage mid-measurement; it lives seconds.
    gc.disable()
    if mode == "room":
        from bench.room import room

        MODES["room"] = room
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    print(json.dumps(asyncio.run(MODES[mode](**params))))
