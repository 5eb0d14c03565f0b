"""Load generators that run in their own process: `python -m bench.client MODE JSON`."""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

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


async def burst(base: str, path: str, tokens: list[str]) -> dict[str, Any]:
    async with httpx.AsyncClient(
        base_url=base, timeout=30, limits=httpx.Limits(max_connections=len(tokens))
    ) as client:
        # open the connections first, so the burst measures the server, not TCP set-up
        await asyncio.gather(*(client.get("/healthz") for _ in tokens))
        start = asyncio.Event()

        async def one(token: str) -> tuple[float, int, str]:
            await start.wait()
            began = time.perf_counter()
            response = await client.post(path, headers={"Authorization": f"Bearer {token}"})
            return (
                (time.perf_counter() - began) * 1000,
                response.status_code,
                response.json().get("status", ""),
            )

        tasks = [asyncio.create_task(one(t)) for t in tokens]
        await asyncio.sleep(0.05)
        start.set()
        results = await asyncio.gather(*tasks)
    return {
        "max_ms": max(r[0] for r in results),
        "ok": sum(1 for r in results if r[1] == 200),
        "adopted": sum(1 for r in results if r[2] == "adopted"),
    }


async def subscribe(
    base: str, report: int, token: str, subscribers: int, events: int, ready: str
) -> dict[str, Any]:
    """Raw asyncio SSE readers (httpx's per-line parsing costs more than the server's work)."""
    host, port = base.removeprefix("http://").split(":")
    request = (
        f"GET /v1/reports/{report}/stream HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
    ).encode()
    lags: list[float] = []
    by_event: dict[int, list[float]] = {}
    complete = 0
    connected = 0
    marker = b'"type":"version.created"'

    async def follow() -> None:
        nonlocal complete, connected
        reader, writer = await asyncio.open_connection(host, int(port), limit=1 << 20)
        writer.write(request)
        await writer.drain()
        await reader.readuntil(b"\r\n\r\n")
        connected += 1
        if connected == subscribers:
            Path(ready).touch()
        seen = 0
        try:
            while seen < events:
                line = await reader.readline()
                if not line:
                    return
                if line.startswith(b"data:") and marker in line:
                    received = time.time()
                    created = json.loads(line[5:])["created_at"]
                    lag = (received - datetime.fromisoformat(created).timestamp()) * 1000
                    lags.append(lag)
                    by_event.setdefault(seen, []).append(lag)
                    seen += 1
            complete += 1
        finally:
            writer.close()

    tasks = []
    for start in range(0, subscribers, 100):  # in waves, so the listen backlog keeps up
        tasks += [asyncio.create_task(follow()) for _ in range(min(100, subscribers - start))]
        await asyncio.sleep(0.2)
    await asyncio.wait(tasks, timeout=240)
    return {
        "p99_ms": percentile(lags, 99),
        "p50_ms": percentile(lags, 50),
        "complete": complete,
        # the worst lag of each event in turn: shows whether the server falls behind
        "worst_by_event": [round(max(by_event[i])) for i in sorted(by_event)],
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
    return {"p99_ms": percentile(samples, 99), "p50_ms": percentile(samples, 50), "n": len(samples)}


MODES = {"throughput": throughput, "burst": burst, "subscribe": subscribe, "probe": probe}

if __name__ == "__main__":
    mode, params = sys.argv[1], json.loads(sys.argv[2])
    # The load generator must not pause to collect garbage mid-measurement; it lives seconds.
    gc.disable()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    print(json.dumps(asyncio.run(MODES[mode](**params))))
