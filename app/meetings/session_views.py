"""Answers about sessions, built for the caller: the inside of a closed session only for
those admitted (app/visibility.py), speakers named by the session's rule, captions of the
public sessions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import visibility
from app.auth import Principal
from app.clock import utcnow
from app.groups.models import Participant
from app.meetings import service
from app.meetings.models import AgendaItem, MeetingSession, SpeakerRequest
from app.meetings.session_schemas import (
    PUBLIC_VIEWS,
    AgendaItemRead,
    CaptionRead,
    ProjectionRead,
    SessionRead,
    SessionScreen,
    SpeakerRead,
)
from app.reports.models import Report

SCREEN_CAPTIONS = 5


def _status(sitting: MeetingSession) -> str:
    if sitting.started_at is None:
        return "scheduled"
    return "in_progress" if sitting.ended_at is None else "ended"


def session_read(
    session: Session, report: Report, sitting: MeetingSession, principal: Principal | None
) -> SessionRead:
    inside = visibility.reads_session(report, sitting.kind, principal)
    item = session.get(AgendaItem, sitting.current_item_id) if sitting.current_item_id else None
    return SessionRead(
        id=sitting.id,
        meeting_id=sitting.meeting_id,
        report_id=sitting.report_id,
        kind=sitting.kind,
        title=sitting.title,
        status=_status(sitting),
        public_speakers=sitting.public_speakers,
        speaking_seconds=sitting.speaking_seconds,
        created_at=sitting.created_at,
        started_at=sitting.started_at,
        ended_at=sitting.ended_at,
        current_item=AgendaItemRead.model_validate(item) if item and inside else None,
        projection=ProjectionRead(
            view=sitting.projection,
            paragraph=sitting.projection_paragraph,
            amendment_id=sitting.projection_amendment_id,
        )
        if inside
        else None,
        present=service.present_count(session, sitting),
        summary=sitting.summary if service.reads_summary(report, sitting, principal) else None,
        summary_updated_at=sitting.summary_updated_at,
        summary_published_at=sitting.summary_published_at,
    )


def speaker_reads(
    session: Session,
    sitting: MeetingSession,
    requests: list[SpeakerRequest],
    principal: Principal | None,
) -> list[SpeakerRead]:
    attributed = visibility.is_attributed(principal)
    ids = {r.participant_id for r in requests}
    people = (
        {p.id: p for p in session.scalars(select(Participant).where(Participant.id.in_(ids)))}
        if ids
        else {}
    )
    now = utcnow()
    reads = []
    for request in requests:
        who = people[request.participant_id]
        spoken = None
        if request.started_at is not None:
            spoken = int(((request.ended_at or now) - request.started_at).total_seconds())
        read = SpeakerRead(
            id=request.id,
            session_id=request.session_id,
            label=visibility.speaker_label(
                attributed=attributed,
                name=who.name,
                stakeholder=who.stakeholder.value,
                public_speakers=sitting.public_speakers,
            ),
            participant_id=who.id,
            name=who.name,
            point_of_order=request.point_of_order,
            status=request.status,
            requested_at=request.requested_at,
            started_at=request.started_at,
            ended_at=request.ended_at,
            spoken_seconds=spoken,
            over_time=bool(
                spoken is not None
                and sitting.speaking_seconds is not None
                and spoken > sitting.speaking_seconds
            ),
        )
        reads.append(read if attributed else visibility.redacted(read, PUBLIC_VIEWS))
    return reads


def speaker_read(
    session: Session, sitting: MeetingSession, request: SpeakerRequest, principal: Principal | None
) -> SpeakerRead:
    return speaker_reads(session, sitting, [request], principal)[0]


def session_screen(
    session: Session, report: Report, sitting: MeetingSession, principal: Principal | None
) -> SessionScreen:
    """The inside of a session: the caller has passed `ensure_session_readable`."""
    return SessionScreen(
        session=session_read(session, report, sitting, principal),
        agenda=[AgendaItemRead.model_validate(i) for i in service.items_of(session, sitting)],
        speakers=speaker_reads(session, sitting, service.queue_of(session, sitting), principal),
        captions=[
            CaptionRead.model_validate(c)
            for c in service.latest_captions(session, sitting, SCREEN_CAPTIONS)
        ],
    )
