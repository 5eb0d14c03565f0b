"""The public link: anyone holding it reads the public version and makes one reply, without
an account (the code in the path is the credential, as an invitation code is)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from app.clock import Now
from app.db import SessionDep
from app.idempotency import IdempotentRoute
from app.questionnaires import views
from app.questionnaires.router import CLOSED, json_answer
from app.questionnaires.schemas import PublicForm, PublicReplyCreate, ReplyRead, ReplyUpdate
from app.questionnaires.service import replies

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
    )


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
