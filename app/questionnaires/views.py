"""The one place that decides what a caller sees of a questionnaire and its replies.

The group's members (chair, members, secretariat) and the site admin see who answered, with
stakeholder group and region (`ReplyRead`). Observers, other groups and the public get
`ReplyPublic`: a member is "a member of the group" (no name, id, stakeholder or region), and a
public respondent is named only if it chose to be; its organisation and category show, as for
public comments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import visibility
from app.auth import Principal
from app.groups.models import Participant, Stakeholder
from app.questionnaires.models import (
    Question,
    Questionnaire,
    Reply,
    ReplyAudience,
    RespondentCategory,
)
from app.questionnaires.schemas import (
    QuestionnairePublic,
    QuestionnaireRead,
    QuestionRead,
    ReplyPublic,
    ReplyRead,
)
from app.questionnaires.service.questionnaires import in_group, questions_of, state_of

A_MEMBER = "a member of the group"
A_RESPONDENT = "a respondent"
CATEGORY_OF_STAKEHOLDER = {
    Stakeholder.government: RespondentCategory.government,
    Stakeholder.private_sector: RespondentCategory.private_sector,
    Stakeholder.civil_society: RespondentCategory.civil_society,
    Stakeholder.intergovernmental: RespondentCategory.intergovernmental,
    Stakeholder.technical_academic: RespondentCategory.technical_academic,
    Stakeholder.other: RespondentCategory.individual,
}


def sees_names(questionnaire: Questionnaire, principal: Principal | None) -> bool:
    """Members of the questionnaire's own group (and the admin) read the attributed record."""
    return in_group(questionnaire, principal) and visibility.is_attributed(principal)


def question_reads(questions: Sequence[Question]) -> list[QuestionRead]:
    return [
        QuestionRead(
            id=q.id,
            number=q.position,
            kind=q.kind,
            prompt=q.prompt,
            required=q.required,
            options=list(q.options),
            max_chars=q.max_chars,
            scale_min=q.scale_min,
            scale_max=q.scale_max,
            reworded_at=q.reworded_at,
            answered_prompt=q.answered_prompt,
        )
        for q in questions
    ]


def questionnaire_read(
    session: Session, questionnaire: Questionnaire, now: datetime
) -> QuestionnaireRead:
    return QuestionnaireRead(
        id=questionnaire.id,
        group_id=questionnaire.group_id,
        report_id=questionnaire.report_id,
        title=questionnaire.title,
        internal_chapeau=questionnaire.internal_chapeau,
        public_chapeau=questionnaire.public_chapeau,
        deadline=questionnaire.deadline,
        state=state_of(questionnaire, now),
        shared=questionnaire.shared_at is not None,
        narrative=questionnaire.narrative,
        questions=question_reads(questions_of(session, questionnaire.id)),
        created_at=questionnaire.created_at,
    )


def questionnaire_public(
    session: Session, questionnaire: Questionnaire, now: datetime
) -> QuestionnairePublic:
    return QuestionnairePublic(
        id=questionnaire.id,
        title=questionnaire.title,
        chapeau=questionnaire.public_chapeau or "",
        deadline=questionnaire.deadline,
        state=state_of(questionnaire, now),
        questions=question_reads(questions_of(session, questionnaire.id)),
    )


def people_of(session: Session, replies: Sequence[Reply]) -> dict[int, Participant]:
    ids = {r.participant_id for r in replies if r.participant_id is not None}
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Participant).where(Participant.id.in_(ids)))}


def category_of(reply: Reply, person: Participant | None) -> RespondentCategory | None:
    if person is not None:
        return CATEGORY_OF_STAKEHOLDER[person.stakeholder]
    return reply.category


def public_label(reply: Reply) -> str:
    if reply.audience == ReplyAudience.internal:
        return A_MEMBER
    return reply.respondent_name if reply.publish_name and reply.respondent_name else A_RESPONDENT


def named_label(reply: Reply, person: Participant | None) -> str:
    if person is not None:
        return person.name
    return reply.respondent_name or A_RESPONDENT


def public_view(reply: Reply) -> ReplyPublic:
    public = reply.audience == ReplyAudience.public
    return ReplyPublic(
        id=reply.id,
        questionnaire_id=reply.questionnaire_id,
        audience=reply.audience,
        respondent=public_label(reply),
        organisation=reply.organisation if public else "",
        category=reply.category if public else None,
        status=reply.status,
        moderation=reply.moderation,
        answers=dict(reply.answers),
        submitted_at=reply.submitted_at,
        updated_at=reply.updated_at,
    )


def named_view(reply: Reply, person: Participant | None) -> ReplyRead:
    return ReplyRead(
        **public_view(reply).model_dump(exclude={"respondent", "category"}),
        respondent=named_label(reply, person),
        category=category_of(reply, person),
        participant_id=reply.participant_id,
        stakeholder=None if person is None else person.stakeholder.value,
        region=None if person is None else person.region,
        publish_name=reply.publish_name,
        created_at=reply.created_at,
        withdrawn_at=reply.withdrawn_at,
    )


def reply_views(
    session: Session,
    questionnaire: Questionnaire,
    replies: Sequence[Reply],
    principal: Principal | None,
) -> list[ReplyRead] | list[ReplyPublic]:
    """Every reply seen through the same rule; a respondent reads its own reply whole."""
    if sees_names(questionnaire, principal):
        people = people_of(session, replies)
        return [named_view(r, people.get(r.participant_id or 0)) for r in replies]
    return [public_view(r) for r in replies]


def own_view(session: Session, reply: Reply) -> ReplyRead:
    """The respondent's own reply (a member, or a public link's holder)."""
    return named_view(reply, people_of(session, [reply]).get(reply.participant_id or 0))
