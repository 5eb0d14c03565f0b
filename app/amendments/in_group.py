"""Amendments inside a drafting group (issue 20): while a part is with its drafting group,
members of that group may propose amendments to it (as any member proposes), and the
group's co-leads accept or reject them there, with no meeting and no floor. Accepting
applies the amendment exactly as the chair's adoption does (applying.py)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.amendments.actions import close, require_status
from app.amendments.applying import apply_amendment
from app.amendments.locking import lock_amendment
from app.amendments.models import Amendment, AmendmentStatus
from app.auth import Principal
from app.drafting_groups.models import DraftingMember, SectionStage, Stage
from app.errors import Forbidden, InvalidState
from app.groups.models import Role
from app.reports import service as reports

GROUP_NOTE = "Not accepted by the drafting group's co-leads."


def decide_in_group(
    session: Session,
    *,
    amendment_id: int,
    principal: Principal,
    accept: bool,
    reason: str,
    if_match: str | None,
) -> Amendment:
    report, amendment = lock_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=[Role.chair, Role.member],
        if_match=if_match,
    )
    reports.ensure_drafting(report, "Deciding an amendment in a drafting group")
    stage = session.get(SectionStage, amendment.section_id)
    if stage is None or stage.drafting_group_id is None or stage.stage != Stage.in_drafting_group:
        raise InvalidState(
            "Only an amendment to a part that is with its drafting group is decided there; "
            "this one goes to the floor.",
            section_id=amendment.section_id,
        )
    lead = session.get(DraftingMember, (stage.drafting_group_id, principal.participant_id or 0))
    if lead is None or not lead.is_co_lead:
        raise Forbidden("Only the drafting group's co-leads accept or reject its amendments.")
    require_status(amendment, AmendmentStatus.proposed, action="decide in the drafting group")
    if accept:
        apply_amendment(
            session, report=report, amendment=amendment, actor_id=principal.participant_id
        )
    else:
        # The event log is read by every reader of the report: it gets a fixed note; the
        # co-lead's reason stays on the amendment, read by those who read the part.
        close(
            session,
            report,
            amendment,
            AmendmentStatus.rejected,
            principal.participant_id,
            GROUP_NOTE,
        )
        amendment.outcome_note = reason or GROUP_NOTE
        session.flush()
    return amendment
