from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status

from app.amendments.service import settle_before_request
from app.auth import CurrentPrincipal, OptionalPrincipal
from app.clock import Now
from app.consultations import render, views
from app.consultations.limits import check_plain_text, guard_public_form
from app.consultations.models import CommentVisibility
from app.consultations.schemas import (
    CommentCreate,
    CommentPage,
    CommentPublic,
    CommentRead,
    Compilation,
    ConsultationCreate,
    ConsultationPage,
    ConsultationRead,
    InviteCreate,
    InviteRead,
    ParagraphView,
    PostedSection,
    PostedText,
    PublicCommentCreate,
)
from app.consultations.service import comments, compilation, consultations
from app.consultations.views import json_answer
from app.db import SessionDep
from app.idempotency import IdempotentRoute, SecretAnswer
from app.reports import service as reports
from app.schemas import MAX_ID, IdPath

router = APIRouter(
    prefix="/v1",
    route_class=IdempotentRoute,
    tags=["consultations"],
    dependencies=[Depends(settle_before_request)],
)
After = Annotated[int, Query(ge=0, le=MAX_ID, description="Items with a larger id")]
Limit = Annotated[int, Query(ge=1, le=500)]
CommentView = CommentRead | CommentPublic


def _link_next(request: Request, response: Response, next_after: int | None, limit: int) -> None:
    if next_after is not None:
        url = request.url.include_query_params(after=next_after, limit=limit)
        response.headers["Link"] = f'<{url}>; rel="next"'


@router.post(
    "/reports/{report_id}/consultations",
    response_model=ConsultationRead,
    status_code=status.HTTP_201_CREATED,
)
def open_consultation(
    report_id: IdPath,
    body: ConsultationCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: Now,
) -> ConsultationRead:
    """The chair or the secretariat posts the report (or chosen sections) for comment."""
    consultation = consultations.open_consultation(
        session,
        report_id=report_id,
        principal=principal,
        title=body.title,
        disclaimer=body.disclaimer,
        milestone_id=body.milestone_id,
        section_ids=body.section_ids,
        opens_at=body.opens_at,
        closes_at=body.closes_at,
        audiences=body.audiences,
        moderated=body.moderated,
        now=now,
    )
    return views.consultation_read(consultation, now)


@router.get("/reports/{report_id}/consultations", response_model=ConsultationPage)
def list_consultations(
    report_id: IdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: OptionalPrincipal,
    now: Now,
    after: After = 0,
    limit: Limit = 100,
) -> ConsultationPage:
    report = reports.get_report(session, report_id=report_id, principal=principal)
    found, next_after = consultations.list_consultations(
        session, report=report, after=after, limit=limit
    )
    _link_next(request, response, next_after, limit)
    return ConsultationPage(items=[views.consultation_read(c, now) for c in found], next=next_after)


@router.get("/consultations/{consultation_id}", response_model=ConsultationRead)
def get_consultation(
    consultation_id: IdPath, session: SessionDep, principal: OptionalPrincipal, now: Now
) -> ConsultationRead:
    consultation = consultations.get_consultation(
        session, consultation_id=consultation_id, principal=principal
    )
    return views.consultation_read(consultation, now)


@router.get("/consultations/{consultation_id}/text", response_model=PostedText)
def get_posted_text(
    consultation_id: IdPath, session: SessionDep, principal: OptionalPrincipal
) -> PostedText:
    """The words everyone comments on: the posted milestone, numbered as posted."""
    consultation = consultations.get_consultation(
        session, consultation_id=consultation_id, principal=principal
    )
    return PostedText(
        consultation_id=consultation.id,
        milestone_id=consultation.milestone_id,
        disclaimer=consultation.disclaimer,
        sections=[
            PostedSection(
                section_id=p.node.id,
                label=p.node.label,
                heading=p.node.heading,
                version=p.node.version,
                first_paragraph=p.first_paragraph,
                paragraph_count=p.node.paragraph_count,
                text=p.node.text or "",
            )
            for p in consultations.posted_outline(session, consultation)
        ],
    )


