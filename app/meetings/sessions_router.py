"""Routes of sessions: scheduling, starting and ending them, the agenda, the projector, the
summary and captioners. Speakers, attendance and captions: speakers_router.py."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response, status
from fastapi.responses import PlainTextResponse

from app import visibility
from app.amendments.schemas import MeetingRead
from app.amendments.service import settle_before_request
from app.auth import CurrentPrincipal, OptionalPrincipal
from app.db import SessionDep
from app.idempotency import IdempotentRoute
from app.meetings import service
from app.meetings.session_schemas import (
    AgendaItemCreate,
    AgendaItemMove,
    AgendaItemRead,
    AgendaList,
    AgendaMove,
    CaptionerList,
    CaptionerRead,
    CaptionerSet,
    ProjectionSet,
    SessionCreate,
    SessionList,
    SessionRead,
    SessionScreen,
    SummaryWrite,
)
from app.meetings.session_views import session_read, session_screen
from app.schemas import IdPath

router = APIRouter(
    prefix="/v1",
    route_class=IdempotentRoute,
    tags=["sessions"],
    dependencies=[Depends(settle_before_request)],
)


def _answer(session: SessionDep, session_id: int, principal: OptionalPrincipal) -> SessionRead:
    report, sitting = service.get_session(session, session_id=session_id, principal=principal)
    return session_read(session, report, sitting, principal)


@router.post(
    "/meetings/{meeting_id}/sessions",
    response_model=SessionRead,
    status_code=status.HTTP_201_CREATED,
)
def schedule_session(
    meeting_id: IdPath,
    body: SessionCreate,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> SessionRead:
    """The chair schedules a session of a kind (and may start it at once)."""
    sitting = service.schedule_session(
        session,
        meeting_id=meeting_id,
        principal=principal,
        kind=body.kind,
        title=body.title,
        public_speakers=body.public_speakers,
        speaking_seconds=body.speaking_seconds,
        start=body.start,
    )
    response.headers["Location"] = f"/v1/sessions/{sitting.id}"
    return _answer(session, sitting.id, principal)


@router.get("/meetings/{meeting_id}/sessions", response_model=SessionList)
def list_sessions(
    meeting_id: IdPath, session: SessionDep, principal: OptionalPrincipal
) -> SessionList:
    meeting = service.get_meeting(session, meeting_id=meeting_id, principal=principal)
    return SessionList(
        items=[
            _answer(session, s.id, principal)
            for s in service.list_sessions(session, meeting=meeting)
        ]
    )


@router.get("/sessions/{session_id}", response_model=SessionRead)
def get_session(
    session_id: IdPath, session: SessionDep, principal: OptionalPrincipal
) -> SessionRead:
    return _answer(session, session_id, principal)


@router.post("/sessions/{session_id}/start", response_model=SessionRead)
def start_session(
    session_id: IdPath, session: SessionDep, principal: CurrentPrincipal
) -> SessionRead:
    """One session is in progress on a report at a time."""
    service.start_session(session, session_id=session_id, principal=principal)
    return _answer(session, session_id, principal)


@router.post("/sessions/{session_id}/end", response_model=SessionRead)
def end_session(
    session_id: IdPath, session: SessionDep, principal: CurrentPrincipal
) -> SessionRead:
    service.end_session(session, session_id=session_id, principal=principal)
    return _answer(session, session_id, principal)


@router.get("/sessions/{session_id}/screen", response_model=SessionScreen)
def get_session_screen(
    session_id: IdPath, session: SessionDep, principal: OptionalPrincipal
) -> SessionScreen:
    """The session as the wall shows it (404 for a closed session read from outside)."""
    report, sitting = service.get_session(session, session_id=session_id, principal=principal)
    visibility.ensure_session_readable(report, sitting.kind, principal)
    return session_screen(session, report, sitting, principal)


@router.post(
    "/sessions/{session_id}/agenda",
    response_model=AgendaItemRead,
    status_code=status.HTTP_201_CREATED,
)
def add_agenda_item(
    session_id: IdPath, body: AgendaItemCreate, session: SessionDep, principal: CurrentPrincipal
) -> AgendaItemRead:
    """The chair or the secretariat adds an item at the end of the agenda."""
    item = service.add_item(
        session,
        session_id=session_id,
        principal=principal,
        kind=body.kind,
        title=body.title,
        target_id=body.target_id,
        note=body.note,
    )
    return AgendaItemRead.model_validate(item)


@router.get("/sessions/{session_id}/agenda", response_model=AgendaList)
def get_agenda(session_id: IdPath, session: SessionDep, principal: OptionalPrincipal) -> AgendaList:
    report, sitting = service.get_session(session, session_id=session_id, principal=principal)
    visibility.ensure_session_readable(report, sitting.kind, principal)
    return AgendaList(
        items=[AgendaItemRead.model_validate(i) for i in service.items_of(session, sitting)]
    )


@router.post("/sessions/{session_id}/agenda/{item_id}/move", response_model=AgendaList)
def move_agenda_item(
    session_id: IdPath,
    item_id: IdPath,
    body: AgendaItemMove,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> AgendaList:
    """The chair or the secretariat moves an item to a position; the answer is the agenda."""
    service.move_item(
        session,
        session_id=session_id,
        principal=principal,
        item_id=item_id,
        position=body.position,
    )
    _report, sitting = service.get_session(session, session_id=session_id, principal=principal)
    return AgendaList(
        items=[AgendaItemRead.model_validate(i) for i in service.items_of(session, sitting)]
    )


@router.post("/sessions/{session_id}/agenda/current", response_model=SessionRead)
def move_agenda(
    session_id: IdPath, body: AgendaMove, session: SessionDep, principal: CurrentPrincipal
) -> SessionRead:
    """The chair takes up an item, or the next one (no `item_id`)."""
    service.move_to(session, session_id=session_id, principal=principal, item_id=body.item_id)
    return _answer(session, session_id, principal)


@router.post("/sessions/{session_id}/projection", response_model=SessionRead)
def project(
    session_id: IdPath, body: ProjectionSet, session: SessionDep, principal: CurrentPrincipal
) -> SessionRead:
    """The chair drives the projector; the screen follows (`projection.changed`)."""
    service.project(
        session,
        session_id=session_id,
        principal=principal,
        view=body.view,
        paragraph=body.paragraph,
        amendment_id=body.amendment_id,
    )
    return _answer(session, session_id, principal)


@router.put("/sessions/{session_id}/summary", response_model=SessionRead)
def write_summary(
    session_id: IdPath, body: SummaryWrite, session: SessionDep, principal: CurrentPrincipal
) -> SessionRead:
    """The secretariat (or the chair) writes the session's summary."""
    service.write_summary(session, session_id=session_id, principal=principal, text=body.text)
    return _answer(session, session_id, principal)


