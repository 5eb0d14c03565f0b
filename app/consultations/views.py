"""The one place that decides what a caller sees of a consultation's comments.

Members (chair, members, secretariat) see who said what. Observers, other groups and the
public get `CommentPublic`: a participant is "a participant" (no name, id, role or
category), and a public commenter is named only if it chose to be."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from fastapi import Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import visibility
from app.amendments.models import Amendment
from app.auth import Principal
from app.consultations.models import Comment, Consultation, Origin
from app.consultations.schemas import (
    AnchorRead,
    CommentPublic,
    CommentRead,
    ConsultationRead,
    CurrentAnchor,
    Outcome,
)
from app.consultations.service.anchors import current_anchors
from app.consultations.service.comments import participants_of
from app.consultations.service.consultations import state_of

A_PARTICIPANT = "a participant"
A_MEMBER_OF_THE_PUBLIC = "a member of the public"


def consultation_read(consultation: Consultation, now: datetime) -> ConsultationRead:
    return ConsultationRead(
        id=consultation.id,
        report_id=consultation.report_id,
        milestone_id=consultation.milestone_id,
        title=consultation.title,
        disclaimer=consultation.disclaimer,
        opens_at=consultation.opens_at,
        closes_at=consultation.closes_at,
        state=state_of(consultation, now),
        audiences=consultation.audiences,
        section_ids=consultation.section_ids,
        moderated=consultation.moderated,
        created_at=consultation.created_at,
    )


def public_commenter(comment: Comment) -> str:
    if comment.origin == Origin.participant:
        return A_PARTICIPANT
    return comment.author_name if comment.publish_name else A_MEMBER_OF_THE_PUBLIC


def outcomes_of(session: Session, comments: Sequence[Comment]) -> dict[int, Outcome]:
    ids = {c.amendment_id for c in comments if c.amendment_id is not None}
    if not ids:
        return {}
    return {
        a.id: Outcome(amendment_id=a.id, status=a.status, resulting_version=a.resulting_version)
        for a in session.scalars(select(Amendment).where(Amendment.id.in_(ids)))
    }


def public_views(
    session: Session, consultation: Consultation, comments: Sequence[Comment]
) -> list[CommentPublic]:
    where = current_anchors(session, report_id=consultation.report_id, comments=comments)
    outcomes = outcomes_of(session, comments)
    return [_public(c, where.get(c.id), outcomes) for c in comments]


def _public(
    comment: Comment, current: CurrentAnchor | None, outcomes: dict[int, Outcome]
) -> CommentPublic:
    public = comment.origin == Origin.public
    return CommentPublic(
        id=comment.id,
        consultation_id=comment.consultation_id,
        parent_id=comment.parent_id,
        commenter=public_commenter(comment),
        organisation=comment.organisation if public else "",
        category=comment.category if public else None,
        anchor=AnchorRead(
            scope=comment.scope,
            section_id=comment.section_id,
            posted_version=comment.posted_version,
            paragraph=comment.paragraph,
            start=comment.start,
            end=comment.end,
            quote=comment.quote,
        ),
        current=current,
        body=comment.body,
        suggestion=comment.suggestion,
        visibility=comment.visibility,
        disposition=comment.disposition,
        response=comment.response,
        outcome=None if comment.amendment_id is None else outcomes.get(comment.amendment_id),
        resolved=comment.resolved_at is not None,
        created_at=comment.created_at,
    )


def comment_views(
    session: Session,
    consultation: Consultation,
    comments: Sequence[Comment],
    principal: Principal | None,
) -> list[CommentRead] | list[CommentPublic]:
    public = public_views(session, consultation, comments)
    if not visibility.is_attributed(principal):
        return public
    people = participants_of(session, comments)
    attributed: list[CommentRead] = []
    for comment, view in zip(comments, public, strict=True):
        person = people.get(comment.participant_id) if comment.participant_id else None
        attributed.append(
            CommentRead(
                **view.model_dump(exclude={"commenter", "category"}),
                commenter=person.name if person else comment.author_name,
                category=comment.category,
                origin=comment.origin.value,
                participant_id=comment.participant_id,
                participant_name=person.name if person else None,
                participant_role=person.role.value if person else None,
                author_name=comment.author_name,
                publish_name=comment.publish_name,
            )
        )
    return attributed


def json_answer(model: BaseModel, status_code: int = 200) -> Response:
    """Serialise exactly the model chosen (a public view never gains attributed fields)."""
    return Response(model.model_dump_json(), status_code=status_code, media_type="application/json")
