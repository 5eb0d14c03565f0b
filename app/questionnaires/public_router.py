"""The public link: anyone holding it reads the public version and makes one reply, without
an account (the code in the path is the credential, as an invitation code is)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status

from app.auth import CurrentPrincipal
from app.clock import Now
from app.db import SessionDep
from app.idempotency import IdempotentRoute, SecretAnswer
from app.questionnaires import views
from app.questionnaires.router import CLOSED, json_answer
from app.questionnaires.schemas import (
    OpenLinkCreate,
    OpenLinkRead,
    OpenReplyCreated,
    PublicForm,
    PublicReplyCreate,
    ReplyRead,
    ReplyUpdate,
)
from app.questionnaires.service import links, open_links, replies
from app.schemas import IdPath

router = APIRouter(prefix="/v1", route_class=IdempotentRoute, tags=["questionnaires"])
Code = Annotated[str, Path(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]


@router.get("/public-questionnaires/{code}", response_model=PublicForm)
def open_public_link(code: Code, session: SessionDep, now: Now) -> PublicForm:
    """The public version (its chapeau and questions) and this link's reply, if any."""
    link, reply = replies.link_and_reply(session, code)
    questionnaire = replies.questionnaire_of(session, link.questionnaire_id)
    return PublicForm(
        questionnaire=views.questionnaire_public(session, questionnaire, now),
        organisation=link.organisation,
        category=link.category,
        reply=None if reply is None else views.own_view(session, reply),
        open=link.open,
    )


@router.post(
    "/questionnaires/{questionnaire_id}/open-links",
    response_model=OpenLinkRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=[SecretAnswer],
)
def issue_open_link(
    questionnaire_id: IdPath,
    body: OpenLinkCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: Now,
) -> OpenLinkRead:
    """One link many public respondents use (the website's questionnaire), each reply its
    own; its code is shown once."""
    link, code = open_links.issue_open_link(
        session,
        questionnaire_id=questionnaire_id,
        principal=principal,
        max_replies=body.max_replies,
        now=now,
    )
    return OpenLinkRead(
        id=link.id,
        questionnaire_id=link.questionnaire_id,
        max_replies=body.max_replies,
        code=code,
        path=links.link_path(code),
        page=open_links.answer_page(code),
    )


@router.post(
    "/public-questionnaires/{code}/replies",
    response_model=OpenReplyCreated,
    status_code=status.HTTP_201_CREATED,
    dependencies=[SecretAnswer],
    responses={
        409: {"description": "Closed, or the link's cap is reached (open-link-full)"},
        429: {"description": "Too many replies from this address (too-many-replies)"},
    },
)
def create_open_reply(
    code: Code, body: PublicReplyCreate, request: Request, session: SessionDep, now: Now
) -> Response:
    """A new respondent's reply through an open link (held until the secretariat publishes
    it), with its own secret, shown once: the code with which it reads, changes and
    withdraws that reply (`path`) until the deadline."""
    address = request.client.host if request.client is not None else "unknown"
    reply, secret = open_links.create_open_reply(
        session,
        code=code,
        body=body,
        address=address,
        request_key=request.headers.get("idempotency-key"),
        now=now,
    )
    made = OpenReplyCreated(
        **views.own_view(session, reply).model_dump(),
        secret=secret,
        path=links.link_path(secret),
        page=open_links.answer_page(secret),
    )
    return json_answer(made, 201)


@router.post(
    "/public-questionnaires/{code}/reply",
    response_model=ReplyRead,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "Closed, or this link has answered (reply-exists)"}},
)
def create_public_reply(
    code: Code, body: PublicReplyCreate, session: SessionDep, now: Now
) -> Response:
    """This link's one reply: a draft, or submitted (held until the secretariat publishes)."""
    reply = replies.create_public_reply(session, code=code, body=body, now=now)
    return json_answer(views.own_view(session, reply), 201)


@router.put("/public-questionnaires/{code}/reply", response_model=ReplyRead, responses=CLOSED)
def update_public_reply(code: Code, body: ReplyUpdate, session: SessionDep, now: Now) -> Response:
    reply = replies.update_reply(
        session,
        reply_id=None,
        code=code,
        principal=None,
        answers=body.answers,
        submit=body.submit,
        now=now,
    )
    return json_answer(views.own_view(session, reply))


@router.post(
    "/public-questionnaires/{code}/reply/withdraw", response_model=ReplyRead, responses=CLOSED
)
def withdraw_public_reply(code: Code, session: SessionDep, now: Now) -> Response:
    reply = replies.withdraw_reply(session, reply_id=None, code=code, principal=None, now=now)
    return json_answer(views.own_view(session, reply))
