"""A questionnaire closes by itself: its state follows the clock on every read and write
(`state_of`, `ensure_open`), and this sweep records `questionnaire.closed` in its report's log
(stream, webhooks) once the deadline has passed, without waiting for any request. One of the
group alone is only marked (it keeps no event log)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from app.clock import rfc3339, utcnow
from app.db import Database, WriteGate
from app.questionnaires.models import Questionnaire, ReplyAudience
from app.questionnaires.service.questionnaires import lock, record
from app.questionnaires.service.replies import counted_replies

logger = logging.getLogger("plenary.questionnaires")


def record_closings(database: Database, now: datetime | None = None) -> int:
    """Record the closing of every questionnaire past its deadline; returns how many."""
    now = now or utcnow()
    with database.session(write=False) as session:
        due = list(
            session.scalars(
                select(Questionnaire.id).where(
                    Questionnaire.closed_recorded_at.is_(None), Questionnaire.deadline <= now
                )
            )
        )
    for questionnaire_id in due:
        with database.session() as session:
            questionnaire = lock(session, questionnaire_id)
            if questionnaire.closed_recorded_at is not None:
                continue  # another process got there first
            questionnaire.closed_recorded_at = now
            counted = counted_replies(session, questionnaire)
            internal = sum(1 for r in counted if r.audience == ReplyAudience.internal)
            record(
                session,
                questionnaire,
                type="questionnaire.closed",
                actor_id=None,
                payload={
                    "deadline": rfc3339(questionnaire.deadline),
                    "internal_replies": internal,
                    "public_replies": len(counted) - internal,
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
            logger.exception("questionnaire closing sweep failed")
