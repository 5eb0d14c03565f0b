"""The floor under the chair's control (issue 30): the chair queues the next amendments,
takes the one on the floor off (back to proposed, with the reason shown) or defers it (off,
and last in the queue), and calls the next; an amendment that no longer merges onto its
section leaves the floor as conflicted, the reason on the meeting's `floor_note`."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.amendments.actions import record, require_status
from app.amendments.applying import leave_floor_conflicted
from app.amendments.floor import put_on_floor
from app.amendments.locking import NO_PRECONDITION, lock_amendment
from app.amendments.models import Amendment, AmendmentStatus
from app.amendments.rebase import rebase
from app.auth import Principal
from app.errors import InvalidState
from app.groups.models import Role
from app.meetings.models import FloorQueueEntry, Meeting, open_meeting_of
from app.reports import service as reports
from app.reports.models import Report, Section

CHAIR = [Role.chair]


def _meeting(session: Session, report: Report) -> Meeting:
    meeting = open_meeting_of(session, report.id)
    if meeting is None:
        raise InvalidState("No meeting is open on this report; the chair opens one first.")
    return meeting


def _append(session: Session, meeting: Meeting, amendment: Amendment, deferred: bool) -> int:
    last = session.scalar(
        select(func.max(FloorQueueEntry.position)).where(FloorQueueEntry.meeting_id == meeting.id)
    )
    entry = session.get(FloorQueueEntry, (meeting.id, amendment.id))
    if entry is None:
        entry = FloorQueueEntry(meeting_id=meeting.id, amendment_id=amendment.id, position=0)
        session.add(entry)
    entry.position = (last or 0) + 1
    entry.deferred = deferred
    session.flush()
    return entry.position


def queue_amendment(session: Session, *, amendment_id: int, principal: Principal) -> Amendment:
    report, amendment = lock_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=CHAIR,
        if_match=NO_PRECONDITION,
    )
    reports.ensure_drafting(report, "Queueing an amendment for the floor")
    require_status(amendment, AmendmentStatus.proposed, action="queue for the floor")
    meeting = _meeting(session, report)
    if session.get(FloorQueueEntry, (meeting.id, amendment.id)) is not None:
        raise InvalidState(f"Amendment {amendment.id} is already in the queue.")
    position = _append(session, meeting, amendment, deferred=False)
    record(
        session,
        report,
        "floor.queued",
        principal.participant_id,
        meeting_id=meeting.id,
        amendment_id=amendment.id,
        position=position,
    )
    return amendment


def _off_the_floor(
    session: Session, *, amendment_id: int, principal: Principal, if_match: str | None
) -> tuple[Report, Meeting, Amendment]:
    report, amendment = lock_amendment(
        session, amendment_id=amendment_id, principal=principal, roles=CHAIR, if_match=if_match
    )
    require_status(amendment, AmendmentStatus.on_floor, action="take off the floor")
    meeting = _meeting(session, report)
    meeting.floor_amendment_id = None
    amendment.status = AmendmentStatus.proposed
    return report, meeting, amendment


def take_off_floor(
    session: Session, *, amendment_id: int, principal: Principal, reason: str, if_match: str | None
) -> Amendment:
    """Back to proposed: it may come back later, or never."""
    report, meeting, amendment = _off_the_floor(
        session, amendment_id=amendment_id, principal=principal, if_match=if_match
    )
    meeting.floor_note = f"Amendment {amendment.id} was taken off the floor: {reason}".strip()
    session.flush()
    record(
        session,
        report,
        "floor.taken_off",
        principal.participant_id,
        meeting_id=meeting.id,
        amendment_id=amendment.id,
        reason=reason,
    )
    return amendment


def defer_amendment(
    session: Session, *, amendment_id: int, principal: Principal, reason: str, if_match: str | None
) -> Amendment:
    """Off the floor and last in the queue."""
    report, meeting, amendment = _off_the_floor(
        session, amendment_id=amendment_id, principal=principal, if_match=if_match
    )
    meeting.floor_note = f"Amendment {amendment.id} was deferred: {reason}".strip()
    position = _append(session, meeting, amendment, deferred=True)
    record(
        session,
        report,
        "floor.deferred",
        principal.participant_id,
        meeting_id=meeting.id,
        amendment_id=amendment.id,
        position=position,
        reason=reason,
    )
    return amendment


def queue_of(session: Session, meeting: Meeting) -> list[FloorQueueEntry]:
    return list(
        session.scalars(
            select(FloorQueueEntry)
            .where(FloorQueueEntry.meeting_id == meeting.id)
            .order_by(FloorQueueEntry.position)
        )
    )


def next_on_floor(session: Session, *, meeting_id: int, principal: Principal) -> Amendment | None:
    """The chair calls the first amendment of the queue still proposed (an entry whose
    amendment was decided meanwhile drops out; one that no longer merges ends conflicted).
    None: the queue is empty."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.closed_at is not None:
        raise InvalidState(f"Meeting {meeting_id} is not open.")
    report = reports.lock_report(
        session, report_id=meeting.report_id, principal=principal, roles=CHAIR
    )
    session.refresh(meeting)
    for entry in queue_of(session, meeting):
        amendment = session.get(Amendment, entry.amendment_id)
        session.delete(entry)
        if amendment is None or amendment.status != AmendmentStatus.proposed:
            continue
        section = session.get(Section, amendment.section_id)
        if section is not None and not rebase(session, amendment, section=section).applies:
            leave_floor_conflicted(session, report, amendment, section, called_by=meeting)
            continue
        session.flush()
        return put_on_floor(
            session, amendment_id=amendment.id, principal=principal, if_match=NO_PRECONDITION
        )
    session.flush()
    return None
