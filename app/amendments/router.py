from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from app.amendments import list_answer, prepare, service, views
from app.amendments.deadlines import settle_before_request, settles_its_report
from app.amendments.models import AmendmentKind, AmendmentStatus
from app.amendments.schemas import (
    AlternativePage,
    AmendmentCreate,
    AmendmentPage,
    AmendmentRead,
    AmendmentRevise,
    DraftRevise,
    DraftRevisionPage,
    DraftRevisionRead,
    Preview,
    Reason,
)
from app.auth import CurrentPrincipal, OptionalPrincipal, bearer_scheme
from app.config import diff_timeout
from app.db import SessionDep
from app.etags import IfMatch, not_modified
from app.idempotency import DeferredCaller, IdempotentRoute, answered
from app.kept_reads import serve_kept
from app.pagination import DEFAULT_PAGE, After, Limit, link_next, page_list
from app.preparing import prepared_by
from app.reports.schemas import SectionDiff
from app.schemas import MAX_ID, IdPath, NumberPath

router = APIRouter(
    prefix="/v1",
    route_class=IdempotentRoute,
    tags=["amendments"],
    dependencies=[Depends(settle_before_request)],
)


@router.post(
    "/sections/{section_id}/amendments",
    response_model=AmendmentRead,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "Conflicts with changes made since the base version"}},
)
@prepared_by(prepare.prepare_proposal, prepare.PROPOSERS, checks_itself=True, defers_caller=True)
@settles_its_report
def propose_amendment(
    section_id: IdPath,
    body: AmendmentCreate,
    request: Request,
    session: SessionDep,
    caller: DeferredCaller,
    response: Response,
) -> Response:
    """Propose a change against `base_version`, as the whole new text or as a patch."""
    # The caller is resolved in this thread (no hop of its own: app/preparing.py), its token
    # read by the report's lock statement unless an Idempotency-Key's claim resolved it.
    amendment = service.propose_amendment(
        session,
        section_id=section_id,
        caller=caller,
        base_version=body.base_version,
        text=body.text,
        patch=body.patch,
        rationale=body.rationale,
        kind=body.kind,
        alternative_to=body.alternative_to,
        consent_deadline=body.consent_deadline,
        remind_before=None if body.remind_before is None else timedelta(seconds=body.remind_before),
        timeout=diff_timeout(request),
        prepared=prepare.prepared(request),
    )
    response.headers["Location"] = f"/v1/amendments/{amendment.id}"
    read = views.write_answer(session, amendment, caller.resolve(), response)
    return answered(request, views.encoded(read, response, status_code=status.HTTP_201_CREATED))


@router.get(
    "/reports/{report_id}/amendments",
    response_model=AmendmentPage,
    dependencies=[Depends(bearer_scheme)],
    responses={304: {"description": "The page named by If-None-Match is unchanged"}},
)
@settles_its_report
async def list_amendments(
    report_id: IdPath,
    request: Request,
    status: AmendmentStatus | None = None,
    section_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    kind: AmendmentKind | None = None,
    proposer_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    after: After = 0,
    limit: Limit = DEFAULT_PAGE,
) -> Response:
    # Every member's page reads every page of this after every event of a live room: one
    # trip to a worker thread, and one answer per query, view and commit shared by every
    # reader of that view (app/amendments/list_answer.py). The report's passed deadlines are
    # settled before the answer is read (`list_answer.ROW`; on SQLite by the router's watch).
    query = list_answer.Query(status, section_id, kind, proposer_id, after, limit)
    return await run_in_threadpool(
        serve_kept,
        request,
        report_id,
        partial(list_answer.list_answer, query=query),
        row=list_answer.ROW,
    )


@router.get("/amendments/{amendment_id}", response_model=AmendmentRead)
def get_amendment(
    amendment_id: IdPath,
    request: Request,
    session: SessionDep,
    principal: OptionalPrincipal,
    response: Response,
) -> AmendmentRead | Response:
    amendment = service.get_amendment(session, amendment_id=amendment_id, principal=principal)
    if not_modified(request, response, service.amendment_etag(session, amendment)):
        return Response(status_code=304, headers={"ETag": response.headers["ETag"]})
    return views.amendment_read(session, amendment, principal)


@router.get("/amendments/{amendment_id}/preview", response_model=Preview)
def preview_amendment(
    amendment_id: IdPath, request: Request, session: SessionDep, principal: OptionalPrincipal
) -> Preview:
    """The text adoption would produce now (rebased onto the head), as a diff against it."""
    amendment = service.get_amendment(session, amendment_id=amendment_id, principal=principal)
    return views.preview(session, amendment)


@router.get("/amendments/{amendment_id}/alternatives", response_model=AlternativePage)
def list_alternatives(
    amendment_id: IdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: OptionalPrincipal,
    after: After = 0,
    limit: Limit = DEFAULT_PAGE,
) -> AlternativePage:
    """The amendment and its alternatives (a short list, computed whole), by amendment id."""
    amendment = service.get_amendment(session, amendment_id=amendment_id, principal=principal)
    found = views.alternatives(session, amendment, principal)
    items, next_cursor = page_list(found, lambda a: a.amendment.id, after=after, limit=limit)
    link_next(request, response, next_cursor)
    return AlternativePage(items=items, next=next_cursor)


