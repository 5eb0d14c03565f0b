"""Plenary meetings and the report's lifecycle: drafting -> adopted -> transmitted."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.amendments import service as amendments
from app.amendments.models import Amendment, AmendmentStatus
from app.auth import Principal
from app.clock import utcnow
from app.errors import InvalidState, NotFound, Unprocessable
from app.events.service import record_event
from app.groups.models import Role
from app.meetings.certificate import issue_certificate
from app.meetings.models import Meeting
from app.pagination import page_query
from app.reports import service as reports
from app.reports.models import MilestoneKind, Report, ReportStatus

CHAIR = [Role.chair]


def open_meeting(session: Session, *, report_id: int, principal: Principal) -> Meeting:
    report = reports.lock_report(session, report_id=report_id, principal=principal, roles=CHAIR)
    reports.ensure_drafting(report, "Opening a meeting")
    if _open_meeting_of(session, report.id) is not None:
        raise InvalidState("A meeting is already open on this report.")
    meeting = Meeting(report_id=report.id, opened_by_id=principal.participant_id)
    session.add(meeting)
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="meeting.opened",
        actor_id=principal.participant_id,
        payload={"meeting_id": meeting.id},
    )
    return meeting


def _open_meeting_of(session: Session, report_id: int) -> Meeting | None:
    return session.scalar(
        select(Meeting).where(Meeting.report_id == report_id, Meeting.closed_at.is_(None))
    )


def _close(session: Session, report: Report, meeting: Meeting, actor_id: int | None) -> None:
    if meeting.floor_amendment_id is not None:
        on_floor = session.get(Amendment, meeting.floor_amendment_id)
        if on_floor is not None and on_floor.status == AmendmentStatus.on_floor:
            on_floor.status = AmendmentStatus.proposed
        meeting.floor_amendment_id = None
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
    _close(session, report, meeting, principal.participant_id)
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


def adopt_report(
    session: Session,
    *,
    report_id: int,
    principal: Principal,
    window_days: float,
    if_match: str | None,
) -> Report:
    """Put the report to bed: editorial changes for `window_days`, substance by consent."""
    report = reports.lock_report(session, report_id=report_id, principal=principal, roles=CHAIR)
    reports.ensure_drafting(report, "Adopting the report")
    reports.require_report_match(session, report, if_match)
    reports.ensure_parts_settled(session, report.id)
    if window_days * 24 < report.editorial_notice_hours:
        raise Unprocessable(
            f"An editorial window of {window_days:g} days is shorter than the report's editorial "
            f"notice ({report.editorial_notice_hours:g} hours): no editorial change could go in. "
            "Choose a longer window, or a shorter notice before adopting.",
            editorial_notice_hours=report.editorial_notice_hours,
        )
    meeting = _open_meeting_of(session, report.id)
    if meeting is not None:
        _close(session, report, meeting, principal.participant_id)
    lapsed = amendments.lapse_open(
        session,
        report=report,
        actor_id=principal.participant_id,
        note="Not decided before the report was adopted.",
    )
    now = utcnow()
    report.status = ReportStatus.adopted
    report.adopted_at = now
    report.editorial_window_ends_at = now + timedelta(days=window_days)
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="report.adopted",
        actor_id=principal.participant_id,
        payload={
            "editorial_window_ends_at": report.editorial_window_ends_at.isoformat(),
            "lapsed_amendments": lapsed,
        },
    )
    reports.create_milestone(
        session, report=report, name="Adopted text", kind=MilestoneKind.adoption, actor=principal
    )
    return report


def transmit_report(
    session: Session, *, report_id: int, principal: Principal, if_match: str | None
) -> Report:
    report = reports.lock_report(session, report_id=report_id, principal=principal, roles=CHAIR)
    amendments.settle_due(session, report=report)
    reports.ensure_not_transmitted(report)
    reports.require_report_match(session, report, if_match)
    if report.status != ReportStatus.adopted:
        raise InvalidState(
            "Only an adopted report can be transmitted.", report_status=report.status.value
        )
    reports.ensure_no_open_points(session, report=report)
    lapsed = amendments.lapse_open(
        session,
        report=report,
        actor_id=principal.participant_id,
        note="The report was transmitted.",
    )
    report.status = ReportStatus.transmitted
    report.transmitted_at = utcnow()
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="report.transmitted",
        actor_id=principal.participant_id,
        payload={"lapsed_amendments": lapsed},
    )
    milestone = reports.create_milestone(
        session,
        report=report,
        name="Transmitted text",
        kind=MilestoneKind.transmission,
        actor=principal,
    )
    issue_certificate(session, report=report, milestone=milestone)
    return report
