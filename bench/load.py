"""Load test: many concurrent writers against one report, and not one 5xx.

    python -m bench.load [--database URL] [--writers 50] [--seconds 30]

Starts `plenary serve` on 127.0.0.1 over a fresh database holding the demo room (the WGIG report,
40 voting members, a meeting in session), then runs WRITERS concurrent writers for SECONDS from
this process. Every writer holds a real token and races the others on the same report: members
propose amendments against the head they just read and withdraw some of their own; the
secretariat writes new versions naming the head it read (409 when another write got there
first); the chair puts amendments on the floor and adopts or rejects them with If-Match (412 when
the amendment moved). Prints a table of answers by status and exits 1 on any 5xx or transport
error. 409/412/422 are the expected answers of a race lost; they are counted, not failures.
A request whose connection closed before any answer is sent again (at most RESENDS times, with
its Idempotency-Key), as clients should; the resends are listed, and an answer still lost
after them is a transport error, a failure.
The write rate limit is lifted for the run: this measures transactions, not the limiter.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.server import live_server, seed_demo

RESENDS = 3
CLOSED_BEFORE_ANSWER = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
WORDS = ["consensus", "stakeholders", "governance", "plenary", "secretariat", "observers"]


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    by_action: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    resent: list[str] = field(default_factory=list)  # answered on a later attempt
    latencies: list[float] = field(default_factory=list)

    def record(self, action: str, response: httpx.Response, elapsed: float) -> None:
        self.statuses[response.status_code] += 1
        self.by_action[f"{action} {response.status_code}"] += 1
        self.latencies.append(elapsed)
        if response.status_code >= 500:
            self.failures.append(f"{action}: {response.status_code} {response.text[:300]}")


class Writer:
    def __init__(self, client: httpx.AsyncClient, token: str, role: str, report_id: int) -> None:
        self.http = client
        self.headers = {"Authorization": f"Bearer {token}"}
        self.role = role
        self.report_id = report_id
        self.mine: list[int] = []

    async def call(
        self, tally: Tally, action: str, method: str, url: str, **kwargs: Any
    ) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        # As any client should: a request whose connection closed before any answer goes
        # again, as it is (GET) or with its Idempotency-Key (every write here has one).
        resendable = method == "GET" or "Idempotency-Key" in headers
        started = time.perf_counter()
        for attempt in range(RESENDS + 1):
            try:
                response = await self.http.request(method, url, headers=headers, **kwargs)
                break
            except CLOSED_BEFORE_ANSWER as error:
                if resendable and attempt < RESENDS:
                    tally.resent.append(f"{action}: {error!r}")
                    continue
                tally.failures.append(f"{action}: transport error {error!r}")
                raise
            except httpx.HTTPError as error:
                tally.failures.append(f"{action}: transport error {error!r}")
                raise
        tally.record(action, response, time.perf_counter() - started)
        return response

    async def step(self, tally: Tally, sections: list[int]) -> None:
        if self.role == "member":
            if self.mine and random.random() < 0.2:
                await self.withdraw(tally)
            else:
                await self.propose(tally, random.choice(sections))
        elif self.role == "secretariat":
            await self.write_version(tally, random.choice(sections))
        else:
            await self.chair(tally)

    async def propose(self, tally: Tally, section_id: int) -> None:
        read = await self.call(tally, "read section", "GET", f"/v1/sections/{section_id}")
        if read.status_code != 200:
            return
        head = read.json()
        text = head["head"]["text"]
        words = text.split(" ")
        at = random.randrange(len(words))
        words[at] = random.choice(WORDS)
        response = await self.call(
            tally,
            "propose",
            "POST",
            f"/v1/sections/{section_id}/amendments",
            json={
                "base_version": head["head_version"],
                "text": " ".join(words),
                "kind": "substantive",
                "rationale": "load test",
            },
            headers={"Idempotency-Key": os.urandom(12).hex()},
        )
        if response.status_code == 201:
            self.mine.append(response.json()["id"])

    async def withdraw(self, tally: Tally) -> None:
        amendment_id = self.mine.pop(random.randrange(len(self.mine)))
        read = await self.call(tally, "read amendment", "GET", f"/v1/amendments/{amendment_id}")
        if read.status_code != 200:
            return
        await self.call(
            tally,
            "withdraw",
            "POST",
            f"/v1/amendments/{amendment_id}/withdraw",
            json={"reason": "load test"},
            headers={"If-Match": read.headers["etag"], "Idempotency-Key": os.urandom(12).hex()},
        )

    async def write_version(self, tally: Tally, section_id: int) -> None:
        read = await self.call(tally, "read section", "GET", f"/v1/sections/{section_id}")
        if read.status_code != 200:
            return
        head = read.json()
        await self.call(
            tally,
            "write version",
            "POST",
            f"/v1/sections/{section_id}/versions",
            json={
                "base_version": head["head_version"],
                "text": head["head"]["text"] + f"\n\nAdded under load {os.urandom(4).hex()}.",
            },
            headers={"Idempotency-Key": os.urandom(12).hex()},
        )

    async def chair(self, tally: Tally) -> None:
        """Decide the amendment on the floor, or put a proposed one there."""
        for status in ("on_floor", "proposed"):
            listed = await self.call(
                tally,
                f"list {status}",
                "GET",
                f"/v1/reports/{self.report_id}/amendments",
                params={"status": status, "limit": 20},
            )
            candidates = listed.json()["items"] if listed.status_code == 200 else []
            if candidates:
                break
        else:
            return
        decision = "adopt" if random.random() < 0.7 else "reject"
        action = "floor" if status == "proposed" else decision
        amendment_id = random.choice(candidates)["id"]
        read = await self.call(tally, "read amendment", "GET", f"/v1/amendments/{amendment_id}")
        if read.status_code != 200:
            return
        await self.call(
            tally,
            action,
            "POST",
            f"/v1/amendments/{amendment_id}/{action}",
            json={"reason": "load test"} if action == "reject" else None,
            headers={"If-Match": read.headers["etag"], "Idempotency-Key": os.urandom(12).hex()},
        )


async def run(
    base: str, tokens: dict[str, str], report_id: int, writers: int, seconds: float
) -> Tally:
    tally = Tally()
    limits = httpx.Limits(max_connections=writers, max_keepalive_connections=writers)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        outline = (
            await client.get(
                f"/v1/reports/{report_id}",
                headers={"Authorization": f"Bearer {tokens['The Chair']}"},
            )
        ).json()["outline"]
        sections = [node["id"] for node in outline]
        people = [("The Chair", "chair"), ("The Secretariat", "secretariat")]
        people += [(name, "member") for name in tokens if name.startswith("Member ")]
        crew = [
            Writer(
                client, tokens[people[n % len(people)][0]], people[n % len(people)][1], report_id
            )
            for n in range(writers)
        ]
        deadline = time.monotonic() + seconds

        async def loop(writer: Writer) -> None:
            while time.monotonic() < deadline:
                try:
                    await writer.step(tally, sections)
                except httpx.HTTPError:
                    await asyncio.sleep(0.1)

        await asyncio.gather(*(loop(writer) for writer in crew))
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--database", help="an empty database (default: a fresh SQLite file)")
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="plenary-load-"))
    url = options.database or f"sqlite:///{workdir / 'load.db'}"
    room = seed_demo(url)
    env = {"PLENARY_WRITE_RATE_PER_SECOND": "100000", "PLENARY_WRITE_BURST": "100000"}
    log = workdir / "server.log"
    with live_server(url, extra_env=env, log=log) as server:
        started = time.monotonic()
        tally = asyncio.run(
            run(server.url, room.tokens, room.report_id, options.writers, options.seconds)
        )
        elapsed = time.monotonic() - started
    tracebacks = log.read_text().count("Traceback")
    _print(tally, options, url, elapsed, tracebacks)
    if tally.failures or tracebacks:
        for failure in tally.failures[:20]:
            print("FAIL", failure)
        print(f"server log: {log}")
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _print(
    tally: Tally, options: argparse.Namespace, url: str, elapsed: float, tracebacks: int
) -> None:
    total = sum(tally.statuses.values())
    five = sum(count for status, count in tally.statuses.items() if status >= 500)
    ordered = sorted(tally.latencies)
    p50 = statistics.median(ordered) * 1000 if ordered else 0.0
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000 if ordered else 0.0
    engine = url.split(":")[0]
    print(f"\nplenary load: {options.writers} writers, {options.seconds:.0f} s, {engine}")
    print(f"{'requests':<28}{total:>8}   ({total / elapsed:.0f}/s)")
    print(f"{'5xx':<28}{five:>8}")
    print(f"{'transport errors':<28}{len(tally.failures) - five:>8}")
    print(f"{'resent (connection closed)':<28}{len(tally.resent):>8}")
    for resend in tally.resent[:5]:
        print(f"  {resend}")
    print(f"{'server tracebacks':<28}{tracebacks:>8}")
    print(f"{'latency p50 / p99 (ms)':<28}{p50:>8.1f} / {p99:.1f}")
    print("answers by action:")
    for key, count in sorted(tally.by_action.items()):
        print(f"  {key:<30}{count:>8}")


if __name__ == "__main__":
    sys.exit(main())
