"""A comment's own routes: read it, moderate it, dispose of it, turn it into an amendment,
reply and resolve; and the comments an amendment came from."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response, status

from app.amendments import service as amendments
from app.amendments import views as amendment_views
from app.amendments.schemas import AmendmentRead
from app.amendments.service import settle_before_request
from app.auth import CurrentPrincipal, OptionalPrincipal
from app.clock import Now
from app.consultations import views
from app.consultations.schemas import (
    AmendmentFromComment,
    CommentPage,
    CommentPublic,
    CommentRead,
    DispositionSet,
    Moderation,
    ReplyCreate,
)
from app.consultations.service import comments, dispositions
from app.consultations.views import json_answer
from app.db import SessionDep
from app.idempotency import IdempotentRoute
from app.pagination import DEFAULT_PAGE, After, Limit, link_next
from app.schemas import IdPath

router = APIRouter(
    prefix="/v1",
    route_class=IdempotentRoute,
    tags=["consultations"],
    dependencies=[Depends(settle_before_request)],
)
CommentView = CommentRead | CommentPublic


def _one(session: SessionDep, comment_id: int, principal: OptionalPrincipal) -> Response:
    comment = comments.get_comment(session, comment_id=comment_id, principal=principal)
    consultation = comments.consultation_of(session, comment)
    [view] = views.comment_views(session, consultation, [comment], principal)
    return json_answer(view)


@router.get("/comments/{comment_id}", response_model=CommentView)
def get_comment(comment_id: IdPath, session: SessionDep, principal: OptionalPrincipal) -> Response:
    return _one(session, comment_id, principal)


@router.post("/comments/{comment_id}/moderate", response_model=CommentView)
def moderate_comment(
    comment_id: IdPath, body: Moderation, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    """The chair or the secretariat publishes or rejects a held public comment."""
    comments.moderate(
        session, comment_id=comment_id, principal=principal, publish=body.decision == "publish"
    )
    return _one(session, comment_id, principal)


@router.post("/comments/{comment_id}/disposition", response_model=CommentView)
def dispose_comment(
    comment_id: IdPath,
    body: DispositionSet,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: Now,
) -> Response:
    dispositions.dispose(
        session,
        comment_id=comment_id,
        principal=principal,
        disposition=body.disposition,
        response=body.response,
        now=now,
    )
    return _one(session, comment_id, principal)


@router.post(
    "/comments/{comment_id}/amendment",
    response_model=AmendmentRead,
    status_code=status.HTTP_201_CREATED,
)
def turn_into_amendment(
    comment_id: IdPath,
    body: AmendmentFromComment,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> AmendmentRead:
    """Propose an amendment prefilled from the comment; the two are linked both ways."""
    _comment, amendment = dispositions.turn_into_amendment(
        session,
        comment_id=comment_id,
        principal=principal,
        text=body.text,
        kind=body.kind,
        rationale=body.rationale,
        timeout=float(request.app.state.settings.diff_timeout_seconds),
    )
    response.headers["ETag"] = amendments.amendment_etag(session, amendment)
    return amendment_views.amendment_read(session, amendment, principal)


@router.post(
    "/comments/{comment_id}/replies",
    response_model=CommentView,
    status_code=status.HTTP_201_CREATED,
)
def reply_to_comment(
    comment_id: IdPath,
    body: ReplyCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: Now,
) -> Response:
    """Members reply to a comment, one level deep."""
    reply = comments.reply(
        session, comment_id=comment_id, principal=principal, body=body.body, now=now
    )
    consultation = comments.consultation_of(session, reply)
    [view] = views.comment_views(session, consultation, [reply], principal)
    return json_answer(view, 201)


@router.post("/comments/{comment_id}/resolve", response_model=CommentView)
def resolve_comment(
    comment_id: IdPath, session: SessionDep, principal: CurrentPrincipal, now: Now
) -> Response:
    comments.resolve(session, comment_id=comment_id, principal=principal, now=now)
    return _one(session, comment_id, principal)


@router.get("/amendments/{amendment_id}/comments", response_model=CommentPage)
def list_amendment_comments(
    amendment_id: IdPath,
    request: Request,
    session: SessionDep,
    principal: OptionalPrincipal,
    after: After = 0,
    limit: Limit = DEFAULT_PAGE,
) -> Response:
    """The comments an amendment came from (the other direction of the link)."""
    found, next_cursor = dispositions.comments_of_amendment(
        session, amendment_id=amendment_id, principal=principal, after=after, limit=limit
    )
    items: list[CommentView] = []
    for comment in found:
        consultation = comments.consultation_of(session, comment)
        items.extend(views.comment_views(session, consultation, [comment], principal))
    answer = json_answer(CommentPage(items=items, next=next_cursor))
    link_next(request, answer, next_cursor)
    return answer
