"""The stages of a staged report's parts, as the reports domain needs them (issue 20): who
writes a part directly, what adoption needs, and the notes exports print. The stages are
changed by `app/drafting_groups/`; who reads a part is decided in `app/visibility.py`.

A report is staged once a drafting group holds one of its sections or the chair moves one
of its parts on; a report that is not staged works as before (no stages, no checks). In a
staged report a section with no stage row is the secretariat's text, `posted_to_group`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.drafting_groups.models import (
    DEFAULT_STAGE,
    SETTLED_STAGES,
    DraftingMember,
    SectionStage,
    Stage,
)
from app.errors import PartApproved, PartsNotApproved
from app.groups.models import DRAFTING_ROLES, Role
from app.reports.models import Section
from app.visibility import stages_of

# Everyone who may write some part directly (the drafting groups' members among them).
ANY_WRITER = DRAFTING_ROLES | {Role.member}

STAGE_WORDS = {
    Stage.in_drafting_group: "in the drafting group",
    Stage.agreed_in_drafting_group: "agreed in the drafting group",
    Stage.posted_to_group: "posted to the group",
    Stage.posted_publicly: "posted publicly",
    Stage.approved: "approved by the plenary",
    Stage.left_out: "left out",
}


def stage_of(session: Session, section_id: int) -> SectionStage | None:
    return session.get(SectionStage, section_id, populate_existing=True)


def report_stages(session: Session, report_id: int) -> dict[int, Stage] | None:
    """Each section's stage, defaults included; None for a report that is not staged."""
    rows = stages_of(session, report_id)
    if not rows:
        return None
    ids = session.scalars(select(Section.id).where(Section.report_id == report_id))
    return {i: rows[i].stage if i in rows else DEFAULT_STAGE for i in ids}


def direct_writers(session: Session, section_id: int, principal: Principal) -> frozenset[Role]:
    """Who writes this section's text directly: the chair and the secretariat, and, while
    the part is in its drafting group, that group's members."""
    row = stage_of(session, section_id)
    if row is None or row.stage != Stage.in_drafting_group or row.drafting_group_id is None:
        return DRAFTING_ROLES
    member = session.get(DraftingMember, (row.drafting_group_id, principal.participant_id or 0))
    return DRAFTING_ROLES | {Role.member} if member is not None else DRAFTING_ROLES


def ensure_open_to_direct_edits(session: Session, section_id: int) -> None:
    row = stage_of(session, section_id)
    if row is not None and row.stage == Stage.approved:
        raise PartApproved(
            f"Section {section_id} was approved by the plenary; it changes only through "
            "amendments on the floor.",
            section_id=section_id,
        )


def ensure_parts_settled(session: Session, report_id: int) -> None:
    """Adoption of a staged report: every live part approved or explicitly left out; 409
    listing the others."""
    stages = report_stages(session, report_id)
    if stages is None:
        return
    live = session.scalars(
        select(Section)
        .where(Section.report_id == report_id, Section.removed_at.is_(None))
        .order_by(Section.id)
    )
    missing = [
        {"section_id": s.id, "label": s.label, "heading": s.heading, "stage": stages[s.id].value}
        for s in live
        if stages[s.id] not in SETTLED_STAGES
    ]
    if missing:
        raise PartsNotApproved(
            f"{len(missing)} part(s) are neither approved by the plenary nor left out.",
            missing=missing,
        )
