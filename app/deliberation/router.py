"""Threads over HTTP. Members see names; observers and the public see the Chatham House
record, and the public only threads the chair published (`views.py`, `threads.py`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from app.amendments.service import settle_before_request
from app.auth import CurrentPrincipal, OptionalPrincipal
from app.db import SessionDep
from app.deliberation import threads, views
from app.deliberation.schemas import (
    MessageCreate,
    MessageRead,
    ThreadCreate,
    ThreadPage,
    ThreadRead,
)
from app.idempotency import IdempotentRoute
from app.pagination import DEFAULT_PAGE, After, Limit, link_next
from app.reports import service as reports
from app.schemas import MAX_ID, IdPath

router = APIRouter(
    prefix="/v1",
    route_class=IdempotentRoute,
    tags=["deliberation"],
    dependencies=[Depends(settle_before_request)],
)
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


def _thread(session: SessionDep, thread_id: int, principal: CurrentPrincipal) -> ThreadRead:
    thread = threads.get_thread(session, thread_id=thread_id, principal=principal)
    [read] = views.thread_views(session, [thread], principal)
    return read


@router.post(
    "/reports/{report_id}/threads", response_model=ThreadRead, status_code=status.HTTP_201_CREATED
)
def open_thread(
    report_id: IdPath,
    body: ThreadCreate,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ThreadRead:
    """A thread on an amendment, an objection, a section or a paragraph, with its first
    message. Chair, members and the secretariat speak; observers read."""
    thread = threads.open_thread(session, report_id=report_id, principal=principal, body=body)
    response.headers["Location"] = f"/v1/threads/{thread.id}"
    [read] = views.thread_views(session, [thread], principal)
    return read


@router.get("/reports/{report_id}/threads", response_model=ThreadPage)
def list_threads(
    report_id: IdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: OptionalPrincipal,
    amendment_id: OptionalId = None,
    section_id: OptionalId = None,
    question_id: OptionalId = None,
    after: After = 0,
    limit: Limit = DEFAULT_PAGE,
) -> ThreadPage:
    report = reports.get_report(session, report_id=report_id, principal=principal)
    found, next_after = threads.list_threads(
        session,
        report=report,
        principal=principal,
        amendment_id=amendment_id,
        section_id=section_id,
        question_id=question_id,
        after=after,
        limit=limit,
    )
    link_next(request, response, next_after)
    return ThreadPage(items=views.thread_views(session, found, principal), next=next_after)


@router.get("/threads/{thread_id}", response_model=ThreadRead)
def get_thread(thread_id: IdPath, session: SessionDep, principal: OptionalPrincipal) -> ThreadRead:
    thread = threads.get_thread(session, thread_id=thread_id, principal=principal)
    [read] = views.thread_views(session, [thread], principal)
    return read


@router.post(
    "/threads/{thread_id}/messages",
    response_model=MessageRead,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "The thread is resolved, or the reply is to a reply"}},
)
def post_message(
    thread_id: IdPath,
    body: MessageCreate,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> MessageRead:
    """A message in the thread (read back with the thread, which its Location names)."""
    message = threads.post_message(
        session, thread_id=thread_id, principal=principal, body=body.body, reply_to=body.reply_to
    )
    response.headers["Location"] = f"/v1/threads/{thread_id}"
    thread = threads.get_thread(session, thread_id=thread_id, principal=principal)
    return views.message_view(session, message, thread.report_id, principal)


@router.post("/threads/{thread_id}/resolve", response_model=ThreadRead)
def resolve_thread(
    thread_id: IdPath, session: SessionDep, principal: CurrentPrincipal
) -> ThreadRead:
    """By the thread's opener, the proposer of its amendment, or the chair."""
    threads.set_resolved(session, thread_id=thread_id, principal=principal, resolved=True)
    return _thread(session, thread_id, principal)


@router.post("/threads/{thread_id}/reopen", response_model=ThreadRead)
def reopen_thread(
    thread_id: IdPath, session: SessionDep, principal: CurrentPrincipal
) -> ThreadRead:
    threads.set_resolved(session, thread_id=thread_id, principal=principal, resolved=False)
    return _thread(session, thread_id, principal)


@router.post("/threads/{thread_id}/publish", response_model=ThreadRead)
def publish_thread(
    thread_id: IdPath, session: SessionDep, principal: CurrentPrincipal
) -> ThreadRead:
    """The chair lets the public read this discussion (without names)."""
    threads.set_published(session, thread_id=thread_id, principal=principal, published=True)
    return _thread(session, thread_id, principal)


@router.post("/threads/{thread_id}/unpublish", response_model=ThreadRead)
def unpublish_thread(
    thread_id: IdPath, session: SessionDep, principal: CurrentPrincipal
) -> ThreadRead:
    threads.set_published(session, thread_id=thread_id, principal=principal, published=False)
    return _thread(session, thread_id, principal)
