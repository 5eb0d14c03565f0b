"""Creating and reading drafting groups: a sub-roster of the working group with one or two
co-leads, and its composition by stakeholder group and region (so the chair sees the
balance)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.drafting_groups.models import DraftingGroup, DraftingMember, SectionStage
from app.drafting_groups.schemas import Composition, DraftingGroupRead, DraftingMemberRead
from app.errors import Conflict, InvalidState, NotFound
from app.groups.models import Participant, Role
from app.groups.service import record_roster_event
from app.pagination import page_query

# Who may sit in a drafting group: those who vote (the secretariat helps every group anyway).
DRAFTERS = frozenset({Role.chair, Role.member})


def create_drafting_group(
    session: Session,
    *,
    group_id: int,
    principal: Principal,
    name: str,
    member_ids: list[int],
    co_lead_ids: list[int],
) -> DraftingGroup:
    principal.ensure_role(group_id, [Role.chair])
    # A co-lead is a member of the group it leads, named or not among the members.
    member_ids = list(dict.fromkeys([*member_ids, *co_lead_ids]))
    members = _members(session, group_id, member_ids)
    if session.scalar(
        select(DraftingGroup.id).where(
            DraftingGroup.group_id == group_id, DraftingGroup.name == name
        )
    ):
        raise Conflict(f"The group already has a drafting group named {name!r}.")
    drafting_group = DraftingGroup(group_id=group_id, name=name)
    session.add(drafting_group)
    session.flush()
    for member in members:
        session.add(
            DraftingMember(
                drafting_group_id=drafting_group.id,
                participant_id=member.id,
                is_co_lead=member.id in co_lead_ids,
            )
        )
    session.flush()
    record_roster_event(
        session,
        group_id=group_id,
        type="drafting_group.created",
        actor_id=principal.participant_id,
        payload={
            "drafting_group_id": drafting_group.id,
            "name": name,
            "members": len(members),
            "co_leads": len(set(co_lead_ids)),
        },
    )
    return drafting_group


def _members(session: Session, group_id: int, member_ids: list[int]) -> list[Participant]:
    wanted = sorted(set(member_ids))
    found = list(
        session.scalars(
            select(Participant).where(Participant.id.in_(wanted)).order_by(Participant.id)
        )
    )
    ours = [p for p in found if p.group_id == group_id]
    unknown = sorted(set(wanted) - {p.id for p in ours})
    if unknown:
        raise NotFound(f"No participants {unknown} in this group.", participant_ids=unknown)
    unfit = [p.id for p in ours if not (p.active and p.role in DRAFTERS)]
    if unfit:
        raise InvalidState(
            "Members of a drafting group are active chairs or members of the working group.",
            participant_ids=unfit,
        )
    return ours


def get_drafting_group(
    session: Session, *, drafting_group_id: int, principal: Principal
) -> DraftingGroup:
    drafting_group = session.get(DraftingGroup, drafting_group_id)
    if drafting_group is None:
        raise NotFound(f"No drafting group {drafting_group_id}.")
    principal.ensure_in_group(drafting_group.group_id)
    return drafting_group


def list_drafting_groups(
    session: Session, *, group_id: int, principal: Principal, after: int, limit: int
) -> tuple[list[DraftingGroup], int | None]:
    principal.ensure_in_group(group_id)
    query = select(DraftingGroup).where(DraftingGroup.group_id == group_id)
    return page_query(session, query, DraftingGroup.id, after=after, limit=limit)


def drafting_group_read(session: Session, drafting_group: DraftingGroup) -> DraftingGroupRead:
    """The attributed view (members, co-leads, composition); see schemas for the public."""
    rows = session.execute(
        select(Participant, DraftingMember.is_co_lead)
        .join(DraftingMember, DraftingMember.participant_id == Participant.id)
        .where(DraftingMember.drafting_group_id == drafting_group.id)
        .order_by(Participant.id)
    ).all()
    members = [
        DraftingMemberRead(
            participant_id=p.id,
            name=p.name,
            stakeholder=p.stakeholder,
            region=p.region,
            is_co_lead=lead,
        )
        for p, lead in rows
    ]
    leads = [m for m in members if m.is_co_lead]
    sections = session.scalars(
        select(SectionStage.section_id)
        .where(SectionStage.drafting_group_id == drafting_group.id)
        .order_by(SectionStage.section_id)
    )
    return DraftingGroupRead(
        id=drafting_group.id,
        group_id=drafting_group.group_id,
        name=drafting_group.name,
        created_at=drafting_group.created_at,
        members=members,
        composition=Composition(
            stakeholders=dict(Counter(m.stakeholder.value for m in members)),
            regions=dict(Counter(m.region for m in members)),
            co_lead_stakeholders=sorted({m.stakeholder.value for m in leads}),
            co_lead_regions=sorted({m.region for m in leads}),
        ),
        section_ids=list(sections),
    )
