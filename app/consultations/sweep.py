"""A round closes by itself: its state follows the clock on every read (`state_of`), and this
sweep puts a `consultation.closed` event on the report's record (stream, webhooks) once the
closing time has passed, without waiting for any request."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from app.clock import rfc3339, utcnow
from app.consultations.models import Comment, CommentVisibility, Consultation
from app.db import Database, WriteGate
from app.events.service import record_event
from app.reports import service as reports

logger = logging.getLogger("plenary.consultations")


def record_closings(database: Database, now: datetime | None = None) -> int:
    """Record the closing of every round past its closing time; returns how many."""
    now = now or utcnow()
    with database.session(write=False) as session:
        due = list(
            session.execute(
                select(Consultation.id, Consultation.report_id).where(
                    Consultation.closed_recorded_at.is_(None), Consultation.closes_at <= now
                )
            ).tuples()
        )
    for consultation_id, report_id in due:
        with database.session() as session:
            reports.lock_report_row(session, report_id=report_id)
            consultation = session.get(Consultation, consultation_id, populate_existing=True)
            if consultation is None or consultation.closed_recorded_at is not None:
                continue  # another process got there first
            consultation.closed_recorded_at = now
            published = session.scalars(
                select(Comment.id).where(
                    Comment.consultation_id == consultation.id,
                    Comment.parent_id.is_(None),
                    Comment.visibility == CommentVisibility.published,
                )
            ).all()
            record_event(
                session,
                report_id=report_id,
                type="consultation.closed",
                actor_id=None,
                payload={
                    "consultation_id": consultation.id,
                    "closes_at": rfc3339(consultation.closes_at),
                    "comments": len(published),
                },
            )
    return len(due)


async def close_forever(database: Database, interval: float, gate: WriteGate) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            async with gate.held():  # queued with the requests' writes (see WriteGate)
                await run_in_threadpool(record_closings, database)
        except Exception:  # keep sweeping; reads never depend on it
            logger.exception("consultation closing sweep failed")
