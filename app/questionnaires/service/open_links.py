"""Open public links: one link many respondents use (the public questionnaire on the
website). The open link takes no reply itself. Each respondent's first POST makes a
respondent link under it, whose code (the reply secret, shown once) is that respondent's
own: with it, it reads, changes and withdraws its reply until the deadline, exactly as the
holder of a personal link does. Its replies are public replies, held for moderation.

Flooding is bounded twice, and each refusal stores nothing:
- per address: at most `REPLIES_PER_ADDRESS` new replies from one client address through
  one open link in any `ADDRESS_WINDOW` (429 too-many-replies, with Retry-After). The
  address is kept only hashed with the link's id; behind a proxy the server must trust its
  proxy headers, or every respondent shares the proxy's address.
- per link: at most its `max_replies` respondents in all (409 open-link-full); the
  secretariat may issue another link.
The window is read from the clock and the rows, so it holds across processes and restarts.

A request sent again with its Idempotency-Key (a retry after a lost answer, or a replay)
makes no second reply: 409 reply-exists, the secret not shown again. Without a key, each
POST is a new respondent, which is what an open link is; the two bounds above hold."""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import Principal, hash_token
from app.errors import InvalidState, Unprocessable
from app.questionnaires.errors import OpenLinkFull, ReplyExists, TooManyReplies
from app.questionnaires.models import (
    Questionnaire,
    QuestionnaireLink,
    Reply,
    ReplyAudience,
    ReplyStatus,
)
from app.questionnaires.schemas import PublicReplyCreate
from app.questionnaires.service.links import link_of
from app.questionnaires.service.questionnaires import ensure_open, ensure_staff, lock, record
from app.questionnaires.service.replies import apply_answers

REPLIES_PER_ADDRESS = 10
ADDRESS_WINDOW = timedelta(hours=1)
OPEN_PREFIX = "qopen_"
SECRET_PREFIX = "qreply_"


def answer_page(code: str) -> str:
    """The web client's answering page; the code rides in the fragment, which the browser
    never sends when it loads the page."""
    return f"/app/answer.html#code={code}"


def issue_open_link(
    session: Session,
    *,
    questionnaire_id: int,
    principal: Principal,
    max_replies: int,
    now: datetime,
) -> tuple[QuestionnaireLink, str]:
    questionnaire = lock(session, questionnaire_id)
    ensure_staff(questionnaire, principal)
    if questionnaire.public_chapeau is None:
        raise InvalidState("This questionnaire has no public version.")
    ensure_open(questionnaire, now)
    code = OPEN_PREFIX + secrets.token_urlsafe(24)
    link = QuestionnaireLink(
        questionnaire_id=questionnaire.id,
        code_hash=hash_token(code),
        open=True,
        max_replies=max_replies,
        created_at=now,
    )
    session.add(link)
    session.flush()
    record(
        session,
        questionnaire,
        type="questionnaire.open_link_issued",
        actor_id=principal.participant_id,
        payload={"max_replies": max_replies},
    )
    return link, code


def _salted(link: QuestionnaireLink, value: str) -> str:
    """A value kept only hashed with the open link's id (no link's hashes match another's)."""
    return hashlib.sha256(f"{link.id}:{value}".encode("utf-8", "surrogatepass")).hexdigest()


def _ensure_new_request(session: Session, link: QuestionnaireLink, key_hash: str) -> None:
    made = session.scalar(
        select(QuestionnaireLink.id).where(
            QuestionnaireLink.parent_id == link.id,
            QuestionnaireLink.request_key_hash == key_hash,
        )
    )
    if made is not None:
        raise ReplyExists(
            "This request was made already (the same Idempotency-Key): its reply exists, and "
            "its secret, shown once, is not shown again. Change that reply with its secret."
        )


def _ensure_room(
    session: Session, link: QuestionnaireLink, address_hash: str, now: datetime
) -> None:
    made = session.scalar(
        select(func.count())
        .select_from(QuestionnaireLink)
        .where(QuestionnaireLink.parent_id == link.id)
    )
    if link.max_replies is not None and (made or 0) >= link.max_replies:
        raise OpenLinkFull(
            f"This link has taken its {link.max_replies} replies; ask the secretariat for "
            "another link.",
            max_replies=link.max_replies,
        )
    recent = list(
        session.scalars(
            select(QuestionnaireLink.created_at)
            .where(
                QuestionnaireLink.parent_id == link.id,
                QuestionnaireLink.address_hash == address_hash,
                QuestionnaireLink.created_at > now - ADDRESS_WINDOW,
            )
            .order_by(QuestionnaireLink.created_at)
        )
    )
    if len(recent) >= REPLIES_PER_ADDRESS:
        frees = recent[len(recent) - REPLIES_PER_ADDRESS] + ADDRESS_WINDOW
        seconds = max(1, math.ceil((frees - now).total_seconds()))
        raise TooManyReplies(
            f"{len(recent)} replies came from this address through this link in the last "
            f"hour; at most {REPLIES_PER_ADDRESS}. Retry in {seconds} s, or change the reply "
            "you made with its secret.",
            headers={"Retry-After": str(seconds)},
            retry_after=seconds,
        )


def respondent_link(
    session: Session,
    *,
    questionnaire: Questionnaire,
    link: QuestionnaireLink,
    address: str,
    request_key: str | None,
    now: datetime,
) -> tuple[QuestionnaireLink, str]:
    """A new respondent's own link under `link` (the caller holds the questionnaire's lock;
    a refusal later in the request rolls it back)."""
    key_hash = None if request_key is None else _salted(link, request_key)
    if key_hash is not None:
        _ensure_new_request(session, link, key_hash)
    address_hash = _salted(link, address)
    _ensure_room(session, link, address_hash, now)
    secret = SECRET_PREFIX + secrets.token_urlsafe(24)
    own = QuestionnaireLink(
        questionnaire_id=questionnaire.id,
        code_hash=hash_token(secret),
        parent_id=link.id,
        address_hash=address_hash,
        request_key_hash=key_hash,
        created_at=now,
    )
    return own, secret


def create_open_reply(
    session: Session,
    *,
    code: str,
    body: PublicReplyCreate,
    address: str,
    request_key: str | None,
    now: datetime,
) -> tuple[Reply, str]:
    """A new respondent's reply through an open link, and its secret (shown once). Every
    check (the deadline, the cap, the rate, the answers) runs before the transaction can
    commit; a refusal rolls it back whole."""
    link = link_of(session, code)
    questionnaire = lock(session, link.questionnaire_id)
    if not link.open:
        raise InvalidState("This link is for one respondent: answer with POST to its `reply`.")
    ensure_open(questionnaire, now)
    if body.category is None:
        raise Unprocessable("Say which category you answer as (`category`).", field="category")
    own, secret = respondent_link(
        session,
        questionnaire=questionnaire,
        link=link,
        address=address,
        request_key=request_key,
        now=now,
    )
    session.add(own)
    session.flush()
    reply = Reply(
        questionnaire_id=questionnaire.id,
        audience=ReplyAudience.public,
        link_id=own.id,
        respondent_name=body.name.strip(),
        organisation=body.organisation.strip(),
        category=body.category,
        publish_name=body.publish_name,
        status=ReplyStatus.draft,
        answers={},
        created_at=now,
    )
    made = apply_answers(
        session,
        questionnaire,
        reply,
        answers=body.answers,
        submit=body.submit,
        actor_id=None,
        now=now,
    )
    return made, secret
