"""Sessions of a meeting: the chair schedules one of a kind, starts it (one in progress per
report at a time) and ends it. What each kind lets whom do is decided in app/visibility.py;
which kinds decide for the group, in `DECIDING_KINDS` (app/meetings/models.py)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.clock import utcnow
from app.errors import InvalidState, NotFound, Unprocessable
from app.events.service import record_event
from app.groups.models import Role
from app.meetings.models import (
    Meeting,
    MeetingSession,
    SessionKind,
    SpeakerRequest,
    SpeakerStatus,
    decision_payload,
    session_in_progress,
)
from app.reports import service as reports
from app.reports.models import Report

CHAIR = [Role.chair]
EVERY_ROLE = list(Role)


def add_session(
    session: Session,
    *,
    report: Report,
    meeting: Meeting,
    principal: Principal,
    kind: SessionKind,
    title: str = "",
    public_speakers: str | None = None,
    speaking_seconds: int | None = None,
) -> MeetingSession:
    if meeting.closed_at is not None:
        raise InvalidState(f"Meeting {meeting.id} is closed.")
    rule = public_speakers or (
        "stakeholder" if kind == SessionKind.open_consultation else "participant"
    )
    if rule == "stakeholder" and kind != SessionKind.open_consultation:
        raise Unprocessable(
            "Only an open consultation names speakers by stakeholder category in public; "
            f"a {kind.value} session keeps the Chatham House rule ('a participant')."
        )
    sitting = MeetingSession(
        meeting_id=meeting.id,
        report_id=report.id,
        kind=kind,
        title=title,
        public_speakers=rule,
        speaking_seconds=speaking_seconds,
    )
    session.add(sitting)
    session.flush()
    _record(session, report, "session.scheduled", principal.participant_id, sitting)
    return sitting


def schedule_session(
    session: Session,
    *,
    meeting_id: int,
    principal: Principal,
    kind: SessionKind,
    title: str,
    public_speakers: str | None,
    speaking_seconds: int | None,
    start: bool,
) -> MeetingSession:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"No meeting {meeting_id}.")
    report = reports.lock_report(
        session, report_id=meeting.report_id, principal=principal, roles=CHAIR
    )
    session.refresh(meeting)
    sitting = add_session(
        session,
        report=report,
        meeting=meeting,
        principal=principal,
        kind=kind,
        title=title,
        public_speakers=public_speakers,
        speaking_seconds=speaking_seconds,
    )
    if start:
        begin(session, report=report, sitting=sitting, actor_id=principal.participant_id)
    return sitting


def lock_session(
    session: Session, *, session_id: int, principal: Principal, roles: list[Role]
) -> tuple[Report, MeetingSession]:
    """The session and its report, under the report's write lock."""
    sitting = session.get(MeetingSession, session_id)
    if sitting is None:
        raise NotFound(f"No session {session_id}.")
    report = reports.lock_report(
        session, report_id=sitting.report_id, principal=principal, roles=roles
    )
    session.refresh(sitting)
    return report, sitting


def ensure_in_progress(sitting: MeetingSession, action: str) -> None:
    if not sitting.in_progress:
        state = "has not started" if sitting.started_at is None else "has ended"
        raise InvalidState(f"{action}: session {sitting.id} {state}.", session_id=sitting.id)


def begin(
    session: Session, *, report: Report, sitting: MeetingSession, actor_id: int | None
) -> None:
    if sitting.started_at is not None:
        raise InvalidState(f"Session {sitting.id} has already started.")
    running = session_in_progress(session, report.id)
    if running is not None:
        raise InvalidState(
            f"Session {running.id} is in progress; the chair ends it first.",
            session_id=running.id,
        )
    meeting = session.get(Meeting, sitting.meeting_id)
    if meeting is None or meeting.closed_at is not None:
        raise InvalidState(f"Meeting {sitting.meeting_id} is closed.")
    sitting.started_at = utcnow()
    session.flush()
    _record(session, report, "session.started", actor_id, sitting)


def start_session(session: Session, *, session_id: int, principal: Principal) -> MeetingSession:
    report, sitting = lock_session(session, session_id=session_id, principal=principal, roles=CHAIR)
    begin(session, report=report, sitting=sitting, actor_id=principal.participant_id)
    return sitting


def finish(
    session: Session, *, report: Report, sitting: MeetingSession, actor_id: int | None
) -> None:
    """End a session: whoever still speaks or waits leaves the list."""
    now = utcnow()
    for request in session.scalars(
        select(SpeakerRequest).where(
            SpeakerRequest.session_id == sitting.id,
            SpeakerRequest.status.in_([SpeakerStatus.waiting, SpeakerStatus.speaking]),
        )
    ):
        if request.status == SpeakerStatus.speaking:
            request.status = SpeakerStatus.done
        else:
            request.status = SpeakerStatus.skipped
        request.ended_at = now
    sitting.ended_at = now
    session.flush()
    _record(session, report, "session.ended", actor_id, sitting)


def end_session(session: Session, *, session_id: int, principal: Principal) -> MeetingSession:
    report, sitting = lock_session(session, session_id=session_id, principal=principal, roles=CHAIR)
    ensure_in_progress(sitting, "Ending a session")
    finish(session, report=report, sitting=sitting, actor_id=principal.participant_id)
    return sitting


def get_session(
    session: Session, *, session_id: int, principal: Principal | None
) -> tuple[Report, MeetingSession]:
    sitting = session.get(MeetingSession, session_id)
    if sitting is None:
        raise NotFound(f"No session {session_id}.")
    report = reports.get_report(session, report_id=sitting.report_id, principal=principal)
    return report, sitting


def list_sessions(session: Session, *, meeting: Meeting) -> list[MeetingSession]:
    return list(
        session.scalars(
            select(MeetingSession)
            .where(MeetingSession.meeting_id == meeting.id)
            .order_by(MeetingSession.id)
        )
    )


def record_decision(
    session: Session,
    *,
    report: Report,
    sitting: MeetingSession,
    decision: str,
    actor: Principal,
) -> None:
    record_event(
        session,
        report_id=report.id,
        type="session.decided",
        actor_id=actor.participant_id,
        payload=decision_payload(sitting, decision),
    )


def _record(
    session: Session, report: Report, type: str, actor_id: int | None, sitting: MeetingSession
) -> None:
    record_event(
        session,
        report_id=report.id,
        type=type,
        actor_id=actor_id,
        payload={
            "session_id": sitting.id,
            "meeting_id": sitting.meeting_id,
            "kind": sitting.kind.value,
        },
    )
