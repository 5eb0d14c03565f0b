"""Sends webhook deliveries in the background: requests never wait for a receiver."""

from __future__ import annotations

import asyncio
import logging
import time

import httpx
from starlette.concurrency import run_in_threadpool

from app.config import Settings
from app.db import Database
from app.webhooks import service

logger = logging.getLogger("plenary.webhooks")


def _claim(database: Database) -> list[tuple[int, str, str, bytes, str]]:
    with database.session() as session:
        return [
            (delivery.id, webhook.url, webhook.secret, service.body_of(delivery, event), event.type)
            for delivery, webhook, event in service.claim_due(session)
        ]


def _record(
    database: Database, delivery_id: int, code: int | None, error: str, base: float
) -> None:
    with database.session() as session:
        service.record_attempt(
            session, delivery_id=delivery_id, status_code=code, error=error, backoff_base=base
        )


async def _send(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    job: tuple[int, str, str, bytes, str],
) -> None:
    delivery_id, url, secret, body, event_type = job
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "Plenary-Delivery": str(delivery_id),
        "Plenary-Event": event_type,
        "Plenary-Timestamp": timestamp,
        service.SIGNATURE_HEADER: service.sign(secret, timestamp, body),
    }
    code: int | None = None
    error = ""
    try:
        response = await client.post(url, content=body, headers=headers)
        code = response.status_code
        if code >= 300:
            error = f"HTTP {code}"
    except httpx.HTTPError as failure:
        error = f"{type(failure).__name__}: {failure}"
    await run_in_threadpool(
        _record, database, delivery_id, code, error, settings.webhook_backoff_seconds
    )


async def deliver_forever(database: Database, settings: Settings) -> None:
    timeout = httpx.Timeout(settings.webhook_timeout_seconds)
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
        while True:
            try:
                jobs = await run_in_threadpool(_claim, database)
                if jobs:
                    await asyncio.gather(*(_send(client, database, settings, j) for j in jobs))
                    continue
            except Exception:
                logger.exception("webhook delivery round failed")
            await asyncio.sleep(settings.webhook_poll_seconds)
