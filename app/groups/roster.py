"""Roster changes (roles, deactivation, invitations) as events of the group's reports.

Events live in each report's hash-chained log, which feeds the live stream and webhooks; a
roster change decides who may write and vote on every report of the group, so it is appended
to each of them (transmitted reports are frozen and get nothing). A group with no report yet
has no log to write to.

Payloads are public (Chatham House): they carry roles and times, never a participant's id or
name. Members read the actor through the attributed view (`actor_id`) and the participant's
current state through the roster.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.events.service import record_event
from app.reports.models import Report, ReportStatus


def record_roster_event(
    session: Session, *, group_id: int, type: str, actor_id: int | None, payload: dict[str, Any]
) -> int:
    """Append `type` to the log of every report of the group still open; returns how many."""
    # Locked in id order, as every other write locks its report first: no deadlock, and each
    # report's chain stays in commit order.
    reports = list(
        session.scalars(
            select(Report)
            .where(Report.group_id == group_id, Report.status != ReportStatus.transmitted)
            .order_by(Report.id)
            .with_for_update()
        )
    )
    for report in reports:
        record_event(session, report_id=report.id, type=type, actor_id=actor_id, payload=payload)
    return len(reports)
