from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, Response, status
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.amendments import service as amendments
from app.amendments.schemas import PUBLIC_VIEWS, MeetingPage, MeetingRead, ReportAdopt
from app.amendments.service import settle_before_request, settles_its_report
from app.auth import (
    CurrentPrincipal,
    OptionalPrincipal,
    Principal,
    bearer_scheme,
)
from app.db import SessionDep
from app.errors import NotFound
from app.etags import IfMatch
from app.groups.models import Role
from app.idempotency import IdempotentRoute
from app.kept_reads import serve_kept
from app.meetings import floor_cache, screen, sealing, service
from app.meetings.certificate import public_view
from app.meetings.schemas import CertificateRead, FloorState, Visibility
from app.meetings.session_schemas import MeetingOpen
from app.pagination import DEFAULT_PAGE, After, Limit, link_next
from app.reports import service as reports
from app.reports import views as report_views
from app.reports.models import Certificate
from app.reports.schemas import ReportRead
from app.schemas import MAX_ID, IdPath
from app.visibility import is_attributed, redacted

# Who may ask for a missing seal: those who answer for the record.
SEALING_ROLES = (Role.chair, Role.secretariat)

router = APIRouter(
    prefix="/v1",
    route_class=IdempotentRoute,
    tags=["plenary"],
    dependencies=[Depends(settle_before_request)],
)


@router.post(
    "/reports/{report_id}/meetings", response_model=MeetingRead, status_code=status.HTTP_201_CREATED
)
def open_meeting(
    report_id: IdPath,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    body: MeetingOpen | None = None,
) -> MeetingRead:
    """The chair opens a meeting (dates, venue); by default a plenary session starts with it
    (`first_session`), in which the group may decide at once."""
    details = body or MeetingOpen()
    meeting = service.open_meeting(
        session,
        report_id=report_id,
        principal=principal,
        title=details.title,
        venue=details.venue,
        starts_on=details.starts_on,
        ends_on=details.ends_on,
        first_session=details.first_session,
    )
    response.headers["Location"] = f"/v1/meetings/{meeting.id}"
    return MeetingRead.model_validate(meeting)


@router.get("/reports/{report_id}/meetings", response_model=MeetingPage)
def list_meetings(
    report_id: IdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: OptionalPrincipal,
    after: After = 0,
    limit: Limit = DEFAULT_PAGE,
) -> MeetingPage:
    report = reports.get_report(session, report_id=report_id, principal=principal)
    found, next_cursor = service.list_meetings(session, report=report, after=after, limit=limit)
    link_next(request, response, next_cursor)
    return MeetingPage(items=[_meeting(m, principal) for m in found], next=next_cursor)


@router.get("/meetings/{meeting_id}", response_model=MeetingRead)
def get_meeting(
    meeting_id: IdPath, session: SessionDep, principal: OptionalPrincipal
) -> MeetingRead:
    return _meeting(
        service.get_meeting(session, meeting_id=meeting_id, principal=principal), principal
    )


@router.post("/meetings/{meeting_id}/close", response_model=MeetingRead)
def close_meeting(
    meeting_id: IdPath, session: SessionDep, principal: CurrentPrincipal
) -> MeetingRead:
    return MeetingRead.model_validate(
        service.close_meeting(session, meeting_id=meeting_id, principal=principal)
    )


@router.post("/meetings/{meeting_id}/floor/next", response_model=FloorState)
def next_on_floor(
    meeting_id: IdPath, session: SessionDep, principal: CurrentPrincipal
) -> FloorState:
    """The chair calls the head of the floor queue (an amendment that no longer merges
    leaves it as conflicted, the reason on the floor); the answer is the wall."""
    service.get_meeting(session, meeting_id=meeting_id, principal=principal)
    amendments.next_on_floor(session, meeting_id=meeting_id, principal=principal)
    meeting = service.get_meeting(session, meeting_id=meeting_id, principal=principal)
    report = reports.get_report(session, report_id=meeting.report_id, principal=principal)
    return screen.floor_state(session, report, principal)


