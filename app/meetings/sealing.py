"""Sealing a transmitted report's exports: the certificate covers the bytes of every format.

The certificate, issued inside the transmitting transaction, hashes the canonical Markdown.
A delegation keeps the PDF or the Word file, so those bytes are hashed too; every export at
a milestone is the same bytes for every reader (dated by the milestone, never by the clock),
so anyone can fetch one and compare. Rendering a PDF takes a second or more, so it happens
after the response, outside every lock; the hashes then go on the record as a
`certificate.sealed` event, in the hash chain like every other event.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.db import Database, WriteGate
from app.events.models import Event
from app.events.service import record_event
from app.reports import service as reports
from app.reports import views as report_views
from app.reports.models import Certificate, Report

logger = logging.getLogger("plenary.certificate")

SEALED_TYPE = "certificate.sealed"


def _digest(body: str | bytes) -> dict[str, Any]:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def render_digests(session: Session, report: Report, milestone_id: int) -> dict[str, Any]:
    """Each format's hash, of the bytes `GET .../export?format=F&milestone=M` serves (and,
    once transmitted, the default export: app/reports/certified.py)."""
    return {
        format: _digest(
            report_views.export(session, report, format=format, milestone_id=milestone_id, at=None)
        )
        for format in reports.sealed_formats(report)
    }


def sealed_exports(session: Session, report_id: int) -> dict[str, Any] | None:
    """The seal on the record, if the report's exports have been sealed."""
    payload = session.scalar(
        select(Event.payload)
        .where(Event.report_id == report_id, Event.type == SEALED_TYPE)
        .order_by(Event.seq)
        .limit(1)
    )
    return dict(payload) if payload is not None else None


def _digests_to_seal(database: Database, report_id: int) -> tuple[int, dict[str, Any]] | None:
    with database.session(write=False) as session:
        certificate = session.get(Certificate, report_id)
        report = session.get(Report, report_id)
        if certificate is None or report is None or sealed_exports(session, report_id):
            return None
        milestone_id = int(certificate.body["milestone_id"])
        return milestone_id, render_digests(session, report, milestone_id)


def _record_seal(
    database: Database, report_id: int, milestone_id: int, digests: dict[str, Any]
) -> None:
    with database.session() as session:
        session.scalar(select(Report).where(Report.id == report_id).with_for_update())
        if sealed_exports(session, report_id):
            return  # sealed meanwhile (another process, or a retried request)
        record_event(
            session,
            report_id=report_id,
            type=SEALED_TYPE,
            actor_id=None,
            payload={"milestone_id": milestone_id, "exports": digests},
        )


async def seal_exports(database: Database, gate: WriteGate, report_id: int) -> None:
    """Render every format (reads, no lock), then record their hashes once."""
    try:
        found = await run_in_threadpool(_digests_to_seal, database, report_id)
        if found is None:
            return
        async with gate.held():
            await run_in_threadpool(_record_seal, database, report_id, *found)
    except Exception:  # the certificate stands without the seal; POST .../seal retries
        logger.exception("sealing the exports of report %s failed", report_id)
