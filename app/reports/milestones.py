"""Milestones: named snapshots of the outline and of each section's version (created on
adoption and transmission, or by the secretariat), and the report as it stood at one."""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.errors import NotFound
from app.events.service import record_event
from app.groups.models import DRAFTING_ROLES
from app.pagination import page_query
from app.reports.access import ensure_not_transmitted, get_report, lock_report
from app.reports.models import (
    Milestone,
    MilestoneEntry,
    MilestoneKind,
    Report,
    SectionKind,
    Version,
)
from app.reports.outline import current_nodes
from app.text.outline import Node
from app.visibility import hidden_sections


def create_milestone(
    session: Session,
    *,
    report: Report,
    name: str,
    kind: MilestoneKind,
    actor: Principal,
) -> Milestone:
    """Snapshot the live outline and heads; the caller holds the report lock."""
    milestone = Milestone(
        report_id=report.id, name=name, kind=kind, created_by_id=actor.participant_id
    )
    session.add(milestone)
    session.flush()
    for node in current_nodes(session, report_id=report.id, with_text=False):
        session.add(
            MilestoneEntry(
                milestone_id=milestone.id,
                section_id=node.id,
                parent_id=node.parent_id,
                position=node.position,
                kind=SectionKind(node.kind),
                label=node.label,
                heading=node.heading,
                version_number=node.version,
            )
        )
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="milestone.created",
        actor_id=actor.participant_id,
        payload={"milestone_id": milestone.id, "name": name, "kind": kind.value},
    )
    return milestone


def add_milestone(
    session: Session, *, report_id: int, principal: Principal, name: str
) -> Milestone:
    report = lock_report(session, report_id=report_id, principal=principal, roles=DRAFTING_ROLES)
    # The transmission milestone is the last: the certified text (app/reports/certified.py).
    ensure_not_transmitted(report)
    return create_milestone(
        session, report=report, name=name, kind=MilestoneKind.manual, actor=principal
    )


def get_milestone(
    session: Session, *, milestone_id: int, principal: Principal | None
) -> tuple[Milestone, list[MilestoneEntry]]:
    milestone = session.get(Milestone, milestone_id)
    if milestone is None:
        raise NotFound(f"No milestone {milestone_id}.")
    report = get_report(session, report_id=milestone.report_id, principal=principal)
    hidden = hidden_sections(session, report, principal)
    entries = [
        entry
        for entry in session.scalars(
            select(MilestoneEntry).where(MilestoneEntry.milestone_id == milestone.id)
        )
        if entry.section_id not in hidden
    ]
    return milestone, entries


def list_milestones(
    session: Session, *, report: Report, after: int, limit: int
) -> tuple[list[Milestone], int | None]:
    query = select(Milestone).where(Milestone.report_id == report.id)
    return page_query(session, query, Milestone.id, after=after, limit=limit)


def milestone_nodes(session: Session, *, report: Report, milestone_id: int) -> list[Node]:
    rows = session.execute(
        select(MilestoneEntry, Version.text, Version.paragraph_count)
        .join(Milestone, Milestone.id == MilestoneEntry.milestone_id)
        .join(
            Version,
            and_(
                Version.section_id == MilestoneEntry.section_id,
                Version.number == MilestoneEntry.version_number,
            ),
        )
        .where(MilestoneEntry.milestone_id == milestone_id, Milestone.report_id == report.id)
    ).all()
    if not rows and session.get(Milestone, milestone_id) is None:
        raise NotFound(f"No milestone {milestone_id}.")
    return [
        Node(
            id=e.section_id,
            parent_id=e.parent_id,
            position=e.position,
            kind=e.kind.value,
            label=e.label,
            heading=e.heading,
            version=e.version_number,
            paragraph_count=count,
            text=text,
        )
        for e, text, count in rows
    ]
