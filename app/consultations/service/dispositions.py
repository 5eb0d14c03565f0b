"""What became of each comment: the secretariat's disposition and response, and the
amendment a comment turned into (linked both ways: the comment names the amendment, and
`comments_of_amendment` finds the comments behind an amendment)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.amendments.models import Amendment, AmendmentKind
from app.amendments.service import propose_amendment
from app.auth import Principal
from app.consultations.models import Comment, CommentVisibility, Disposition, Scope
from app.consultations.service.anchors import current_anchors
from app.consultations.service.comments import lock_comment
from app.errors import InvalidState, NotFound, Unprocessable, present
from app.events.service import record_event
from app.groups.models import DRAFTING_ROLES
from app.pagination import page_query
from app.reports import service as reports
from app.reports.models import Section
from app.text.edits import Edit, apply_edits


def dispose(
    session: Session,
    *,
    comment_id: int,
    principal: Principal,
    disposition: Disposition,
    response: str,
    now: datetime,
) -> Comment:
    report, _consultation, comment = lock_comment(
        session, comment_id=comment_id, principal=principal, roles=DRAFTING_ROLES
    )
    if comment.parent_id is not None:
        raise InvalidState("A reply takes no disposition; dispose of the comment it answers.")
    if comment.visibility != CommentVisibility.published:
        raise InvalidState(f"Comment {comment.id} is {comment.visibility.value}; publish it first.")
    comment.disposition = disposition
    comment.response = response
    comment.disposed_at = now
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="comment.disposed",
        actor_id=principal.participant_id,
        payload={
            "consultation_id": comment.consultation_id,
            "comment_id": comment.id,
            "disposition": disposition.value,
            "response": response,
        },
    )
    return comment


def turn_into_amendment(
    session: Session,
    *,
    comment_id: int,
    principal: Principal,
    text: str | None,
    kind: AmendmentKind,
    rationale: str | None,
    timeout: float,
) -> tuple[Comment, Amendment]:
    """Propose an amendment to the comment's section, prefilled from the comment: by default
    the head text with the anchored passage (carried to the head) replaced by the comment's
    suggestion, and the comment as the rationale."""
    report, _consultation, comment = lock_comment(
        session, comment_id=comment_id, principal=principal, roles=DRAFTING_ROLES
    )
    if comment.amendment_id is not None:
        raise InvalidState(
            f"Comment {comment.id} already became amendment {comment.amendment_id}.",
            amendment_id=comment.amendment_id,
        )
    if comment.section_id is None:
        raise InvalidState("A general comment names no section to amend.")
    if comment.visibility != CommentVisibility.published:
        raise InvalidState(f"Comment {comment.id} is {comment.visibility.value}; publish it first.")
    section = present(session.get(Section, comment.section_id), f"No section {comment.section_id}.")
    head = reports.get_version(session, section=section, number=section.head_version)
    if text is None:
        text = _prefilled(session, comment, report_id=report.id, head_text=head.text)
    amendment = propose_amendment(
        session,
        section_id=section.id,
        caller=principal,
        base_version=head.number,
        text=text,
        patch=None,
        rationale=rationale or f"From consultation comment {comment.id}: {comment.body}"[:5_000],
        kind=kind,
        alternative_to=None,
        consent_deadline=None,
        timeout=timeout,
    )
    comment.amendment_id = amendment.id
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="comment.amendment_proposed",
        actor_id=principal.participant_id,
        payload={
            "consultation_id": comment.consultation_id,
            "comment_id": comment.id,
            "amendment_id": amendment.id,
        },
    )
    return comment, amendment


def _prefilled(session: Session, comment: Comment, *, report_id: int, head_text: str) -> str:
    if comment.suggestion is None or comment.scope != Scope.range:
        raise Unprocessable(
            "This comment suggests no wording for a passage; send the amendment's `text`."
        )
    where = current_anchors(session, report_id=report_id, comments=[comment])[comment.id]
    if where.outdated or where.start is None or where.end is None:
        raise InvalidState(
            "The passage this comment quotes has been rewritten since it was posted; send the "
            "amendment's `text`.",
            quote=comment.quote,
        )
    return apply_edits(head_text, [Edit(where.start, where.end, comment.suggestion)])


def comments_of_amendment(
    session: Session, *, amendment_id: int, principal: Principal | None, after: int, limit: int
) -> tuple[list[Comment], int | None]:
    amendment = session.get(Amendment, amendment_id)
    if amendment is None:
        raise NotFound(f"No amendment {amendment_id}.")
    reports.get_report(session, report_id=amendment.report_id, principal=principal)
    query = select(Comment).where(Comment.amendment_id == amendment_id)
    return page_query(session, query, Comment.id, after=after, limit=limit)
