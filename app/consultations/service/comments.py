"""Comments: submitted by participants or through the public form, moderated, answered by
members (one level of replies) and resolved by the secretariat."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Principal, hash_token
from app.clock import rfc3339
from app.consultations.errors import ConsultationClosed, ConsultationNotOpen
from app.consultations.models import (
    Audience,
    Category,
    Comment,
    CommentVisibility,
    Consultation,
    ConsultationInvite,
    Origin,
    Scope,
)
from app.consultations.schemas import CommentCreate, PublicCommentCreate
from app.consultations.service.anchors import fix_anchor
from app.consultations.service.consultations import (
    MEMBER_ROLES,
    audience_of,
    get_consultation,
    state_of,
)
from app.errors import Forbidden, InvalidState, NotFound, present
from app.events.service import record_event
from app.groups.models import DRAFTING_ROLES, Participant, Role, Stakeholder
from app.reports import service as reports
from app.reports.models import Report

CATEGORY_OF_STAKEHOLDER = {
    Stakeholder.government: Category.government,
    Stakeholder.private_sector: Category.private_sector,
    Stakeholder.civil_society: Category.civil_society,
    Stakeholder.intergovernmental: Category.intergovernmental,
    Stakeholder.technical_academic: Category.technical_academic,
    Stakeholder.other: Category.individual,
}


def ensure_open(consultation: Consultation, now: datetime) -> None:
    state = state_of(consultation, now)
    if state == "closed":
        raise ConsultationClosed(
            f"Comments closed at {rfc3339(consultation.closes_at)}.",
            closes_at=rfc3339(consultation.closes_at),
        )
    if state == "scheduled":
        raise ConsultationNotOpen(
            f"Comments open at {rfc3339(consultation.opens_at)}.",
            opens_at=rfc3339(consultation.opens_at),
        )


def _submitted(session: Session, report: Report, comment: Comment, actor_id: int | None) -> None:
    session.add(comment)
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="comment.submitted",
        actor_id=actor_id,
        payload={
            "consultation_id": comment.consultation_id,
            "comment_id": comment.id,
            "origin": comment.origin.value,
            "scope": comment.scope.value,
            "section_id": comment.section_id,
            "paragraph": comment.paragraph,
            "visibility": comment.visibility.value,
        },
    )


def submit_comment(
    session: Session,
    *,
    consultation_id: int,
    principal: Principal,
    body: CommentCreate,
    now: datetime,
) -> Comment:
    """A participant's comment, under its own token; published at once."""
    consultation = get_consultation(session, consultation_id=consultation_id, principal=principal)
    report = reports.lock_report(
        session,
        report_id=consultation.report_id,
        principal=principal,
        roles=tuple(Role),  # which audience the role belongs to is checked below
    )
    participant = principal.acting()
    audience = audience_of(principal)
    if audience.value not in consultation.audiences:
        raise Forbidden(f"This consultation does not take comments from {audience.value}.")
    ensure_open(consultation, now)
    fixed = fix_anchor(session, consultation, body.anchor)
    comment = Comment(
        consultation_id=consultation.id,
        origin=Origin.participant,
        participant_id=participant.id,
        category=CATEGORY_OF_STAKEHOLDER[participant.stakeholder],
        scope=fixed.scope,
        section_id=fixed.section_id,
        posted_version=fixed.posted_version,
        paragraph=fixed.paragraph,
        start=fixed.start,
        end=fixed.end,
        quote=fixed.quote,
        body=body.body,
        suggestion=body.suggestion,
        visibility=CommentVisibility.published,
        created_at=now,
    )
    _submitted(session, report, comment, participant.id)
    return comment


def submit_public_comment(
    session: Session,
    *,
    consultation_id: int,
    body: PublicCommentCreate,
    now: datetime,
) -> Comment:
    """A comment through the public form, without an account: the public audience, or an
    invited stakeholder with its code. Held for moderation when the consultation says so."""
    consultation = session.get(Consultation, consultation_id)
    if consultation is None:
        raise NotFound(f"No consultation {consultation_id}.")
    invite: ConsultationInvite | None = None
    if body.invite_code is not None:
        invite = session.scalar(
            select(ConsultationInvite).where(
                ConsultationInvite.code_hash == hash_token(body.invite_code),
                ConsultationInvite.consultation_id == consultation.id,
            )
        )
        if invite is None:
            raise Forbidden("This invitation code is not valid for this consultation.")
    elif Audience.public.value not in consultation.audiences:
        if Audience.invited.value in consultation.audiences:
            raise Forbidden("This consultation takes comments from invited stakeholders only.")
        raise NotFound(f"No consultation {consultation_id}.")  # not public: it does not exist
    report = reports.lock_report_row(session, report_id=consultation.report_id)
    ensure_open(consultation, now)
    fixed = fix_anchor(session, consultation, body.anchor)
    comment = Comment(
        consultation_id=consultation.id,
        origin=Origin.public,
        invite_id=None if invite is None else invite.id,
        author_name=body.name.strip(),
        organisation=(body.organisation or (invite.organisation if invite else "")).strip(),
        category=body.category if invite is None else invite.category,
        publish_name=body.publish_name,
        scope=fixed.scope,
        section_id=fixed.section_id,
        posted_version=fixed.posted_version,
        paragraph=fixed.paragraph,
        start=fixed.start,
        end=fixed.end,
        quote=fixed.quote,
        body=body.body,
        suggestion=body.suggestion,
        visibility=CommentVisibility.pending
        if consultation.moderated
        else CommentVisibility.published,
        created_at=now,
    )
    _submitted(session, report, comment, None)
    return comment


