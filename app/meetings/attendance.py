"""Attendance: who is in the room, checked in by the secretariat (or the chair) or by the
participant itself; the rows stay as the record of who attended each session. Names are
shown to members only (app/visibility.py); everyone else sees how many are present."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import visibility
from app.auth import Principal
from app.clock import utcnow
from app.errors import Forbidden, InvalidState, NotFound
from app.events.service import record_event
from app.groups.models import Participant, Role
from app.meetings.models import Attendance, MeetingSession
from app.meetings.sessions import EVERY_ROLE, lock_session
from app.reports.models import Report

REGISTRARS = frozenset({Role.chair, Role.secretariat})


def _whom(
    session: Session, report: Report, sitting: MeetingSession, principal: Principal, pid: int | None
) -> Participant:
    """The participant checked in or out: oneself, or anyone for the secretariat or chair."""
    if pid is None or pid == principal.participant_id:
        if principal.participant is None:
            raise Forbidden("The site admin is not in the room; name a participant.")
        who = principal.participant
    else:
        if not principal.is_admin and principal.role not in REGISTRARS:
            raise Forbidden("The secretariat (or the chair) checks in others.")
        found = session.get(Participant, pid)
        if found is None or found.group_id != report.group_id:
            raise NotFound(f"No participant {pid} in this group.")
        who = found
    if not visibility.sits_in(sitting.kind, who):
        raise Forbidden(
            f"This participant is not admitted to a {sitting.kind.value} session.",
            session_kind=sitting.kind.value,
        )
    return who


def present_count(session: Session, sitting: MeetingSession) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                Attendance.session_id == sitting.id, Attendance.left_at.is_(None)
            )
        )
        or 0
    )


def check_in(
    session: Session, *, session_id: int, principal: Principal, participant_id: int | None
) -> Attendance:
    report, sitting = lock_session(
        session, session_id=session_id, principal=principal, roles=EVERY_ROLE
    )
    if sitting.ended_at is not None:
        raise InvalidState(f"Session {sitting.id} has ended; its attendance is the record.")
    who = _whom(session, report, sitting, principal, participant_id)
    row = session.get(Attendance, (sitting.id, who.id))
    if row is not None and row.left_at is None:
        return row  # already in the room: a retry changes nothing
    if row is None:
        row = Attendance(
            session_id=sitting.id, participant_id=who.id, checked_in_by_id=principal.participant_id
        )
        session.add(row)
    else:
        row.left_at = None
    session.flush()
    _record(session, report, sitting, "attendance.checked_in", principal)
    return row


def leave(
    session: Session, *, session_id: int, principal: Principal, participant_id: int | None
) -> Attendance:
    report, sitting = lock_session(
        session, session_id=session_id, principal=principal, roles=EVERY_ROLE
    )
    who = _whom(session, report, sitting, principal, participant_id)
    row = session.get(Attendance, (sitting.id, who.id))
    if row is None or row.left_at is not None:
        raise InvalidState("This participant is not in the room.")
    row.left_at = utcnow()
    session.flush()
    _record(session, report, sitting, "attendance.left", principal)
    return row


def attendance_of(
    session: Session, *, report: Report, sitting: MeetingSession, principal: Principal | None
) -> list[tuple[Attendance, Participant]]:
    if not visibility.is_attributed(principal):
        raise Forbidden("Who attended is shown to the members of the group.")
    rows = session.execute(
        select(Attendance, Participant)
        .join(Participant, Participant.id == Attendance.participant_id)
        .where(Attendance.session_id == sitting.id)
        .order_by(Attendance.checked_in_at, Participant.id)
    )
    return [(a, p) for a, p in rows.tuples()]


def _record(
    session: Session, report: Report, sitting: MeetingSession, type: str, principal: Principal
) -> None:
    record_event(
        session,
        report_id=report.id,
        type=type,
        actor_id=principal.participant_id,
        payload={"session_id": sitting.id, "present": present_count(session, sitting)},
    )
