"""The report's lifecycle: drafting -> adopted (in a session of the group) -> transmitted."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from app.amendments import service as amendments
from app.auth import Principal
from app.clock import utcnow
from app.errors import InvalidState, Unprocessable
from app.events.service import record_event
from app.groups.models import Role
from app.meetings import meetings, sessions
from app.meetings.certificate import issue_certificate
from app.meetings.models import Meeting, deciding_session
from app.reports import service as reports
from app.reports.models import MilestoneKind, Report, ReportStatus

CHAIR = [Role.chair]


def adopt_report(
    session: Session,
    *,
    report_id: int,
    principal: Principal,
    window_days: float,
    if_match: str | None,
) -> Report:
    """Put the report to bed, in a session in progress that decides (plenary or closed):
    editorial changes for `window_days`, substance by consent. The meeting closes with it."""
    report = reports.lock_report(session, report_id=report_id, principal=principal, roles=CHAIR)
    reports.ensure_drafting(report, "Adopting the report")
    reports.require_report_match(session, report, if_match)
    if window_days * 24 < report.editorial_notice_hours:
        raise Unprocessable(
            f"An editorial window of {window_days:g} days is shorter than the report's editorial "
            f"notice ({report.editorial_notice_hours:g} hours): no editorial change could go in. "
            "Choose a longer window, or a shorter notice before adopting.",
            editorial_notice_hours=report.editorial_notice_hours,
        )
    sitting = deciding_session(session, report.id, decision="Adopting the report")
    reports.ensure_parts_settled(session, report.id)
    sessions.record_decision(
        session, report=report, sitting=sitting, decision="adopt_report", actor=principal
    )
    meeting = session.get(Meeting, sitting.meeting_id)
    if meeting is not None:
        meetings.close(session, report, meeting, principal.participant_id)
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
    """The chair transmits an adopted report once its editorial week is over: no session is
    needed (the group decided when it adopted)."""
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
