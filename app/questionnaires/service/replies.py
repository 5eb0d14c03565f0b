"""Replies: one per member (its own token) or per public link; a draft until submitted,
changed in place until the deadline, withdrawable; public replies are published after
moderation. Who reads which reply is decided here (`visible`); who sees names, in
`views.py`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, or_, select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.errors import Forbidden, InvalidState, NotFound, Unprocessable
from app.groups.models import DRAFTING_ROLES
from app.questionnaires.errors import OpenLinkHasNoReply, ReplyExists
from app.questionnaires.models import (
    Moderation,
    Questionnaire,
    QuestionnaireLink,
    Reply,
    ReplyAudience,
    ReplyStatus,
)
from app.questionnaires.schemas import PublicReplyCreate
from app.questionnaires.service.answers import checked_answers
from app.questionnaires.service.links import link_of
from app.questionnaires.service.questionnaires import (
    ensure_open,
    ensure_respondent,
    in_group,
    lock,
    questions_of,
    record,
)


def is_staff(questionnaire: Questionnaire, principal: Principal | None) -> bool:
    """The chair, the secretariat and the site admin: every submitted reply, to moderate."""
    return (
        in_group(questionnaire, principal)
        and principal is not None
        and (principal.is_admin or principal.role in DRAFTING_ROLES)
    )


def visible(questionnaire: Questionnaire, principal: Principal | None) -> ColumnElement[bool]:
    """The replies `principal` reads: its own; for the chair and the secretariat every reply
    that is not a draft; for the group, members' submitted replies once shared; for anyone,
    public replies submitted and published."""
    mine: ColumnElement[bool] = false()
    if principal is not None and principal.participant_id is not None:
        mine = Reply.participant_id == principal.participant_id
    if is_staff(questionnaire, principal):
        return or_(Reply.status != ReplyStatus.draft, mine)
    seen = [
        mine,
        and_(
            Reply.audience == ReplyAudience.public,
            Reply.status == ReplyStatus.submitted,
            Reply.moderation == Moderation.published,
        ),
    ]
    if in_group(questionnaire, principal) and questionnaire.shared_at is not None:
        seen.append(
            and_(Reply.audience == ReplyAudience.internal, Reply.status == ReplyStatus.submitted)
        )
    return or_(*seen)


def _readable(
    session: Session, questionnaire: Questionnaire, principal: Principal | None
) -> Select[Reply]:
    return select(Reply).where(
        Reply.questionnaire_id == questionnaire.id, visible(questionnaire, principal)
    )


def get_reply(session: Session, *, reply_id: int, principal: Principal | None) -> Reply:
    reply = session.get(Reply, reply_id)
    questionnaire = None if reply is None else session.get(Questionnaire, reply.questionnaire_id)
    if reply is None or questionnaire is None:
        raise NotFound(f"No reply {reply_id}.")
    found = session.scalar(_readable(session, questionnaire, principal).where(Reply.id == reply_id))
    if found is None:
        raise NotFound(f"No reply {reply_id}.")
    return found


def list_replies(
    session: Session,
    *,
    questionnaire: Questionnaire,
    principal: Principal | None,
    audience: ReplyAudience | None,
    after: int,
    limit: int,
) -> tuple[list[Reply], int | None]:
    query = _readable(session, questionnaire, principal).where(Reply.id > after)
    if audience is not None:
        query = query.where(Reply.audience == audience)
    rows = list(session.scalars(query.order_by(Reply.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


def counted_replies(session: Session, questionnaire: Questionnaire) -> list[Reply]:
    """What the summary counts: members' submitted replies and published public ones."""
    return list(
        session.scalars(
            select(Reply)
            .where(
                Reply.questionnaire_id == questionnaire.id,
                Reply.status == ReplyStatus.submitted,
                or_(
                    Reply.audience == ReplyAudience.internal,
                    Reply.moderation == Moderation.published,
                ),
            )
            .order_by(Reply.id)
        )
    )