@router.post(
    "/consultations/{consultation_id}/invites",
    response_model=InviteRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=[SecretAnswer],
)
def invite_stakeholder(
    consultation_id: IdPath,
    body: InviteCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> InviteRead:
    """A code for an invited stakeholder to comment through the public form; shown once."""
    invite, code = consultations.issue_invite(
        session,
        consultation_id=consultation_id,
        principal=principal,
        organisation=body.organisation,
        category=body.category,
    )
    return InviteRead(
        id=invite.id,
        consultation_id=invite.consultation_id,
        organisation=invite.organisation,
        category=invite.category,
        code=code,
    )


@router.post(
    "/consultations/{consultation_id}/comments",
    response_model=CommentView,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "The comment period is closed (the deadline is given)"}},
)
def submit_comment(
    consultation_id: IdPath,
    body: CommentCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: Now,
) -> Response:
    """A member's or observer's comment, with its own token."""
    comment = comments.submit_comment(
        session, consultation_id=consultation_id, principal=principal, body=body, now=now
    )
    consultation = consultations.get_consultation(
        session, consultation_id=consultation_id, principal=principal
    )
    [view] = views.comment_views(session, consultation, [comment], principal)
    return json_answer(view, 201)


@router.post(
    "/consultations/{consultation_id}/public-comments",
    response_model=CommentPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(guard_public_form)],
    responses={
        409: {"description": "The comment period is closed (the deadline is given)"},
        413: {"description": "Larger than a public comment may be"},
        429: {"description": "Too many comments from this address"},
    },
)
def submit_public_comment(
    consultation_id: IdPath, body: PublicCommentCreate, session: SessionDep, now: Now
) -> Response:
    """The public form: no account. Plain text only; held for moderation if the
    consultation is moderated (the answer then says `pending`)."""
    check_plain_text(
        {
            "name": body.name,
            "organisation": body.organisation,
            "body": body.body,
            "suggestion": body.suggestion,
            "anchor.quote": body.anchor.quote,
        },
        honeypot=body.website,
    )
    comment = comments.submit_public_comment(
        session, consultation_id=consultation_id, body=body, now=now
    )
    consultation = comments.consultation_of(session, comment)
    [view] = views.public_views(session, consultation, [comment])
    return json_answer(view, 201)


@router.get("/consultations/{consultation_id}/comments", response_model=CommentPage)
def list_comments(
    consultation_id: IdPath,
    request: Request,
    session: SessionDep,
    principal: OptionalPrincipal,
    visibility: CommentVisibility | None = None,
    section_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    after: After = 0,
    limit: Limit = 100,
) -> Response:
    """Members see names; observers and the public see the Chatham House record."""
    consultation = consultations.get_consultation(
        session, consultation_id=consultation_id, principal=principal
    )
    found, next_after = comments.list_comments(
        session,
        consultation=consultation,
        principal=principal,
        visibility=visibility,
        section_id=section_id,
        after=after,
        limit=limit,
    )
    page = CommentPage(
        items=list(views.comment_views(session, consultation, found, principal)), next=next_after
    )
    response = json_answer(page)
    _link_next(request, response, next_after, limit)
    return response


@router.get("/consultations/{consultation_id}/compilation", response_model=Compilation)
def compile_consultation(
    consultation_id: IdPath, session: SessionDep, principal: OptionalPrincipal, now: Now
) -> Compilation:
    """Counts by category and by section, and the sentence the report can print."""
    consultation = consultations.get_consultation(
        session, consultation_id=consultation_id, principal=principal
    )
    return compilation.compile_round(session, consultation, now)


EXPORT_TYPES = {
    "markdown": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


@router.get(
    "/consultations/{consultation_id}/export",
    response_class=Response,
    responses={200: {"content": {t: {} for t in EXPORT_TYPES.values()}}},
)
def export_consultation(
    consultation_id: IdPath,
    session: SessionDep,
    principal: OptionalPrincipal,
    now: Now,
    format: Literal["markdown", "html", "csv"] = "markdown",
) -> Response:
    """Every published comment with its disposition: a public document (Chatham House)."""
    consultation = consultations.get_consultation(
        session, consultation_id=consultation_id, principal=principal
    )
    summary = compilation.compile_round(session, consultation, now)
    record = compilation.record_views(session, consultation)
    if format == "csv":
        body = render.to_csv(record)
    elif format == "html":
        body = render.to_html(summary, consultation.disclaimer, record)
    else:
        body = render.to_markdown(summary, consultation.disclaimer, record)
    headers = {"X-Content-Type-Options": "nosniff"}
    if format == "html":
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return Response(body, media_type=EXPORT_TYPES[format], headers=headers)


@router.get("/consultations/{consultation_id}/paragraphs", response_model=ParagraphView)
def paragraph_view(
    consultation_id: IdPath, session: SessionDep, principal: OptionalPrincipal
) -> ParagraphView:
    """Comment ids per paragraph, numbered as today and as posted."""
    consultation = consultations.get_consultation(
        session, consultation_id=consultation_id, principal=principal
    )
    return compilation.paragraph_view(session, consultation)
