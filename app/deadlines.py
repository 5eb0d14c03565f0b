"""Deadlines take effect on time, without waiting for a request, and before any read."""

from __future__ import annotations

import asyncio
import logging

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from app.amendments import service as amendments
from app.db import Database
from app.groups.models import Role
from app.reports.models import Report

logger = logging.getLogger("plenary.deadlines")


def settle_all_due(database: Database) -> int:
    """Close every consent round whose deadline has passed; returns how many reports moved."""
    with database.session(write=False) as session:
        due = amendments.reports_with_due_rounds(session)
    for report_id in due:
        with database.session() as session:
            report = session.get(Report, report_id, with_for_update=True)
            if report is not None:
                amendments.settle_due(session, report=report)
    return len(due)


async def settle_before_request(request: Request) -> None:
    """A route dependency: runs before the request's own transaction starts, so what the
    request reads already reflects every passed deadline."""
    await run_in_threadpool(settle_all_due, request.app.state.database)


async def sweep_forever(database: Database, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await run_in_threadpool(settle_all_due, database)
        except Exception:  # keep sweeping; the next request settles too
            logger.exception("deadline sweep failed")


__all__ = ["Role", "settle_all_due", "settle_before_request", "sweep_forever"]
