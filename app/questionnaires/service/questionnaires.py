"""Creating a questionnaire, reading it, sharing members' replies, the narrative, and where
its events go.

Events: a questionnaire tied to a report records its events in that report's log (stream,
webhooks, the hash chain), under the report's lock. One of the group alone records none:
fanning each reply out to every report of the group (as roster changes are) would put it in
the chains of reports it does not concern and deliver each webhook once per report. Its rows
keep who answered when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.clock import rfc3339
from app.errors import Forbidden, InvalidState, NotFound, Unauthorized, Unprocessable
from app.events.service import record_event
from app.groups.models import DRAFTING_ROLES, Role
from app.questionnaires.errors import QuestionnaireClosed
from app.questionnaires.models import Question, Questionnaire
from app.questionnaires.schemas import QuestionnaireCreate, State
from app.reports.models import Report, ReportStatus

MEMBER_ROLES = frozenset({Role.chair, Role.member, Role.secretariat})
# Who answers the internal version: the group's members (the secretariat circulates it).
RESPONDENT_ROLES = frozenset({Role.chair, Role.member})


def state_of(questionnaire: Questionnaire, now: datetime) -> State:
    """From the clock alone: closed at its deadline, whether or not the sweep has run."""
    return "open" if now < questionnaire.deadline else "closed"


def ensure_open(questionnaire: Questionnaire, now: datetime) -> None:
    if state_of(questionnaire, now) == "closed":
        raise QuestionnaireClosed(
            f"Replies closed at {rfc3339(questionnaire.deadline)}.",
            deadline=rfc3339(questionnaire.deadline),
        )


def lock(session: Session, questionnaire_id: int) -> Questionnaire:
    """The write lock of a questionnaire: its report's row when tied to one (events of a
    report are appended one transaction at a time), else its own row."""
    questionnaire = session.get(Questionnaire, questionnaire_id)
    if questionnaire is None:
        raise NotFound(f"No questionnaire {questionnaire_id}.")
    if questionnaire.report_id is not None:
        session.scalar(
            select(Report.id).where(Report.id == questionnaire.report_id).with_for_update()
        )
    else:
        session.scalar(
            select(Questionnaire.id).where(Questionnaire.id == questionnaire_id).with_for_update()
        )
    session.refresh(questionnaire)
    return questionnaire


def record(
    session: Session,
    questionnaire: Questionnaire,
    *,
    type: str,
    actor_id: int | None,
    payload: dict[str, Any],
) -> None:
    """Record an event in the tied report's log (the caller holds `lock`); a questionnaire of
    the group alone, or one whose report was transmitted (frozen), records nothing."""
    if questionnaire.report_id is None:
        return
    status = session.scalar(select(Report.status).where(Report.id == questionnaire.report_id))
    if status == ReportStatus.transmitted:
        return
    record_event(
        session,
        report_id=questionnaire.report_id,
        type=type,
        actor_id=actor_id,
        payload={"questionnaire_id": questionnaire.id, **payload},
    )


def ensure_staff(questionnaire: Questionnaire, principal: Principal) -> None:
    """The chair or the secretariat of the questionnaire's group."""
    principal.ensure_role(questionnaire.group_id, DRAFTING_ROLES)


def create_questionnaire(
    session: Session,
    *,
    group_id: int,
    principal: Principal,
    body: QuestionnaireCreate,
    now: datetime,
) -> Questionnaire:
    principal.ensure_role(group_id, DRAFTING_ROLES)
    if body.deadline <= now:
        raise Unprocessable("The deadline must lie in the future.", deadline=rfc3339(body.deadline))
    if body.report_id is not None:
        report = session.scalar(select(Report).where(Report.id == body.report_id).with_for_update())
        if report is None or report.group_id != group_id:
            raise NotFound(f"No report {body.report_id} in group {group_id}.")
        if report.status == ReportStatus.transmitted:
            raise InvalidState(f"Report {report.id} has been transmitted and is frozen.")
    questionnaire = Questionnaire(
        group_id=group_id,
        report_id=body.report_id,
        title=body.title,
        internal_chapeau=body.internal_chapeau,
        public_chapeau=body.public_chapeau,
        deadline=body.deadline,
        created_by_id=principal.participant_id,
        created_at=now,
    )
    session.add(questionnaire)
    session.flush()
    for number, question in enumerate(body.questions, start=1):
        session.add(
            Question(
                questionnaire_id=questionnaire.id,
                position=number,
                kind=question.kind,
                prompt=question.prompt,
                required=question.required,
                options=list(question.options),
                max_chars=question.max_chars,
                scale_min=question.scale_min,
                scale_max=question.scale_max,
            )
        )
    session.flush()
    record(
        session,
        questionnaire,
        type="questionnaire.created",
        actor_id=principal.participant_id,
        payload={
            "title": questionnaire.title,
            "internal": questionnaire.internal_chapeau is not None,
            "public": questionnaire.public_chapeau is not None,
            "questions": len(body.questions),
            "deadline": rfc3339(questionnaire.deadline),
        },
    )
    return questionnaire


