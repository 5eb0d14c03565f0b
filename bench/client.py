"""Load generators that run in their own process: `python -m bench.client MODE JSON`."""

from __future__ import annotations

import asyncio
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
    lags: list[float] = []
    complete = 0
    connected = 0

    async def follow(client: httpx.AsyncClient) -> None:
        nonlocal complete, connected
        seen = 0
        async with client.stream(
            "GET", f"/v1/reports/{report}/stream", headers={"Authorization": f"Bearer {token}"}
        ) as response:
            connected += 1
            if connected == subscribers:
                Path(ready).touch()
            async for line in response.aiter_lines():
                if not line.startswith("data:"):
                    continue
                data = json.loads(line[5:])
                if data["type"] != "version.created":
                    continue
                received = time.time()
                created = datetime.fromisoformat(data["created_at"]).timestamp()
                lags.append((received - created) * 1000)
                seen += 1
                if seen == events:
                    complete += 1
                    return

    limits = httpx.Limits(
        max_connections=subscribers + 10, max_keepalive_connections=subscribers + 10
    )
    async with httpx.AsyncClient(
        base_url=base, timeout=httpx.Timeout(30, read=120), limits=limits
    ) as client:
        # Connect in waves so the listen backlog is not overrun.
        tasks = []
        for start in range(0, subscribers, 100):
            tasks += [
                asyncio.create_task(follow(client)) for _ in range(min(100, subscribers - start))
            ]
            await asyncio.sleep(0.3)
        await asyncio.wait(tasks, timeout=240)
    return {"p99_ms": percentile(lags, 99), "p50_ms": percentile(lags, 50), "complete": complete}


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
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    print(json.dumps(asyncio.run(MODES[mode](**params))))
