"""Public links: the secretariat issues one per public respondent (an invited stakeholder
with its organisation and category, or anyone it hands the link to); the code in it is
shown once and kept as a hash. One reply per link."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Principal, hash_token
from app.errors import InvalidState, NotFound
from app.questionnaires.models import QuestionnaireLink, RespondentCategory
from app.questionnaires.service.questionnaires import ensure_staff, lock, record

LINK_PREFIX = "qlink_"


def link_path(code: str) -> str:
    return f"/v1/public-questionnaires/{code}"


def issue_link(
    session: Session,
    *,
    questionnaire_id: int,
    principal: Principal,
    organisation: str,
    category: RespondentCategory | None,
) -> tuple[QuestionnaireLink, str]:
    questionnaire = lock(session, questionnaire_id)
    ensure_staff(questionnaire, principal)
    if questionnaire.public_chapeau is None:
        raise InvalidState("This questionnaire has no public version.")
    code = LINK_PREFIX + secrets.token_urlsafe(24)
    link = QuestionnaireLink(
        questionnaire_id=questionnaire.id,
        code_hash=hash_token(code),
        organisation=organisation.strip(),
        category=category,
    )
    session.add(link)
    session.flush()
    record(
        session,
        questionnaire,
        type="questionnaire.link_issued",
        actor_id=principal.participant_id,
        payload={"category": None if category is None else category.value},
    )
    return link, code


def link_of(session: Session, code: str) -> QuestionnaireLink:
    """The link a code opens; an unknown code opens nothing (404, as a wrong URL)."""
    link = session.scalar(
        select(QuestionnaireLink).where(QuestionnaireLink.code_hash == hash_token(code))
    )
    if link is None:
        raise NotFound("No questionnaire at this link.")
    return link