def apply_answers(
    session: Session,
    questionnaire: Questionnaire,
    reply: Reply,
    *,
    answers: Mapping[str, Any] | None,
    submit: bool,
    actor_id: int | None,
    now: datetime,
) -> Reply:
    """Change a reply's answers and/or submit it, checked first: nothing is stored unless
    every answer fits. A submitted reply stays submitted (and is checked as one)."""
    ensure_open(questionnaire, now)
    was_submitted = reply.status == ReplyStatus.submitted
    submitting = submit or was_submitted
    new = checked_answers(
        questions_of(session, questionnaire.id),
        reply.answers if answers is None else answers,
        submitting=submitting,
    )
    if new == reply.answers and submitting == was_submitted and reply.id is not None:
        return reply  # nothing changes: no row change, no event (retries are safe)
    reply.answers = new
    reply.updated_at = now
    if submitting:
        reply.status = ReplyStatus.submitted
        reply.submitted_at = now
        reply.withdrawn_at = None
        if reply.audience == ReplyAudience.public:
            reply.moderation = Moderation.pending  # changed words are read again
    elif reply.status == ReplyStatus.withdrawn:
        reply.status = ReplyStatus.draft
    session.add(reply)
    session.flush()
    if submitting:
        record(
            session,
            questionnaire,
            type="reply.submitted",
            actor_id=actor_id,
            payload={
                "reply_id": reply.id,
                "audience": reply.audience.value,
                "revised": was_submitted,
            },
        )
    return reply


def create_member_reply(
    session: Session,
    *,
    questionnaire_id: int,
    principal: Principal,
    answers: Mapping[str, Any],
    submit: bool,
    now: datetime,
) -> Reply:
    questionnaire = lock(session, questionnaire_id)
    participant_id = ensure_respondent(questionnaire, principal)
    existing = session.scalar(
        select(Reply.id).where(
            Reply.questionnaire_id == questionnaire.id, Reply.participant_id == participant_id
        )
    )
    if existing is not None:
        raise ReplyExists(f"You have replied already: change reply {existing}.", reply_id=existing)
    reply = Reply(
        questionnaire_id=questionnaire.id,
        audience=ReplyAudience.internal,
        participant_id=participant_id,
        status=ReplyStatus.draft,
        answers={},
        created_at=now,
    )
    return apply_answers(
        session,
        questionnaire,
        reply,
        answers=answers,
        submit=submit,
        actor_id=participant_id,
        now=now,
    )


def create_public_reply(
    session: Session, *, code: str, body: PublicReplyCreate, now: datetime
) -> Reply:
    link = link_of(session, code)
    questionnaire = lock(session, link.questionnaire_id)
    _ensure_personal(link)
    existing = session.scalar(select(Reply.id).where(Reply.link_id == link.id))
    if existing is not None:
        raise ReplyExists(
            "This link has answered already: change its reply (PUT on the link's reply).",
            reply_id=existing,
        )
    category = link.category or body.category
    if category is None:
        raise Unprocessable("Say which category you answer as (`category`).", field="category")
    reply = Reply(
        questionnaire_id=questionnaire.id,
        audience=ReplyAudience.public,
        link_id=link.id,
        respondent_name=body.name.strip(),
        organisation=(body.organisation or link.organisation).strip(),
        category=category,
        publish_name=body.publish_name,
        status=ReplyStatus.draft,
        answers={},
        created_at=now,
    )
    return apply_answers(
        session,
        questionnaire,
        reply,
        answers=body.answers,
        submit=body.submit,
        actor_id=None,
        now=now,
    )


def _own_reply(
    session: Session, reply_id: int, principal: Principal
) -> tuple[Questionnaire, Reply]:
    """A member's own reply, locked; another's is not its to change (403), and one it may
    not read does not exist for it (404)."""
    reply = get_reply(session, reply_id=reply_id, principal=principal)
    questionnaire = lock(session, reply.questionnaire_id)
    session.refresh(reply)
    if reply.participant_id is None or reply.participant_id != principal.participant_id:
        raise Forbidden("Only its respondent changes a reply; nobody answers for another.")
    return questionnaire, reply


