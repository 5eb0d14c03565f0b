from __future__ import annotations

from fastapi import APIRouter, Depends, Request, status

from app.amendments.schemas import MeetingRead, ReportAdopt
from app.auth import CurrentPrincipal
from app.db import SessionDep
from app.deadlines import settle_before_request
from app.idempotency import IdempotentRoute
from app.meetings import service
from app.reports import service as reports
from app.reports import views as report_views
from app.reports.schemas import ReportRead

router = APIRouter(
    prefix="/v1",
    route_class=IdempotentRoute,
    tags=["plenary"],
    dependencies=[Depends(settle_before_request)],
)


@router.post(
    "/reports/{report_id}/meetings", response_model=MeetingRead, status_code=status.HTTP_201_CREATED
)
def open_meeting(report_id: int, session: SessionDep, principal: CurrentPrincipal) -> MeetingRead:
    return MeetingRead.model_validate(
        service.open_meeting(session, report_id=report_id, principal=principal)
    )


@router.get("/reports/{report_id}/meetings", response_model=list[MeetingRead])
def list_meetings(
    report_id: int, session: SessionDep, principal: CurrentPrincipal
) -> list[MeetingRead]:
    report = reports.get_report(session, report_id=report_id, principal=principal)
    return [MeetingRead.model_validate(m) for m in service.list_meetings(session, report=report)]


@router.get("/meetings/{meeting_id}", response_model=MeetingRead)
def get_meeting(meeting_id: int, session: SessionDep, principal: CurrentPrincipal) -> MeetingRead:
    return MeetingRead.model_validate(
        service.get_meeting(session, meeting_id=meeting_id, principal=principal)
    )


@router.post("/meetings/{meeting_id}/close", response_model=MeetingRead)
def close_meeting(meeting_id: int, session: SessionDep, principal: CurrentPrincipal) -> MeetingRead:
    return MeetingRead.model_validate(
        service.close_meeting(session, meeting_id=meeting_id, principal=principal)
    )


@router.post("/reports/{report_id}/adopt", response_model=ReportRead)
def adopt_report(
    report_id: int,
    body: ReportAdopt,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ReportRead:
    """The chair puts the report to bed: editorial changes until the window ends, changes of
    substance only with the unanimous consent of the voting members."""
    days = body.editorial_window_days or request.app.state.settings.editorial_window_days
    report = service.adopt_report(
        session, report_id=report_id, principal=principal, window_days=days
    )
    return report_views.report_read(session, report)


@router.post("/reports/{report_id}/transmit", response_model=ReportRead)
def transmit_report(report_id: int, session: SessionDep, principal: CurrentPrincipal) -> ReportRead:
    """Freeze the report: every later write answers 409 report-transmitted."""
    report = service.transmit_report(session, report_id=report_id, principal=principal)
    return report_views.report_read(session, report)