def questions_of(session: Session, questionnaire_id: int) -> list[Question]:
    return list(
        session.scalars(
            select(Question)
            .where(Question.questionnaire_id == questionnaire_id)
            .order_by(Question.position)
        )
    )


def in_group(questionnaire: Questionnaire, principal: Principal | None) -> bool:
    """The group's participants (any role) and the site admin read the whole questionnaire."""
    return principal is not None and (
        principal.is_admin or principal.group_id == questionnaire.group_id
    )


def get_questionnaire(
    session: Session, *, questionnaire_id: int, principal: Principal | None
) -> Questionnaire:
    """Read whole by the group; anyone else reads its public version, if it has one;
    otherwise it does not exist for them."""
    questionnaire = session.get(Questionnaire, questionnaire_id)
    if questionnaire is None:
        raise NotFound(f"No questionnaire {questionnaire_id}.")
    if in_group(questionnaire, principal) or questionnaire.public_chapeau is not None:
        return questionnaire
    if principal is None:
        raise Unauthorized(
            "Send a token as 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    raise NotFound(f"No questionnaire {questionnaire_id}.")


def list_questionnaires(
    session: Session, *, group_id: int, principal: Principal, after: int, limit: int
) -> tuple[list[Questionnaire], int | None]:
    principal.ensure_in_group(group_id)
    rows = list(
        session.scalars(
            select(Questionnaire)
            .where(Questionnaire.group_id == group_id, Questionnaire.id > after)
            .order_by(Questionnaire.id)
            .limit(limit + 1)
        )
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


def set_shared(
    session: Session, *, questionnaire_id: int, principal: Principal, shared: bool, now: datetime
) -> Questionnaire:
    """The secretariat (or the chair) opens members' replies to each other, or closes them."""
    questionnaire = lock(session, questionnaire_id)
    ensure_staff(questionnaire, principal)
    if questionnaire.internal_chapeau is None:
        raise InvalidState("This questionnaire has no internal version.")
    if (questionnaire.shared_at is not None) != shared:
        questionnaire.shared_at = now if shared else None
        session.flush()
        record(
            session,
            questionnaire,
            type="questionnaire.shared" if shared else "questionnaire.unshared",
            actor_id=principal.participant_id,
            payload={},
        )
    return questionnaire


def set_narrative(
    session: Session, *, questionnaire_id: int, principal: Principal, text: str
) -> Questionnaire:
    questionnaire = lock(session, questionnaire_id)
    ensure_staff(questionnaire, principal)
    if questionnaire.narrative != text:
        questionnaire.narrative = text
        session.flush()
        record(
            session,
            questionnaire,
            type="questionnaire.narrative",
            actor_id=principal.participant_id,
            payload={"chars": len(text)},
        )
    return questionnaire


def ensure_respondent(questionnaire: Questionnaire, principal: Principal) -> int:
    """A member of the group answers the internal version with its own token; returns its
    participant id."""
    principal.ensure_in_group(questionnaire.group_id)
    if questionnaire.internal_chapeau is None:
        raise InvalidState("This questionnaire has only a public version: answer by its link.")
    if principal.participant_id is None or principal.role not in RESPONDENT_ROLES:
        raise Forbidden("The group's members (chair and members) answer the questionnaire.")
    return principal.participant_id