@router.post("/amendments/{amendment_id}/floor", response_model=AmendmentRead)
def put_on_floor(
    amendment_id: IdPath,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> AmendmentRead:
    amendment = service.put_on_floor(
        session, amendment_id=amendment_id, principal=principal, if_match=if_match
    )
    return views.write_answer(session, amendment, principal, response)


@router.post(
    "/amendments/{amendment_id}/adopt",
    response_model=AmendmentRead,
    responses={409: {"description": "Wrong state, window closed, or the text conflicts"}},
)
def adopt_amendment(
    amendment_id: IdPath,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> AmendmentRead:
    amendment = service.adopt_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        if_match=if_match,
    )
    return views.write_answer(session, amendment, principal, response)


@router.post("/amendments/{amendment_id}/reject", response_model=AmendmentRead)
def reject_amendment(
    amendment_id: IdPath,
    body: Reason,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> AmendmentRead:
    amendment = service.reject_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        reason=body.reason,
        if_match=if_match,
    )
    return views.write_answer(session, amendment, principal, response)


@router.post("/amendments/{amendment_id}/withdraw", response_model=AmendmentRead)
def withdraw_amendment(
    amendment_id: IdPath,
    body: Reason,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> AmendmentRead:
    amendment = service.withdraw_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        reason=body.reason,
        if_match=if_match,
    )
    return views.write_answer(session, amendment, principal, response)


@router.post("/amendments/{amendment_id}/escalate", response_model=AmendmentRead)
def escalate_amendment(
    amendment_id: IdPath,
    body: Reason,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> AmendmentRead:
    """Any voting member: 'this potentially raises an issue of substance'."""
    amendment = service.escalate_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        reason=body.reason,
        if_match=if_match,
    )
    return views.write_answer(session, amendment, principal, response)


@router.post("/amendments/{amendment_id}/revise", response_model=AmendmentRead, status_code=201)
@prepared_by(prepare.prepare_amendment_revision, prepare.REVISERS)
def revise_amendment(
    amendment_id: IdPath,
    body: AmendmentRevise,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> AmendmentRead:
    """A new wording is a new amendment superseding this one; answers given are void and
    the voters are asked again. The proposer or the chair; also to resolve an objection
    (the amendment is blocked): `revised_by_id` and `supersedes_id` link the two."""
    amendment = service.revise_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        text=body.text,
        patch=body.patch,
        rationale=body.rationale,
        timeout=diff_timeout(request),
        prepared=prepare.prepared(request),
        if_match=if_match,
    )
    response.headers["Location"] = f"/v1/amendments/{amendment.id}"  # the new amendment
    return views.write_answer(session, amendment, principal, response)


@router.post(
    "/amendments/{amendment_id}/revisions",
    response_model=AmendmentRead,
    status_code=201,
    responses={412: {"description": "Someone revised the draft since you read it"}},
)
@prepared_by(prepare.prepare_draft_revision, prepare.REVISERS)
def revise_draft(
    amendment_id: IdPath,
    body: DraftRevise,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> AmendmentRead:
    """Live drafting: reshape the wording of the amendment on the floor. Name the revision you
    edit with If-Match; every screen receives the change as an `amendment.revised` event."""
    amendment = service.revise_draft(
        session,
        amendment_id=amendment_id,
        principal=principal,
        text=body.text,
        patch=body.patch,
        if_match=if_match,
        timeout=diff_timeout(request),
        prepared=prepare.prepared(request),
    )
    response.headers["Location"] = (
        f"/v1/amendments/{amendment.id}/revisions/{amendment.draft_revision}"
    )
    return views.write_answer(session, amendment, principal, response)


@router.get("/amendments/{amendment_id}/revisions", response_model=DraftRevisionPage)
def list_revisions(
    amendment_id: IdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: OptionalPrincipal,
    after: Annotated[
        int, Query(ge=0, le=MAX_ID, description="Cursor: revisions after this number")
    ] = 0,
    limit: Limit = DEFAULT_PAGE,
) -> DraftRevisionPage:
    amendment = service.get_amendment(session, amendment_id=amendment_id, principal=principal)
    found = service.list_revisions(session, amendment=amendment)
    page, next_cursor = page_list(found, lambda r: r.number, after=after, limit=limit)
    link_next(request, response, next_cursor)
    return DraftRevisionPage(items=views.revision_summaries(page, principal), next=next_cursor)


@router.get("/amendments/{amendment_id}/revisions/{number}", response_model=DraftRevisionRead)
def get_revision(
    amendment_id: IdPath, number: NumberPath, session: SessionDep, principal: OptionalPrincipal
) -> DraftRevisionRead:
    amendment = service.get_amendment(session, amendment_id=amendment_id, principal=principal)
    revision = service.get_revision(session, amendment=amendment, number=number)
    return views.revision_read(revision, principal)


@router.get("/amendments/{amendment_id}/revisions/{number}/diff", response_model=SectionDiff)
def diff_revisions(
    amendment_id: IdPath,
    number: NumberPath,
    request: Request,
    session: SessionDep,
    principal: OptionalPrincipal,
    from_revision: Annotated[int, Query(alias="from", ge=1, le=MAX_ID)],
) -> SectionDiff:
    """What changed between two draft revisions (word level)."""
    amendment = service.get_amendment(session, amendment_id=amendment_id, principal=principal)
    before = service.get_revision(session, amendment=amendment, number=from_revision)
    after = service.get_revision(session, amendment=amendment, number=number)
    return views.revision_diff(amendment, before, after, timeout=diff_timeout(request))
