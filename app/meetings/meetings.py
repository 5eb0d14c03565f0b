"""Meetings on a report: opened (with dates and venue, and by default a plenary session in
progress) and closed by the chair. Closing a meeting ends its session in progress and clears
its floor."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.amendments.models import Amendment, AmendmentStatus
from app.auth import Principal
from app.clock import utcnow
from app.errors import InvalidState, NotFound, Unprocessable
from app.events.service import record_event
from app.groups.models import Role
from app.meetings import sessions
from app.meetings.models import (
    FloorQueueEntry,
    Meeting,
    SessionKind,
    open_meeting_of,
    session_in_progress,
)
from app.pagination import page_query
from app.reports import service as reports
from app.reports.models import Report

CHAIR = [Role.chair]


def open_meeting(
    session: Session,
    *,
    report_id: int,
    principal: Principal,
    title: str = "",
    venue: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    first_session: SessionKind | None = SessionKind.plenary,
) -> Meeting:
    """Open a meeting; `first_session`: the kind of the session started with it (none:
    the chair starts one later). Existing flows open a meeting and decide at once: the
    default plenary session lets them."""
    report = reports.lock_report(session, report_id=report_id, principal=principal, roles=CHAIR)
    reports.ensure_drafting(report, "Opening a meeting")
    if open_meeting_of(session, report.id) is not None:
        raise InvalidState("A meeting is already open on this report.")
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise Unprocessable("A meeting ends on or after the day it starts.")
    meeting = Meeting(
        report_id=report.id,
        opened_by_id=principal.participant_id,
        title=title,
        venue=venue,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    session.add(meeting)
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="meeting.opened",
        actor_id=principal.participant_id,
        payload={"meeting_id": meeting.id},
    )
    if first_session is not None:
        sitting = sessions.add_session(
            session, report=report, meeting=meeting, principal=principal, kind=first_session
        )
        sessions.begin(session, report=report, sitting=sitting, actor_id=principal.participant_id)
    return meeting


def close(session: Session, report: Report, meeting: Meeting, actor_id: int | None) -> None:
    """End the meeting: its session in progress ends, its floor and queue are cleared."""
    sitting = session_in_progress(session, report.id)
    if sitting is not None and sitting.meeting_id == meeting.id:
        sessions.finish(session, report=report, sitting=sitting, actor_id=actor_id)
    if meeting.floor_amendment_id is not None:
        on_floor = session.get(Amendment, meeting.floor_amendment_id)
        if on_floor is not None and on_floor.status == AmendmentStatus.on_floor:
            on_floor.status = AmendmentStatus.proposed
        meeting.floor_amendment_id = None
    session.execute(delete(FloorQueueEntry).where(FloorQueueEntry.meeting_id == meeting.id))
    meeting.closed_at = utcnow()
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="meeting.closed",
        actor_id=actor_id,
        payload={"meeting_id": meeting.id},
    )


def close_meeting(session: Session, *, meeting_id: int, principal: Principal) -> Meeting:
    meeting = get_meeting(session, meeting_id=meeting_id, principal=principal)
    report = reports.lock_report(
        session, report_id=meeting.report_id, principal=principal, roles=CHAIR
    )
    session.refresh(meeting)
    if meeting.closed_at is not None:
        raise InvalidState(f"Meeting {meeting.id} is already closed.")
    close(session, report, meeting, principal.participant_id)
    return meeting


def get_meeting(session: Session, *, meeting_id: int, principal: Principal | None) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"No meeting {meeting_id}.")
    reports.get_report(session, report_id=meeting.report_id, principal=principal)
    return meeting


def list_meetings(
    session: Session, *, report: Report, after: int, limit: int
) -> tuple[list[Meeting], int | None]:
    query = select(Meeting).where(Meeting.report_id == report.id)
    return page_query(session, query, Meeting.id, after=after, limit=limit)
