"""Opening a consultation on a posted snapshot, reading it, and who may comment on it."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Principal, hash_token
from app.clock import rfc3339
from app.consultations.models import Audience, Category, Consultation, ConsultationInvite
from app.errors import Forbidden, InvalidState, NotFound, Unprocessable, present
from app.events.service import record_event
from app.groups.models import DRAFTING_ROLES, Role
from app.reports import service as reports
from app.reports.models import Milestone, MilestoneEntry, MilestoneKind, Report
from app.text.outline import Placed, order

State = Literal["scheduled", "open", "closed"]
MEMBER_ROLES = frozenset({Role.chair, Role.member, Role.secretariat})
INVITE_PREFIX = "cons_"


def state_of(consultation: Consultation, now: datetime) -> State:
    """From the clock alone: a consultation closes at its closing time, whether or not any
    request or sweep has happened since."""
    if now < consultation.opens_at:
        return "scheduled"
    return "open" if now < consultation.closes_at else "closed"


def open_consultation(
    session: Session,
    *,
    report_id: int,
    principal: Principal,
    title: str,
    disclaimer: str | None,
    milestone_id: int | None,
    section_ids: Sequence[int] | None,
    opens_at: datetime | None,
    closes_at: datetime,
    audiences: Sequence[Audience],
    moderated: bool,
    now: datetime,
) -> Consultation:
    report = reports.lock_report(
        session, report_id=report_id, principal=principal, roles=DRAFTING_ROLES
    )
    reports.ensure_not_transmitted(report)
    opens_at = opens_at or now
    if closes_at <= opens_at or closes_at <= now:
        raise Unprocessable(
            "The closing time must come after the opening time and lie in the future.",
            opens_at=rfc3339(opens_at),
            closes_at=rfc3339(closes_at),
        )
    milestone = _posted_milestone(session, report, principal, title, milestone_id)
    if section_ids is not None:
        _ensure_posted(session, milestone, section_ids)
    consultation = Consultation(
        report_id=report.id,
        milestone_id=milestone.id,
        title=title,
        disclaimer=report.disclaimer if disclaimer is None else disclaimer,
        opens_at=opens_at,
        closes_at=closes_at,
        audiences=sorted({a.value for a in audiences}),
        section_ids=None if section_ids is None else sorted(set(section_ids)),
        moderated=moderated,
    )
    session.add(consultation)
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="consultation.opened",
        actor_id=principal.participant_id,
        payload={
            "consultation_id": consultation.id,
            "milestone_id": milestone.id,
            "title": title,
            "opens_at": rfc3339(opens_at),
            "closes_at": rfc3339(closes_at),
            "audiences": consultation.audiences,
            "section_ids": consultation.section_ids,
            "moderated": moderated,
        },
    )
    return consultation


def _posted_milestone(
    session: Session, report: Report, principal: Principal, title: str, milestone_id: int | None
) -> Milestone:
    """The text posted for comment: a named milestone, or one taken now."""
    if milestone_id is None:
        return reports.create_milestone(
            session,
            report=report,
            name=f"Posted for comment: {title}"[:200],
            kind=MilestoneKind.manual,
            actor=principal,
        )
    found = session.get(Milestone, milestone_id)
    if found is None or found.report_id != report.id:
        raise NotFound(f"No milestone {milestone_id} in report {report.id}.")
    return found


def _ensure_posted(session: Session, milestone: Milestone, section_ids: Sequence[int]) -> None:
    posted = set(
        session.scalars(
            select(MilestoneEntry.section_id).where(MilestoneEntry.milestone_id == milestone.id)
        )
    )
    missing = sorted(set(section_ids) - posted)
    if missing:
        raise Unprocessable(
            f"Sections {missing} are not in the posted milestone.", section_ids=missing
        )


def is_public(consultation: Consultation) -> bool:
    return Audience.public.value in consultation.audiences


def get_consultation(
    session: Session, *, consultation_id: int, principal: Principal | None
) -> Consultation:
    """Readable by whoever may read the report, and by anyone when the public may comment
    (they must read what they comment on)."""
    consultation = session.get(Consultation, consultation_id)
    if consultation is None:
        raise NotFound(f"No consultation {consultation_id}.")
    if not is_public(consultation):
        reports.get_report(session, report_id=consultation.report_id, principal=principal)
    elif principal is not None and not (
        principal.is_admin or principal.group_id == _group_of(session, consultation)
    ):
        # Someone else's group reads a public consultation as the public does.
        principal.public_reads.add(consultation.report_id)
    return consultation


def _group_of(session: Session, consultation: Consultation) -> int:
    report = present(
        session.get(Report, consultation.report_id), f"No report {consultation.report_id}."
    )
    return report.group_id


def list_consultations(
    session: Session, *, report: Report, after: int, limit: int
) -> tuple[list[Consultation], int | None]:
    rows = list(
        session.scalars(
            select(Consultation)
            .where(Consultation.report_id == report.id, Consultation.id > after)
            .order_by(Consultation.id)
            .limit(limit + 1)
        )
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


def posted_outline(session: Session, consultation: Consultation) -> list[Placed]:
    """The report as posted (numbered as posted), limited to the chosen sections."""
    report = present(
        session.get(Report, consultation.report_id), f"No report {consultation.report_id}."
    )
    placed = order(
        reports.milestone_nodes(session, report=report, milestone_id=consultation.milestone_id)
    )
    if consultation.section_ids is None:
        return placed
    chosen = set(consultation.section_ids)
    return [p for p in placed if p.node.id in chosen]


def issue_invite(
    session: Session,
    *,
    consultation_id: int,
    principal: Principal,
    organisation: str,
    category: Category,
) -> tuple[ConsultationInvite, str]:
    consultation = session.get(Consultation, consultation_id)
    if consultation is None:
        raise NotFound(f"No consultation {consultation_id}.")
    report = reports.lock_report(
        session, report_id=consultation.report_id, principal=principal, roles=DRAFTING_ROLES
    )
    if Audience.invited.value not in consultation.audiences:
        raise InvalidState("This consultation does not take invited stakeholders.")
    code = INVITE_PREFIX + secrets.token_urlsafe(24)
    invite = ConsultationInvite(
        consultation_id=consultation.id,
        code_hash=hash_token(code),
        organisation=organisation,
        category=category,
    )
    session.add(invite)
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="consultation.invited",
        actor_id=principal.participant_id,
        payload={"consultation_id": consultation.id, "category": category.value},
    )
    return invite, code


def audience_of(principal: Principal) -> Audience:
    """Which audience a participant comments as."""
    if principal.role in MEMBER_ROLES:
        return Audience.members
    if principal.role == Role.observer:
        return Audience.observers
    raise Forbidden("The site admin does not comment; this needs a participant's token.")
