"""Routes of the list of speakers, attendance and caption lines."""

from __future__ import annotations

from fastapi import APIRouter, Depends, status

from app import visibility
from app.amendments.service import settle_before_request
from app.auth import CurrentPrincipal, OptionalPrincipal
from app.db import SessionDep
from app.errors import NotFound
from app.groups.models import Participant
from app.idempotency import IdempotentRoute
from app.meetings import service
from app.meetings.models import Attendance, MeetingSession, SpeakerRequest
from app.meetings.session_schemas import (
    AttendanceCheck,
    AttendanceList,
    AttendanceRead,
    CaptionCreate,
    CaptionList,
    CaptionRead,
    SpeakerAsk,
    SpeakerGive,
    SpeakerList,
    SpeakerRead,
)
from app.meetings.session_views import speaker_read, speaker_reads
from app.pagination import After
from app.schemas import IdPath

router = APIRouter(
    prefix="/v1",
    route_class=IdempotentRoute,
    tags=["sessions"],
    dependencies=[Depends(settle_before_request)],
)


def _speaker(
    session: SessionDep, request: SpeakerRequest, principal: OptionalPrincipal
) -> SpeakerRead:
    sitting = session.get(MeetingSession, request.session_id)
    if sitting is None:  # a request's session is never deleted
        raise NotFound(f"No session {request.session_id}.")
    return speaker_read(session, sitting, request, principal)


@router.post(
    "/sessions/{session_id}/speakers",
    response_model=SpeakerRead,
    status_code=status.HTTP_201_CREATED,
)
def ask_for_the_floor(
    session_id: IdPath, body: SpeakerAsk, session: SessionDep, principal: CurrentPrincipal
) -> SpeakerRead:
    """Put one's name on the list (who may follows the session's kind)."""
    request = service.ask_for_the_floor(
        session, session_id=session_id, principal=principal, point_of_order=body.point_of_order
    )
    return _speaker(session, request, principal)


@router.get("/sessions/{session_id}/speakers", response_model=SpeakerList)
def list_speakers(
    session_id: IdPath, session: SessionDep, principal: OptionalPrincipal
) -> SpeakerList:
    report, sitting = service.get_session(session, session_id=session_id, principal=principal)
    visibility.ensure_session_readable(report, sitting.kind, principal)
    queue = service.queue_of(session, sitting)
    return SpeakerList(items=speaker_reads(session, sitting, queue, principal))


@router.post("/sessions/{session_id}/speakers/give", response_model=SpeakerRead)
def give_floor(
    session_id: IdPath, body: SpeakerGive, session: SessionDep, principal: CurrentPrincipal
) -> SpeakerRead:
    """The chair gives the floor to the head of the list, or to a named request."""
    request = service.give_floor(
        session, session_id=session_id, principal=principal, request_id=body.request_id
    )
    return _speaker(session, request, principal)


@router.post("/sessions/{session_id}/speakers/end", response_model=SpeakerList)
def end_speech(session_id: IdPath, session: SessionDep, principal: CurrentPrincipal) -> SpeakerList:
    """The chair ends the current speech; the list stays."""
    sitting = service.end_speech(session, session_id=session_id, principal=principal)
    queue = service.queue_of(session, sitting)
    return SpeakerList(items=speaker_reads(session, sitting, queue, principal))


@router.post("/speakers/{request_id}/withdraw", response_model=SpeakerRead)
def withdraw_request(
    request_id: IdPath, session: SessionDep, principal: CurrentPrincipal
) -> SpeakerRead:
    request = service.withdraw(session, request_id=request_id, principal=principal)
    return _speaker(session, request, principal)


@router.post("/speakers/{request_id}/skip", response_model=SpeakerRead)
def skip_speaker(
    request_id: IdPath, session: SessionDep, principal: CurrentPrincipal
) -> SpeakerRead:
    request = service.skip(session, request_id=request_id, principal=principal)
    return _speaker(session, request, principal)


def _attendance(row: Attendance, session: SessionDep) -> AttendanceRead:
    who = session.get(Participant, row.participant_id)
    if who is None:  # participants are never deleted
        raise NotFound(f"No participant {row.participant_id}.")
    return AttendanceRead(
        participant_id=who.id,
        name=who.name,
        role=who.role.value,
        stakeholder=who.stakeholder.value,
        checked_in_at=row.checked_in_at,
        left_at=row.left_at,
        present=row.left_at is None,
    )


@router.post("/sessions/{session_id}/attendance", response_model=AttendanceRead)
def check_in(
    session_id: IdPath, body: AttendanceCheck, session: SessionDep, principal: CurrentPrincipal
) -> AttendanceRead:
    """Into the room: oneself, or anyone (the secretariat or the chair)."""
    row = service.check_in(
        session, session_id=session_id, principal=principal, participant_id=body.participant_id
    )
    return _attendance(row, session)


@router.post("/sessions/{session_id}/attendance/leave", response_model=AttendanceRead)
def leave(
    session_id: IdPath, body: AttendanceCheck, session: SessionDep, principal: CurrentPrincipal
) -> AttendanceRead:
    row = service.leave(
        session, session_id=session_id, principal=principal, participant_id=body.participant_id
    )
    return _attendance(row, session)


@router.get("/sessions/{session_id}/attendance", response_model=AttendanceList)
def get_attendance(
    session_id: IdPath, session: SessionDep, principal: OptionalPrincipal
) -> AttendanceList:
    """Who attended (members of the group only)."""
    report, sitting = service.get_session(session, session_id=session_id, principal=principal)
    rows = service.attendance_of(session, report=report, sitting=sitting, principal=principal)
    return AttendanceList(items=[_attendance(a, session) for a, _ in rows])


@router.post(
    "/sessions/{session_id}/captions",
    response_model=CaptionRead,
    status_code=status.HTTP_201_CREATED,
)
def add_caption(
    session_id: IdPath, body: CaptionCreate, session: SessionDep, principal: CurrentPrincipal
) -> CaptionRead:
    """A captioner adds a line, during a public session in progress."""
    line = service.add_caption(session, session_id=session_id, principal=principal, text=body.text)
    return CaptionRead.model_validate(line)


@router.get("/sessions/{session_id}/captions", response_model=CaptionList)
def list_captions(
    session_id: IdPath, session: SessionDep, principal: OptionalPrincipal, after: After = 0
) -> CaptionList:
    report, sitting = service.get_session(session, session_id=session_id, principal=principal)
    visibility.ensure_session_readable(report, sitting.kind, principal)
    lines = service.captions_of(session, sitting, after=after)
    return CaptionList(items=[CaptionRead.model_validate(c) for c in lines])
