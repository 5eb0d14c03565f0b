"""Sends webhook deliveries in the background: requests never wait for a receiver.

Nothing here holds a transaction, or the write gate, while it waits on the network. A round
takes a lease on due deliveries in one short write transaction and lets the sends run as
their own tasks (a receiver that hangs holds one of `webhook_max_in_flight` places, nothing
else); the attempts that came back are recorded together in one short transaction on the
next round. Both transactions queue at the same write gate as requests: on SQLite a writer
parked in a thread waiting for the database lock could otherwise take the thread that the
request holding that lock needs to finish, and both would wait out the busy timeout.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from dataclasses import dataclass
from datetime import timedelta

import httpx
from starlette.concurrency import run_in_threadpool

from app.allow_list import AllowList, TargetRefused
from app.clock import utcnow
from app.config import Settings
from app.db import Database, WriteGate
from app.webhooks import service
from app.webhooks.service import Attempt

logger = logging.getLogger("plenary.webhooks")
HURRY_FROM = 10  # a round that started this many deliveries is followed at once by another


@dataclass(frozen=True)
class Job:
    delivery_id: int
    url: str
    secret: str
    body: bytes
    event_type: str


def _anything_due(database: Database) -> bool:
    with database.session(write=False) as session:
        return service.anything_due(session)


def _record_and_claim(
    database: Database, attempts: list[Attempt], limit: int, lease: timedelta, backoff: float
) -> list[Job]:
    """One short write transaction a round: the attempts that came back, and new leases."""
    with database.session() as session:
        if attempts:
            service.record_attempts(session, attempts, backoff_base=backoff)
        if limit <= 0:
            return []
        return [
            Job(
                delivery_id=delivery.id,
                url=webhook.url,
                secret=webhook.secret,
                body=service.body_of(delivery, event),
                event_type=event.type,
            )
            for delivery, webhook, event in service.claim_due(session, limit=limit, lease=lease)
        ]


async def _resolve(host: str, port: int, timeout: float) -> list[str]:
    lookup = asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    infos = await asyncio.wait_for(lookup, timeout)
    return [str(info[4][0]) for info in infos]


async def send(
    client: httpx.AsyncClient, allow_list: AllowList, job: Job, *, timeout: float
) -> Attempt:
    """One attempt: check the target again, resolve it, POST to the address that passed."""
    try:
        endpoint = allow_list.check_url(job.url)
        if endpoint.is_address:
            resolved = [endpoint.host]
        else:
            resolved = await _resolve(endpoint.host, endpoint.port, timeout)
        address = allow_list.pick_address(endpoint, resolved)
    except TargetRefused as refused:
        logger.warning("webhook delivery %s refused: %s", job.delivery_id, refused)
        return Attempt(job.delivery_id, None, f"refused: {refused}", final=True)
    except (OSError, TimeoutError) as failure:  # the name does not resolve
        return Attempt(job.delivery_id, None, f"{type(failure).__name__}: {failure}")
    url = httpx.URL(job.url)
    timestamp = str(int(utcnow().timestamp()))
    headers = {
        "Host": url.netloc.decode("ascii"),
        "Content-Type": "application/json",
        "Plenary-Delivery": str(job.delivery_id),
        "Plenary-Event": job.event_type,
        "Plenary-Timestamp": timestamp,
        service.SIGNATURE_HEADER: service.sign(job.secret, timestamp, job.body),
    }
    # Connect to the address just checked, not to whatever the name resolves to next; TLS
    # still names (and verifies) the host.
    pinned = url.copy_with(host=str(address), port=endpoint.port)
    try:
        response = await client.post(
            pinned, content=job.body, headers=headers, extensions={"sni_hostname": url.host}
        )
    except httpx.HTTPError as failure:
        return Attempt(job.delivery_id, None, f"{type(failure).__name__}: {failure}")
    code = response.status_code
    return Attempt(job.delivery_id, code, f"HTTP {code}" if code >= 300 else "")


class Deliverer:
    def __init__(self, database: Database, settings: Settings, gate: WriteGate) -> None:
        self.database = database
        self.settings = settings
        self.gate = gate
        self.allow_list = AllowList(settings.webhook_allowed_hosts)
        # An attempt (resolution, connection, answer) ends within the HTTP timeout, and is
        # recorded on the round after: well inside the lease, so no other process sends it.
        self.lease = max(service.LEASE, timedelta(seconds=4 * settings.webhook_timeout_seconds))
        self.in_flight: set[asyncio.Task[None]] = set()
        self.finished: list[Attempt] = []

    async def run_forever(self, client: httpx.AsyncClient) -> None:
        async with client:
            try:
                while True:
                    claimed = 0
                    try:
                        claimed = await self.round(client)
                    except Exception:
                        logger.exception("webhook delivery round failed")
                    # A backlog is worked off without pause; otherwise one round a poll, so
                    # that deliveries finishing one by one do not take the write gate one by
                    # one.
                    if claimed < HURRY_FROM:
                        await asyncio.sleep(self.settings.webhook_poll_seconds)
            finally:
                for task in self.in_flight:
                    task.cancel()

    async def round(self, client: httpx.AsyncClient) -> int:
        """Record what came back and start what is due; the number of deliveries started."""
        attempts, self.finished = self.finished, []
        free = self.settings.webhook_max_in_flight - len(self.in_flight)
        if not attempts and (
            free <= 0 or not await run_in_threadpool(_anything_due, self.database)
        ):
            return 0  # nothing to write: an idle server takes no write lock
        backoff = self.settings.webhook_backoff_seconds
        try:
            async with self.gate.held():
                jobs = await run_in_threadpool(
                    _record_and_claim, self.database, attempts, free, self.lease, backoff
                )
        except BaseException:
            self.finished[:0] = attempts  # again next round; the lease keeps them ours
            raise
        for job in jobs:
            task = asyncio.create_task(self._deliver(client, job))
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)
        return len(jobs)

    async def _deliver(self, client: httpx.AsyncClient, job: Job) -> None:
        timeout = self.settings.webhook_timeout_seconds
        attempt = await send(client, self.allow_list, job, timeout=timeout)
        self.finished.append(attempt)  # after the await: a round may have swapped the list


async def deliver_forever(
    database: Database, settings: Settings, gate: WriteGate, client: httpx.AsyncClient
) -> None:
    """Deliver webhooks until cancelled, with `client` (closed at the end)."""
    await Deliverer(database, settings, gate).run_forever(client)
