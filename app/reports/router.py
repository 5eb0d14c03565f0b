from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from app import visibility
from app.auth import (
    CurrentPrincipal,
    OptionalPrincipal,
    bearer_scheme,
    principal_from_header,
)
from app.config import diff_timeout
from app.db import Database, SessionDep
from app.etags import IfMatch, not_modified
from app.idempotency import IdempotentRoute
from app.kept_reads import serve_kept
from app.pagination import DEFAULT_PAGE, After, Limit, link_next
from app.preparing import prepared_by
from app.reports import prepare, service, views
from app.reports.checked_reads import CheckedReadCache, section_state
from app.reports.read_cache import CachedSection, ReadCache, token_key
from app.reports.report_answer import report_answer
from app.reports.schemas import (
    ReportCreate,
    ReportImport,
    ReportPage,
    ReportRead,
    ReportSummary,
    ReportUpdate,
    SectionCreate,
    SectionDiff,
    SectionMove,
    SectionRead,
    SectionUpdate,
    VersionCreate,
    VersionPage,
    VersionRead,
)
from app.schemas import MAX_ID, IdPath, NumberPath

router = APIRouter(prefix="/v1", route_class=IdempotentRoute, tags=["reports"])


@router.post(
    "/groups/{group_id}/reports", response_model=ReportRead, status_code=status.HTTP_201_CREATED
)
def create_report(
    group_id: IdPath,
    body: ReportCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
) -> ReportRead:
    report = service.create_report(
        session,
        group_id=group_id,
        principal=principal,
        title=body.title,
        symbol=body.symbol,
        disclaimer=body.disclaimer,
        silence_procedure=body.silence_procedure,
        editorial_notice_hours=body.editorial_notice_hours,
    )
    response.headers["ETag"] = service.report_etag(session, report)
    response.headers["Location"] = f"/v1/reports/{report.id}"
    return views.report_read(session, report)


@router.post(
    "/groups/{group_id}/reports/import",
    response_model=ReportRead,
    status_code=status.HTTP_201_CREATED,
)
@prepared_by(prepare.prepare_markdown_import, prepare.IMPORTERS)
def import_report(
    group_id: IdPath,
    body: ReportImport,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
) -> ReportRead:
    """Headings become the outline (`#` chapters, `##` sections, `###` subsections; `Box ...`
    boxes, `Annex ...` annexes); the text under each becomes its version 1."""
    report = service.import_report(
        session,
        group_id=group_id,
        principal=principal,
        source=body.markdown,
        title=body.title,
        symbol=body.symbol,
        disclaimer=body.disclaimer,
        parsed=prepare.parsed_import(request, body.markdown),
    )
    response.headers["ETag"] = service.report_etag(session, report)
    response.headers["Location"] = f"/v1/reports/{report.id}"
    return views.report_read(session, report)


@router.get("/groups/{group_id}/reports", response_model=ReportPage)
def list_reports(
    group_id: IdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    after: After = 0,
    limit: Limit = DEFAULT_PAGE,
) -> ReportPage:
    found, next_cursor = service.list_reports(
        session, group_id=group_id, principal=principal, after=after, limit=limit
    )
    link_next(request, response, next_cursor)
    return ReportPage(items=[ReportSummary.model_validate(r) for r in found], next=next_cursor)


@router.get(
    "/reports/{report_id}", response_model=ReportRead, dependencies=[Depends(bearer_scheme)]
)
async def get_report(report_id: IdPath, request: Request) -> Response:
    # Every member's page reads this after every event of a live room: one trip to a worker
    # thread, and one answer per view and commit shared by every reader of that view
    # (app/reports/report_answer.py), encoded once by the model that was built.
    return await run_in_threadpool(serve_kept, request, report_id, report_answer)