@router.post(
    "/reports/{report_id}/adopt",
    response_model=ReportRead,
    responses={409: {"description": "No session in progress that decides (session-required)"}},
)
def adopt_report(
    report_id: IdPath,
    body: ReportAdopt,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> ReportRead:
    """The chair puts the report to bed: editorial changes until the window ends, changes of
    substance only with the unanimous consent of the voting members."""
    days = body.editorial_window_days or request.app.state.settings.editorial_window_days
    report = service.adopt_report(
        session, report_id=report_id, principal=principal, window_days=days, if_match=if_match
    )
    response.headers["ETag"] = reports.report_etag(session, report)
    return report_views.report_read(session, report)


@router.post("/reports/{report_id}/transmit", response_model=ReportRead)
def transmit_report(
    report_id: IdPath,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    background: BackgroundTasks,
    if_match: IfMatch = None,
) -> ReportRead:
    """Freeze the report: every later write answers 409 report-transmitted. The certificate
    is issued at once; the hashes of every export format follow (`certificate.sealed`)."""
    report = service.transmit_report(
        session, report_id=report_id, principal=principal, if_match=if_match
    )
    _seal_after_response(request, background, report.id)
    response.headers["ETag"] = reports.report_etag(session, report)
    return report_views.report_read(session, report)


def _seal_after_response(request: Request, background: BackgroundTasks, report_id: int) -> None:
    # Background tasks run once the response is sent: after the commit, outside the gate.
    state = request.app.state
    background.add_task(sealing.seal_exports, state.database, state.write_gate, report_id)


@router.post(
    "/reports/{report_id}/certificate/seal",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=CertificateRead,
)
def seal_certificate(
    report_id: IdPath,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    background: BackgroundTasks,
) -> CertificateRead:
    """Seal the exports of a transmitted report whose seal is missing (the process stopped
    between transmission and sealing): accepted, done after the response; a sealed report
    stays as it is."""
    report = reports.lock_report(
        session, report_id=report_id, principal=principal, roles=SEALING_ROLES
    )
    read = _certificate(session, report.id, principal)
    if read.exports is None:
        _seal_after_response(request, background, report.id)
    return read


def _meeting(meeting: object, principal: OptionalPrincipal) -> MeetingRead:
    read = MeetingRead.model_validate(meeting)
    return read if is_attributed(principal) else redacted(read, PUBLIC_VIEWS)


@router.post("/reports/{report_id}/visibility", response_model=ReportRead)
def set_visibility(
    report_id: IdPath,
    body: Visibility,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> ReportRead:
    """The chair makes the record public (e.g. a draft posted for comment): anyone may then
    read its text, amendments, events and exports, with no participant identifiable."""
    report = reports.set_public(
        session, report_id=report_id, principal=principal, public=body.public, if_match=if_match
    )
    response.headers["ETag"] = reports.report_etag(session, report)
    return report_views.report_read(session, report)


@router.get(
    "/reports/{report_id}/floor",
    response_model=FloorState,
    dependencies=[Depends(bearer_scheme)],
    responses={304: {"description": "The answer named by If-None-Match is still the floor"}},
)
@settles_its_report
async def get_floor(
    report_id: IdPath,
    request: Request,
    texts_after: Annotated[
        int | None,
        Query(
            ge=0,
            le=MAX_ID,
            description="The `texts_through` of the floor answer the reader holds: each "
            "section's text is then sent only if its head changed since (else null: the "
            "text held is still the head). A page opened fresh, or one that missed events, "
            "reads without it",
        ),
    ] = None,
) -> Response:
    """What the wall shows: the text, the amendment on the floor as tracked changes, the
    meeting and the latest decisions."""
    # Every member's page reads this after every event of a live room: one trip to a worker
    # thread, and one answer per view and commit shared by every reader of that view
    # (app/meetings/floor_cache.py), encoded once by the model that was built (FastAPI
    # would validate the whole text against the response model again).
    return await run_in_threadpool(
        serve_kept,
        request,
        report_id,
        partial(floor_cache.floor_answer, texts_after=texts_after),
        _FLOOR_HEADERS,
        row=floor_cache.ROW,
    )


_FLOOR_HEADERS = {"Cache-Control": "private, no-cache"}


@router.get("/reports/{report_id}/certificate", response_model=CertificateRead)
def get_certificate(
    report_id: IdPath, session: SessionDep, principal: OptionalPrincipal
) -> CertificateRead:
    """Issued when the report is transmitted: SHA-256 of every section's text and of the whole
    report's Markdown export at the transmission milestone, and the event-chain head."""
    report = reports.get_report(session, report_id=report_id, principal=principal)
    return _certificate(session, report.id, principal)


def _certificate(session: Session, report_id: int, principal: Principal | None) -> CertificateRead:
    certificate = session.get(Certificate, report_id)
    if certificate is None:
        raise NotFound(f"Report {report_id} has not been transmitted; it has no certificate.")
    body = certificate.body if is_attributed(principal) else public_view(certificate.body)
    seal = sealing.sealed_exports(session, report_id)
    return CertificateRead(certificate=body, exports=seal["exports"] if seal else None)