def consultation_of(session: Session, comment: Comment) -> Consultation:
    consultation = present(
        session.get(Consultation, comment.consultation_id),
        f"No consultation {comment.consultation_id}.",
    )
    return consultation


def get_comment(session: Session, *, comment_id: int, principal: Principal | None) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(f"No comment {comment_id}.")
    consultation = get_consultation(
        session, consultation_id=comment.consultation_id, principal=principal
    )
    if comment.visibility != CommentVisibility.published and not may_moderate(
        session, consultation, principal
    ):
        raise NotFound(f"No comment {comment_id}.")
    return comment


def may_moderate(session: Session, consultation: Consultation, principal: Principal | None) -> bool:
    if principal is None or principal.public_reads:
        return False
    report = present(
        session.get(Report, consultation.report_id), f"No report {consultation.report_id}."
    )
    return principal.group_id == report.group_id and principal.role in DRAFTING_ROLES


def list_comments(
    session: Session,
    *,
    consultation: Consultation,
    principal: Principal | None,
    visibility: CommentVisibility | None,
    section_id: int | None,
    after: int,
    limit: int,
) -> tuple[list[Comment], int | None]:
    """Top-level comments and replies, by id. Held and rejected comments only for the chair
    and the secretariat."""
    query = select(Comment).where(Comment.consultation_id == consultation.id, Comment.id > after)
    if not may_moderate(session, consultation, principal):
        query = query.where(Comment.visibility == CommentVisibility.published)
    if visibility is not None:
        query = query.where(Comment.visibility == visibility)
    if section_id is not None:
        query = query.where(Comment.section_id == section_id)
    rows = list(session.scalars(query.order_by(Comment.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


def published_comments(session: Session, consultation: Consultation) -> list[Comment]:
    return list(
        session.scalars(
            select(Comment)
            .where(
                Comment.consultation_id == consultation.id,
                Comment.visibility == CommentVisibility.published,
            )
            .order_by(Comment.id)
        )
    )


def lock_comment(
    session: Session, *, comment_id: int, principal: Principal, roles: Iterable[Role]
) -> tuple[Report, Consultation, Comment]:
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(f"No comment {comment_id}.")
    consultation = present(
        session.get(Consultation, comment.consultation_id),
        f"No consultation {comment.consultation_id}.",
    )
    report = reports.lock_report(
        session, report_id=consultation.report_id, principal=principal, roles=roles
    )
    session.refresh(comment)
    return report, consultation, comment


def moderate(session: Session, *, comment_id: int, principal: Principal, publish: bool) -> Comment:
    report, _consultation, comment = lock_comment(
        session, comment_id=comment_id, principal=principal, roles=DRAFTING_ROLES
    )
    if comment.visibility != CommentVisibility.pending:
        raise InvalidState(f"Comment {comment.id} is already {comment.visibility.value}.")
    comment.visibility = CommentVisibility.published if publish else CommentVisibility.rejected
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="comment.moderated",
        actor_id=principal.participant_id,
        payload={
            "consultation_id": comment.consultation_id,
            "comment_id": comment.id,
            "visibility": comment.visibility.value,
        },
    )
    return comment


def reply(
    session: Session, *, comment_id: int, principal: Principal, body: str, now: datetime
) -> Comment:
    """A member's reply: one level deep, on a published comment, while or after the round."""
    report, consultation, parent = lock_comment(
        session, comment_id=comment_id, principal=principal, roles=MEMBER_ROLES
    )
    participant = principal.acting()
    if parent.parent_id is not None:
        raise InvalidState("Replies go one level deep: reply to the comment itself.")
    if parent.visibility != CommentVisibility.published:
        raise InvalidState(f"Comment {parent.id} is not published.")
    comment = Comment(
        consultation_id=consultation.id,
        parent_id=parent.id,
        origin=Origin.participant,
        participant_id=participant.id,
        category=CATEGORY_OF_STAKEHOLDER[participant.stakeholder],
        scope=Scope.general,
        body=body,
        visibility=CommentVisibility.published,
        created_at=now,
    )
    session.add(comment)
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="comment.replied",
        actor_id=participant.id,
        payload={
            "consultation_id": consultation.id,
            "comment_id": comment.id,
            "reply_to": parent.id,
        },
    )
    return comment


def resolve(session: Session, *, comment_id: int, principal: Principal, now: datetime) -> Comment:
    report, _consultation, comment = lock_comment(
        session, comment_id=comment_id, principal=principal, roles=DRAFTING_ROLES
    )
    if comment.parent_id is not None:
        raise InvalidState("Resolve the comment the replies answer, not a reply.")
    if comment.resolved_at is None:
        comment.resolved_at = now
        session.flush()
        record_event(
            session,
            report_id=report.id,
            type="comment.resolved",
            actor_id=principal.participant_id,
            payload={"consultation_id": comment.consultation_id, "comment_id": comment.id},
        )
    return comment


def participants_of(session: Session, comments: Sequence[Comment]) -> dict[int, Participant]:
    ids = {c.participant_id for c in comments if c.participant_id is not None}
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Participant).where(Participant.id.in_(ids)))}
