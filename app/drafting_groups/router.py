"""Drafting groups, parts' stages, the progress view and derived reports (issue 20)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from sqlalchemy.orm import Session

from app import visibility
from app.amendments import service as amendments
from app.amendments import views as amendment_views
from app.amendments.schemas import AmendmentRead
from app.auth import CurrentPrincipal, OptionalPrincipal, Principal
from app.db import SessionDep
from app.drafting_groups import service
from app.drafting_groups.schemas import (
    PUBLIC_VIEWS,
    Assignment,
    DraftingGroupCreate,
    DraftingGroupPage,
    DraftingGroupRead,
    GroupDecision,
    PartStage,
    ProgressRead,
    StageChange,
    StageRead,
)
from app.etags import IfMatch
from app.idempotency import IdempotentRoute
from app.pagination import DEFAULT_PAGE, After, Limit, link_next
from app.reports import service as reports
from app.reports import views as report_views
from app.reports.models import Report
from app.reports.schemas import LineageRead, LineageStep, ReportDerive, ReportRead
from app.schemas import IdPath

router = APIRouter(prefix="/v1", route_class=IdempotentRoute, tags=["drafting groups"])


def _seen(read: DraftingGroupRead, principal: Principal | None) -> DraftingGroupRead:
    """Chatham House: who drafts is for the members of the working group only."""
    attributed = visibility.is_attributed(principal)
    return read if attributed else visibility.redacted(read, PUBLIC_VIEWS)


@router.post(
    "/groups/{group_id}/drafting-groups",
    response_model=DraftingGroupRead,
    status_code=status.HTTP_201_CREATED,
)
def create_drafting_group(
    group_id: IdPath,
    body: DraftingGroupCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
) -> DraftingGroupRead:
    """The chair names a sub-roster of members and its one or two co-leads."""
    created = service.create_drafting_group(
        session,
        group_id=group_id,
        principal=principal,
        name=body.name,
        member_ids=body.member_ids,
        co_lead_ids=body.co_lead_ids,
    )
    response.headers["Location"] = f"/v1/drafting-groups/{created.id}"
    return service.drafting_group_read(session, created)


@router.get("/groups/{group_id}/drafting-groups", response_model=DraftingGroupPage)
def list_drafting_groups(
    group_id: IdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    after: After = 0,
    limit: Limit = DEFAULT_PAGE,
) -> DraftingGroupPage:
    found, next_cursor = service.list_drafting_groups(
        session, group_id=group_id, principal=principal, after=after, limit=limit
    )
    link_next(request, response, next_cursor)
    return DraftingGroupPage(
        items=[_seen(service.drafting_group_read(session, g), principal) for g in found],
        next=next_cursor,
    )


@router.get("/drafting-groups/{drafting_group_id}", response_model=DraftingGroupRead)
def get_drafting_group(
    drafting_group_id: IdPath, session: SessionDep, principal: CurrentPrincipal
) -> DraftingGroupRead:
    found = service.get_drafting_group(
        session, drafting_group_id=drafting_group_id, principal=principal
    )
    return _seen(service.drafting_group_read(session, found), principal)


def _stage_read(session: Session, report: Report, ids: list[int]) -> StageRead:
    stages = reports.report_stages(session, report.id) or {}
    return StageRead(
        report_id=report.id, parts=[PartStage(section_id=i, stage=stages[i]) for i in ids]
    )


@router.post("/drafting-groups/{drafting_group_id}/assignments", response_model=StageRead)
def assign_section(
    drafting_group_id: IdPath, body: Assignment, session: SessionDep, principal: CurrentPrincipal
) -> StageRead:
    """The chair gives a section, or a chapter with all its sections, to the drafting
    group; a section has at most one drafting group (else 409 section-has-drafting-group)."""
    report, ids = service.assign_section(
        session,
        drafting_group_id=drafting_group_id,
        section_id=body.section_id,
        principal=principal,
    )
    return _stage_read(session, report, ids)


@router.post("/sections/{section_id}/stage", response_model=StageRead)
def change_stage(
    section_id: IdPath, body: StageChange, session: SessionDep, principal: CurrentPrincipal
) -> StageRead:
    """Moves the part and its subsections on: `agreed_in_drafting_group` (co-leads),
    `posted_to_group`, `posted_publicly`, `approved` (the chair, in an open meeting: a
    milestone and a `section.approved` event) or `left_out` (the chair)."""
    report, ids = service.change_stage(
        session, section_id=section_id, principal=principal, to=body.to
    )
    return _stage_read(session, report, ids)


@router.post("/amendments/{amendment_id}/group-decision", response_model=AmendmentRead)
def decide_in_group(
    amendment_id: IdPath,
    body: GroupDecision,
    session: SessionDep,
    principal: CurrentPrincipal,
    if_match: IfMatch = None,
) -> AmendmentRead:
    """A co-lead accepts or rejects an amendment to a part that is with its drafting group."""
    decided = amendments.decide_in_group(
        session,
        amendment_id=amendment_id,
        principal=principal,
        accept=body.decision == "accept",
        reason=body.reason,
        if_match=if_match,
    )
    return amendment_views.amendment_read(session, decided, principal)


@router.get("/reports/{report_id}/progress", response_model=ProgressRead)
def report_progress(
    report_id: IdPath, session: SessionDep, principal: OptionalPrincipal
) -> ProgressRead:
    report = reports.get_report(session, report_id=report_id, principal=principal)
    read = service.progress(session, report=report)
    return read if visibility.is_attributed(principal) else visibility.redacted(read, PUBLIC_VIEWS)


@router.post(
    "/reports/{report_id}/derive", response_model=ReportRead, status_code=status.HTTP_201_CREATED
)
def derive_report(
    report_id: IdPath,
    body: ReportDerive,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
) -> ReportRead:
    """A new report of the group from chosen sections (with their subsections) of this one;
    each copy's version 1 cites its source section and version (see `.../lineage`)."""
    derived = reports.derive_report(
        session,
        report_id=report_id,
        principal=principal,
        title=body.title,
        symbol=body.symbol,
        section_ids=body.section_ids,
    )
    response.headers["Location"] = f"/v1/reports/{derived.id}"
    return report_views.report_read(session, derived)


@router.get("/sections/{section_id}/lineage", response_model=LineageRead)
def section_lineage(
    section_id: IdPath, session: SessionDep, principal: OptionalPrincipal
) -> LineageRead:
    """Where the section's text came from, nearest source first (empty if written here);
    a source in a report the caller may not read ends the list."""
    section = reports.get_section(session, section_id=section_id, principal=principal)
    steps = []
    for r, s, v in reports.lineage(session, section.id):
        if not visibility.readable_by(r, principal):
            break
        steps.append(LineageStep(report_id=r.id, section_id=s.id, version=v))
    return LineageRead(section_id=section.id, sources=steps)