def _ensure_personal(link: QuestionnaireLink) -> None:
    if link.open:
        raise OpenLinkHasNoReply(
            "This link is open to many respondents: POST your reply to its `replies`; the "
            "answer carries your reply's own secret, with which you change it."
        )


def link_reply(session: Session, code: str) -> tuple[Questionnaire, Reply]:
    link = link_of(session, code)
    questionnaire = lock(session, link.questionnaire_id)
    _ensure_personal(link)
    reply = session.scalar(select(Reply).where(Reply.link_id == link.id))
    if reply is None:
        raise NotFound("This link has no reply yet: POST one.")
    return questionnaire, reply


def link_and_reply(session: Session, code: str) -> tuple[QuestionnaireLink, Reply | None]:
    link = link_of(session, code)
    return link, session.scalar(select(Reply).where(Reply.link_id == link.id))


def update_reply(
    session: Session,
    *,
    reply_id: int | None,
    code: str | None,
    principal: Principal | None,
    answers: Mapping[str, Any] | None,
    submit: bool,
    now: datetime,
) -> Reply:
    """A member changes its reply (`reply_id`, its token), or a public link its own (`code`)."""
    if code is not None:
        questionnaire, reply = link_reply(session, code)
        actor_id = None
    elif reply_id is not None and principal is not None:
        questionnaire, reply = _own_reply(session, reply_id, principal)
        actor_id = principal.participant_id
    else:
        raise NotFound("No reply.")
    return apply_answers(
        session, questionnaire, reply, answers=answers, submit=submit, actor_id=actor_id, now=now
    )


def withdraw_reply(
    session: Session,
    *,
    reply_id: int | None,
    code: str | None,
    principal: Principal | None,
    now: datetime,
) -> Reply:
    if code is not None:
        questionnaire, reply = link_reply(session, code)
        actor_id = None
    elif reply_id is not None and principal is not None:
        questionnaire, reply = _own_reply(session, reply_id, principal)
        actor_id = principal.participant_id
    else:
        raise NotFound("No reply.")
    ensure_open(questionnaire, now)
    if reply.status != ReplyStatus.submitted:
        raise InvalidState(f"Reply {reply.id} is {reply.status.value}: nothing to withdraw.")
    reply.status = ReplyStatus.withdrawn
    reply.withdrawn_at = reply.updated_at = now
    session.flush()
    record(
        session,
        questionnaire,
        type="reply.withdrawn",
        actor_id=actor_id,
        payload={"reply_id": reply.id, "audience": reply.audience.value},
    )
    return reply


def moderate_reply(
    session: Session, *, reply_id: int, principal: Principal, publish: bool
) -> Reply:
    """The chair or the secretariat publishes a submitted public reply, or rejects it."""
    reply = get_reply(session, reply_id=reply_id, principal=principal)
    questionnaire = lock(session, reply.questionnaire_id)
    session.refresh(reply)
    if not is_staff(questionnaire, principal) or principal.is_admin:
        raise Forbidden("The chair or the secretariat moderates public replies.")
    if reply.audience != ReplyAudience.public or reply.status != ReplyStatus.submitted:
        raise InvalidState(f"Reply {reply.id} is not a submitted public reply.")
    if reply.moderation != Moderation.pending:
        raise InvalidState(f"Reply {reply.id} is already {reply.moderation}.")
    reply.moderation = Moderation.published if publish else Moderation.rejected
    session.flush()
    record(
        session,
        questionnaire,
        type="reply.moderated",
        actor_id=principal.participant_id,
        payload={"reply_id": reply.id, "moderation": reply.moderation.value},
    )
    return reply


def questionnaire_of(session: Session, questionnaire_id: int) -> Questionnaire:
    questionnaire = session.get(Questionnaire, questionnaire_id)
    if questionnaire is None:
        raise NotFound(f"No questionnaire {questionnaire_id}.")
    return questionnaire