@router.post("/sessions/{session_id}/summary/publish", response_model=SessionRead)
def publish_summary(
    session_id: IdPath, session: SessionDep, principal: CurrentPrincipal
) -> SessionRead:
    """The chair makes the summary public (all a closed session shows outside)."""
    service.publish_summary(session, session_id=session_id, principal=principal)
    return _answer(session, session_id, principal)


@router.get(
    "/sessions/{session_id}/summary",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/markdown": {}}}},
)
def export_summary(
    session_id: IdPath, session: SessionDep, principal: OptionalPrincipal
) -> PlainTextResponse:
    """The summary as a document of the meeting (Markdown)."""
    report, sitting = service.get_session(session, session_id=session_id, principal=principal)
    text = service.summary_document(session, report=report, sitting=sitting, principal=principal)
    return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")


@router.post("/meetings/{meeting_id}/captioners", response_model=MeetingRead)
def set_captioner(
    meeting_id: IdPath, body: CaptionerSet, session: SessionDep, principal: CurrentPrincipal
) -> MeetingRead:
    """The chair names (or un-names) a captioner of the meeting's public sessions."""
    meeting = service.name_captioner(
        session,
        meeting_id=meeting_id,
        principal=principal,
        participant_id=body.participant_id,
        on=body.captioner,
    )
    return MeetingRead.model_validate(meeting)


@router.get("/meetings/{meeting_id}/captioners", response_model=CaptionerList)
def list_captioners(
    meeting_id: IdPath, session: SessionDep, principal: OptionalPrincipal
) -> CaptionerList:
    """Who the chair named to caption the meeting's public sessions (the members of the
    group see them all; anyone else sees only themselves, if named)."""
    rows = service.captioners_of(session, meeting_id=meeting_id, principal=principal)
    return CaptionerList(items=[CaptionerRead(participant_id=who, name=name) for who, name in rows])
