"""Captions and summaries. The chair names captioners for a meeting (any participant of the
group: a narrow grant, it lets them add caption lines and nothing else); a captioner streams
lines during a public session in progress (open consultation or plenary), shown under the
public screen and kept with the session. The secretariat writes a session's summary (a
document of the meeting, exported as Markdown); a closed session's summary is public only
once the chair publishes it."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.clock import utcnow
from app.errors import Forbidden, InvalidState, NotFound
from app.events.service import record_event
from app.groups.models import Participant, Role
from app.meetings.meetings import get_meeting
from app.meetings.models import Captioner, CaptionLine, Meeting, MeetingSession, SessionKind
from app.meetings.sessions import EVERY_ROLE, ensure_in_progress, lock_session
from app.reports import service as reports
from app.visibility import is_attributed

CAPTIONED_KINDS = frozenset({SessionKind.open_consultation, SessionKind.plenary})
SUMMARY_WRITERS = [Role.chair, Role.secretariat]


def name_captioner(
    session: Session, *, meeting_id: int, principal: Principal, participant_id: int, on: bool
) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"No meeting {meeting_id}.")
    report = reports.lock_report(
        session, report_id=meeting.report_id, principal=principal, roles=[Role.chair]
    )
    who = session.get(Participant, participant_id)
    if who is None or who.group_id != report.group_id:
        raise NotFound(f"No participant {participant_id} in this group.")
    if on:
        if session.get(Captioner, (meeting.id, who.id)) is None:
            session.add(Captioner(meeting_id=meeting.id, participant_id=who.id))
    else:
        session.execute(
            delete(Captioner).where(
                Captioner.meeting_id == meeting.id, Captioner.participant_id == who.id
            )
        )
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="caption.captioners_changed",
        actor_id=principal.participant_id,
        payload={"meeting_id": meeting.id},
    )
    return meeting


def captioners_of(
    session: Session, *, meeting_id: int, principal: Principal | None
) -> list[tuple[int, str]]:
    """Who captions the meeting, (participant id, name) by name. Who captions is a person:
    the members of the group see every captioner; any other reader (an observer, the
    public) sees only themselves, if named, so that a captioner's page knows to offer the
    caption field without naming anyone to whoever may not see names."""
    meeting = get_meeting(session, meeting_id=meeting_id, principal=principal)
    rows = session.execute(
        select(Captioner.participant_id, Participant.name)
        .join(Participant, Participant.id == Captioner.participant_id)
        .where(Captioner.meeting_id == meeting.id)
        .order_by(Participant.name, Participant.id)
    ).all()
    found = [(row.participant_id, row.name) for row in rows]
    if is_attributed(principal):
        return found
    me = principal.participant_id if principal is not None else None
    return [(who, name) for who, name in found if me is not None and who == me]


def add_caption(
    session: Session, *, session_id: int, principal: Principal, text: str
) -> CaptionLine:
    report, sitting = lock_session(
        session, session_id=session_id, principal=principal, roles=EVERY_ROLE
    )
    named = principal.participant_id is not None and (
        session.get(Captioner, (sitting.meeting_id, principal.participant_id)) is not None
    )
    if not named:
        raise Forbidden("Only a captioner the chair named for this meeting adds captions.")
    if sitting.kind not in CAPTIONED_KINDS:
        raise InvalidState("A closed session is not captioned.", session_kind=sitting.kind.value)
    ensure_in_progress(sitting, "Captioning")
    line = CaptionLine(session_id=sitting.id, author_id=principal.participant_id, text=text)
    session.add(line)
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="caption.added",
        actor_id=principal.participant_id,
        payload={"session_id": sitting.id, "caption_id": line.id, "text": text},
    )
    return line


def captions_of(
    session: Session, sitting: MeetingSession, *, after: int = 0, limit: int = 200
) -> list[CaptionLine]:
    return list(
        session.scalars(
            select(CaptionLine)
            .where(CaptionLine.session_id == sitting.id, CaptionLine.id > after)
            .order_by(CaptionLine.id)
            .limit(limit)
        )
    )


def latest_captions(session: Session, sitting: MeetingSession, count: int) -> list[CaptionLine]:
    rows = session.scalars(
        select(CaptionLine)
        .where(CaptionLine.session_id == sitting.id)
        .order_by(CaptionLine.id.desc())
        .limit(count)
    )
    return list(reversed(list(rows)))


def write_summary(
    session: Session, *, session_id: int, principal: Principal, text: str
) -> MeetingSession:
    report, sitting = lock_session(
        session, session_id=session_id, principal=principal, roles=SUMMARY_WRITERS
    )
    sitting.summary = text
    sitting.summary_updated_at = utcnow()
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="session.summary_written",
        actor_id=principal.participant_id,
        payload={"session_id": sitting.id, "chars": len(text)},
    )
    return sitting


def publish_summary(session: Session, *, session_id: int, principal: Principal) -> MeetingSession:
    """The chair makes a (closed) session's summary public: the one thing of it that is."""
    report, sitting = lock_session(
        session, session_id=session_id, principal=principal, roles=[Role.chair]
    )
    if not sitting.summary:
        raise InvalidState("The session has no summary yet; the secretariat writes it first.")
    sitting.summary_published_at = utcnow()
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="session.summary_published",
        actor_id=principal.participant_id,
        payload={"session_id": sitting.id},
    )
    return sitting
