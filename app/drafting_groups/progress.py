"""The progress view (issue 20): per chapter, its drafting group and co-leads, its stage
(the least advanced of its parts), its last change and its open amendments. Members see
who leads; the public view (schemas.PUBLIC_VIEWS) keeps the stage only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.amendments.models import OPEN_STATUSES, Amendment
from app.drafting_groups.models import DraftingGroup, DraftingMember, SectionStage, Stage
from app.drafting_groups.schemas import ChapterProgress, CoLeadRead, ProgressRead
from app.groups.models import Participant
from app.reports import service as reports
from app.reports.models import Report, Version
from app.text.outline import Placed

# How far along each stage is; a chapter stands where its least advanced part stands.
ORDER = [
    Stage.in_drafting_group,
    Stage.agreed_in_drafting_group,
    Stage.posted_to_group,
    Stage.posted_publicly,
    Stage.left_out,
    Stage.approved,
]


def _chapters(placed: list[Placed]) -> list[tuple[Placed, list[int]]]:
    """Each top-level part with the ids of its whole subtree (outline order is depth-first)."""
    chapters: list[tuple[Placed, list[int]]] = []
    for p in placed:
        if p.depth == 0:
            chapters.append((p, []))
        if chapters:
            chapters[-1][1].append(p.node.id)
    return chapters


def progress(session: Session, *, report: Report) -> ProgressRead:
    placed = reports.outline(session, report_id=report.id)
    stages = reports.report_stages(session, report.id)
    rows = {
        r.section_id: r
        for r in session.scalars(select(SectionStage).where(SectionStage.report_id == report.id))
    }
    chapters = []
    for chapter, ids in _chapters(placed):
        group_id = next((rows[i].drafting_group_id for i in ids if i in rows), None)
        drafting_group = session.get(DraftingGroup, group_id) if group_id else None
        chapters.append(
            ChapterProgress(
                section_id=chapter.node.id,
                label=chapter.node.label,
                heading=chapter.node.heading,
                stage=min((stages[i] for i in ids), key=ORDER.index) if stages else None,
                drafting_group_id=group_id,
                drafting_group=drafting_group.name if drafting_group else None,
                co_leads=_co_leads(session, group_id),
                last_change=_last_change(session, ids, rows),
                open_amendments=_open_amendments(session, ids),
            )
        )
    return ProgressRead(report_id=report.id, staged=stages is not None, chapters=chapters)


def _co_leads(session: Session, drafting_group_id: int | None) -> list[CoLeadRead]:
    if drafting_group_id is None:
        return []
    leads = session.scalars(
        select(Participant)
        .join(DraftingMember, DraftingMember.participant_id == Participant.id)
        .where(
            DraftingMember.drafting_group_id == drafting_group_id,
            DraftingMember.is_co_lead.is_(True),
        )
        .order_by(Participant.id)
    )
    return [
        CoLeadRead(participant_id=p.id, name=p.name, stakeholder=p.stakeholder, region=p.region)
        for p in leads
    ]


def _last_change(session: Session, ids: list[int], rows: dict[int, SectionStage]) -> datetime:
    texts = session.scalar(select(func.max(Version.created_at)).where(Version.section_id.in_(ids)))
    moments = [t for t in [texts, *(rows[i].changed_at for i in ids if i in rows)] if t]
    return max(moments)


def _open_amendments(session: Session, ids: list[int]) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Amendment)
            .where(Amendment.section_id.in_(ids), Amendment.status.in_(OPEN_STATUSES))
        )
        or 0
    )
