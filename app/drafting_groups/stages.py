"""A part's way to the plenary (issue 20): assigned to a drafting group, agreed there (its
co-leads), posted to the group and publicly (the chair), approved by the plenary (the
chair, in a meeting: a milestone and an event), or explicitly left out (the chair).

A change applies to the section and every live subsection (a whole chapter at once), and
only when each of them stands where the change may start; otherwise 409 stage-not-allowed
listing those that do not. Every change takes the report's lock first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.clock import utcnow
from app.drafting_groups.models import (
    DEFAULT_STAGE,
    DraftingGroup,
    DraftingMember,
    SectionStage,
    Stage,
)
from app.errors import Forbidden, NotFound, SectionHasDraftingGroup, StageNotAllowed
from app.events.service import record_event
from app.groups.models import PROPOSING_ROLES, Role
from app.meetings.models import deciding_session, decision_payload
from app.reports import service as reports
from app.reports.models import MilestoneKind, Report, Section


@dataclass(frozen=True)
class Move:
    starts: frozenset[Stage]
    by_co_lead: bool  # else by the chair


MOVES = {
    Stage.agreed_in_drafting_group: Move(frozenset({Stage.in_drafting_group}), by_co_lead=True),
    Stage.posted_to_group: Move(frozenset({Stage.agreed_in_drafting_group}), by_co_lead=False),
    Stage.posted_publicly: Move(frozenset({Stage.posted_to_group}), by_co_lead=False),
    Stage.approved: Move(
        frozenset({Stage.posted_to_group, Stage.posted_publicly}), by_co_lead=False
    ),
    Stage.left_out: Move(
        frozenset(
            {
                Stage.in_drafting_group,
                Stage.agreed_in_drafting_group,
                Stage.posted_to_group,
                Stage.posted_publicly,
            }
        ),
        by_co_lead=False,
    ),
}


def subtree(session: Session, section: Section) -> list[int]:
    """The section and its live descendants, parents first."""
    rows = session.execute(
        select(Section.id, Section.parent_id).where(
            Section.report_id == section.report_id, Section.removed_at.is_(None)
        )
    ).all()
    ids, frontier = [section.id], [section.id]
    while frontier:
        frontier = [r.id for r in rows if r.parent_id in frontier]
        ids.extend(frontier)
    return ids


def _rows(session: Session, ids: list[int]) -> dict[int, SectionStage]:
    found = session.scalars(
        select(SectionStage)
        .where(SectionStage.section_id.in_(ids))
        .execution_options(populate_existing=True)
    )
    return {row.section_id: row for row in found}


def _set(
    session: Session, report: Report, ids: list[int], stage: Stage, actor: int | None, **extra: int
) -> None:
    rows = _rows(session, ids)
    for section_id in ids:
        row = rows.get(section_id)
        if row is None:
            row = SectionStage(section_id=section_id, report_id=report.id)
            session.add(row)
        row.stage = stage
        row.changed_at = utcnow()
        row.changed_by_id = actor
        if "drafting_group_id" in extra:
            row.drafting_group_id = extra["drafting_group_id"]
    session.flush()


def assign_section(
    session: Session, *, drafting_group_id: int, section_id: int, principal: Principal
) -> tuple[Report, list[int]]:
    report, section = reports.lock_section(
        session, section_id=section_id, principal=principal, roles=[Role.chair]
    )
    drafting_group = session.get(DraftingGroup, drafting_group_id)
    if drafting_group is None or drafting_group.group_id != report.group_id:
        raise NotFound(f"No drafting group {drafting_group_id}.")
    reports.ensure_drafting(report, "Assigning a part to a drafting group")
    ids = subtree(session, section)
    for row in _rows(session, ids).values():
        if row.drafting_group_id not in (None, drafting_group_id):
            raise SectionHasDraftingGroup(
                f"Section {row.section_id} is held by drafting group {row.drafting_group_id}.",
                section_id=row.section_id,
            )
        if row.stage not in (Stage.in_drafting_group, DEFAULT_STAGE):
            raise StageNotAllowed(
                f"Section {row.section_id} is {row.stage}; it cannot go back to a drafting group.",
                parts=[{"section_id": row.section_id, "stage": row.stage.value}],
            )
    actor = principal.participant_id
    _set(session, report, ids, Stage.in_drafting_group, actor, drafting_group_id=drafting_group_id)
    record_event(
        session,
        report_id=report.id,
        type="section.assigned",
        actor_id=actor,
        payload={"section_id": section.id, "drafting_group_id": drafting_group_id, "sections": ids},
    )
    return report, ids


def change_stage(
    session: Session, *, section_id: int, principal: Principal, to: Stage
) -> tuple[Report, list[int]]:
    move = MOVES.get(to)
    if move is None:
        raise StageNotAllowed(f"A part goes to {to} only by assignment to a drafting group.")
    report, section = reports.lock_section(
        session, section_id=section_id, principal=principal, roles=PROPOSING_ROLES
    )
    reports.ensure_drafting(report, "Moving a part on")
    ids = subtree(session, section)
    rows = _rows(session, ids)
    _ensure_may_move(session, principal, move, rows.get(section.id))
    blocked = [
        {"section_id": i, "stage": (rows[i].stage if i in rows else DEFAULT_STAGE).value}
        for i in ids
        if (rows[i].stage if i in rows else DEFAULT_STAGE) not in move.starts | {to}
    ]
    if blocked:
        raise StageNotAllowed(
            f"{len(blocked)} part(s) do not stand where a move to {to} may start.", parts=blocked
        )
    payload: dict[str, object] = {"section_id": section.id, "stage": to.value, "sections": ids}
    if to == Stage.approved:
        payload.update(_approval(session, report, section, principal))
    _set(session, report, ids, to, principal.participant_id)
    kind = "section.approved" if to == Stage.approved else "section.stage_changed"
    record_event(
        session, report_id=report.id, type=kind, actor_id=principal.participant_id, payload=payload
    )
    return report, ids


def _ensure_may_move(
    session: Session, principal: Principal, move: Move, row: SectionStage | None
) -> None:
    if not move.by_co_lead:
        if principal.role != Role.chair:
            raise Forbidden("Only the chair posts, approves or leaves out a part.")
        return
    lead = None
    if row is not None and row.drafting_group_id is not None:
        lead = session.get(DraftingMember, (row.drafting_group_id, principal.participant_id or 0))
    if lead is None or not lead.is_co_lead:
        raise Forbidden("Only the co-leads of the part's drafting group mark it agreed.")


def _approval(
    session: Session, report: Report, section: Section, principal: Principal
) -> dict[str, object]:
    """The group approves a part in a session in progress that decides (plenary or closed):
    a milestone of the text, and `session.decided` names the session."""
    sitting = deciding_session(session, report.id, decision="Approving a part")
    name = f"Approved by the plenary: {(section.label + ' ' + section.heading).strip()}"
    milestone = reports.create_milestone(
        session, report=report, name=name[:200], kind=MilestoneKind.manual, actor=principal
    )
    record_event(
        session,
        report_id=report.id,
        type="session.decided",
        actor_id=principal.participant_id,
        payload=decision_payload(sitting, "approve_part", section_id=section.id),
    )
    return {"meeting_id": sitting.meeting_id, "milestone_id": milestone.id}