@router.patch("/reports/{report_id}", response_model=ReportRead)
def update_report(
    report_id: IdPath,
    body: ReportUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> ReportRead:
    """Title, symbol and disclaimer change until transmission (then 409 report-transmitted).
    The consent rules (`silence_procedure`, `editorial_notice_hours`) are fixed at adoption:
    changing them afterwards answers 409 consent-rules-frozen and writes nothing; restating
    them as they are is fine."""
    report = service.update_report(
        session, report_id=report_id, principal=principal, changes=body, if_match=if_match
    )
    response.headers["ETag"] = service.report_etag(session, report)
    return views.report_read(session, report)


@router.post(
    "/reports/{report_id}/sections",
    response_model=SectionRead,
    status_code=status.HTTP_201_CREATED,
)
def add_section(
    report_id: IdPath,
    body: SectionCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
) -> SectionRead:
    section = service.add_section(
        session,
        report_id=report_id,
        principal=principal,
        kind=body.kind,
        label=body.label,
        heading=body.heading,
        parent_id=body.parent_id,
        position=body.position,
        text=body.text,
    )
    response.headers["ETag"] = service.section_etag(session, section)
    response.headers["Location"] = f"/v1/sections/{section.id}"
    return views.section_read(session, section, principal)


@router.get(
    "/sections/{section_id}",
    response_model=SectionRead,
    dependencies=[Depends(bearer_scheme)],
)
async def get_section(section_id: IdPath, request: Request) -> Response:
    # The hottest read (every screen and script polls it). On SQLite, answers kept between
    # writes are served before routing (app/reports/read_cache.py); here, one trip to a worker
    # thread does the token, the reads and the serialisation, instead of one per dependency.
    return await run_in_threadpool(_section_response, request, section_id)


def _section_response(request: Request, section_id: int) -> Response:
    database: Database = request.app.state.database
    cache: ReadCache | CheckedReadCache | None = request.app.state.read_cache
    generation = cache.generation if isinstance(cache, ReadCache) else 0  # noted before reading
    authorization = request.headers.get("authorization")
    with database.session(write=False) as session:
        state = None
        if isinstance(cache, CheckedReadCache):  # first: the snapshot the answer is read in
            token_hash = None if authorization is None else token_key(authorization)
            admin = cache.is_admin_hash(token_hash)
            state = section_state(session, section_id, token_hash, admin=admin)
        principal = principal_from_header(session, authorization, request.app.state.settings)
        section, report, stages = service.readable_section(
            session, section_id=section_id, principal=principal
        )
        first = service.first_paragraph_of(session, section=section, report=report)
        tag = service.section_etag(session, section, first=first)
        if not_modified(request, Response(), tag):
            return Response(status_code=304, headers={"ETag": tag})
        read = views.section_read(session, section, principal, first_paragraph=first)
        body = read.model_dump_json().encode()
        # Parts of a staged report are read by stage, finer than the cache's grant: never kept.
        if cache is not None and not stages:
            attributed = visibility.is_attributed(principal)
            if isinstance(cache, CheckedReadCache):
                if state is not None:
                    cache.keep(state, etag=tag, attributed=attributed, body=body)
            else:
                cache.keep(
                    generation,
                    authorization=authorization,
                    grant=None if principal is None else visibility.grant_of(principal),
                    section_id=section_id,
                    section=CachedSection(
                        group_id=report.group_id, is_public=report.is_public, etag=tag
                    ),
                    attributed=attributed,
                    body=body,
                )
    return Response(body, media_type="application/json", headers={"ETag": tag})


@router.patch("/sections/{section_id}", response_model=SectionRead)
def update_section(
    section_id: IdPath,
    body: SectionUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> SectionRead:
    section = service.update_section(
        session,
        section_id=section_id,
        principal=principal,
        kind=body.kind,
        label=body.label,
        heading=body.heading,
        if_match=if_match,
    )
    response.headers["ETag"] = service.section_etag(session, section)
    return views.section_read(session, section, principal)


@router.post("/sections/{section_id}/move", response_model=SectionRead)
def move_section(
    section_id: IdPath,
    body: SectionMove,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> SectionRead:
    section = service.move_section(
        session,
        section_id=section_id,
        principal=principal,
        parent_id=body.parent_id,
        position=body.position,
        if_match=if_match,
    )
    response.headers["ETag"] = service.section_etag(session, section)
    return views.section_read(session, section, principal)


@router.delete("/sections/{section_id}", response_model=SectionRead)
def remove_section(
    section_id: IdPath,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> SectionRead:
    """Removes the section (and its subsections) from the outline; their history stays."""
    section = service.remove_section(
        session, section_id=section_id, principal=principal, if_match=if_match
    )
    response.headers["ETag"] = service.section_etag(session, section)
    return views.section_read(session, section, principal)


@router.post(
    "/sections/{section_id}/versions",
    response_model=VersionRead,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "`base_version` is not the head; the head is in the body"}},
)
@prepared_by(prepare.prepare_version_write, prepare.VERSION_WRITERS)
def write_version(
    section_id: IdPath,
    body: VersionCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> VersionRead:
    version = service.write_version(
        session,
        section_id=section_id,
        principal=principal,
        base_version=body.base_version,
        text=body.text,
        timeout=float(request.app.state.settings.diff_timeout_seconds),
        prepared=prepare.prepared(request),
    )
    response.headers["Location"] = f"/v1/sections/{section_id}/versions/{version.number}"
    return views.version_read(version, principal)


@router.get("/sections/{section_id}/versions", response_model=VersionPage)
def list_versions(
    section_id: IdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: OptionalPrincipal,
    after: Annotated[
        int, Query(ge=0, le=MAX_ID, description="Cursor: versions after this number")
    ] = 0,
    limit: Limit = DEFAULT_PAGE,
) -> VersionPage:
    section = service.get_section(session, section_id=section_id, principal=principal)
    versions, next_cursor = service.list_versions(
        session, section=section, after=after, limit=limit
    )
    link_next(request, response, next_cursor)
    return VersionPage(
        items=[views.version_summary(v, principal) for v in versions], next=next_cursor
    )


@router.get("/sections/{section_id}/versions/{number}", response_model=VersionRead)
def get_version(
    section_id: IdPath, number: NumberPath, session: SessionDep, principal: OptionalPrincipal
) -> VersionRead:
    section = service.get_section(session, section_id=section_id, principal=principal)
    return views.version_read(
        service.get_version(session, section=section, number=number), principal
    )


@router.get("/sections/{section_id}/diff", response_model=SectionDiff)
def diff_versions(
    section_id: IdPath,
    request: Request,
    session: SessionDep,
    principal: OptionalPrincipal,
    from_version: Annotated[int, Query(alias="from", ge=1, le=MAX_ID)],
    to_version: Annotated[
        int | None, Query(alias="to", ge=1, le=MAX_ID, description="Default: head")
    ] = None,
    granularity: Literal["char", "word"] = "char",
    context: Annotated[
        int | None,
        Query(ge=0, le=100, description="Collapse unchanged paragraphs beyond this many"),
    ] = None,
) -> SectionDiff:
    section = service.get_section(session, section_id=section_id, principal=principal)
    before = service.get_version(session, section=section, number=from_version)
    after = service.get_version(session, section=section, number=to_version or section.head_version)
    return views.section_diff(
        section_id=section.id,
        before=before,
        after=after,
        granularity=granularity,
        context=context,
        timeout=diff_timeout(request),
    )
