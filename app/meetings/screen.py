"""The projection screen: its data, and the page itself."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import visibility
from app.amendments import service as amendments
from app.amendments.models import Amendment, AmendmentStatus, DraftRevision
from app.amendments.schemas import PUBLIC_VIEWS, MeetingRead
from app.amendments.views import amendment_read, amendment_reads, preview
from app.auth import Principal
from app.drafting_groups import service as drafting_groups
from app.drafting_groups.schemas import PUBLIC_VIEWS as PROGRESS_PUBLIC_VIEWS
from app.drafting_groups.schemas import ProgressRead
from app.events.models import Event
from app.groups.models import Participant, Role
from app.meetings.models import Meeting, MeetingSession
from app.meetings.schemas import (
    FloorAmendment,
    FloorState,
    PenRole,
    QueuedAmendment,
    ScreenSection,
)
from app.meetings.session_schemas import SessionScreen
from app.meetings.session_views import session_read, session_screen
from app.reports import service as reports
from app.reports.models import Report, SectionKind
from app.reports.schemas import ReportSummary

DECIDED = [
    AmendmentStatus.adopted,
    AmendmentStatus.rejected,
    AmendmentStatus.withdrawn,
    AmendmentStatus.blocked,
    AmendmentStatus.lapsed,
    AmendmentStatus.conflicted,
    AmendmentStatus.superseded,
]


def _latest_author(session: Session, amendment: Amendment) -> Participant | None:
    """Who typed the latest revision on the floor; None before any (the wording is then the
    proposer's)."""
    if amendment.draft_revision <= 1:
        return None
    return session.scalar(
        select(Participant)
        .join(DraftRevision, DraftRevision.author_id == Participant.id)
        .where(
            DraftRevision.amendment_id == amendment.id,
            DraftRevision.number == amendment.draft_revision,
        )
    )


def pen_role_of(amendment: Amendment, author: Participant | None) -> PenRole | None:
    """Who holds the pen, said by function only, so the wall names nobody (Chatham House):
    the chair and the secretariat type in their office; anyone else who may type is the
    proposer. Until a revision, the wording on the floor is the proposer's."""
    if amendment.draft_revision <= 1:
        return "the proposer"
    if author is None:
        return None
    if author.role == Role.chair:
        return "the Chair"
    if author.role == Role.secretariat:
        return "the Secretariat"
    if author.id == amendment.proposer_id:
        return "the proposer"
    return None


def _wall_sections(
    session: Session, report: Report, hidden: set[int], texts_after: int | None
) -> tuple[list[ScreenSection], int | None]:
    """The visible sections in order, and the newest of their head versions (row id): the
    `texts_through` a reader sends back as `texts_after` to get only the texts changed
    since. With `texts_after`, a text whose head is not newer is null. Hidden sections are
    left out before either is computed: the watermark moves only with what the caller reads."""
    heads = reports.head_texts_after(session, report_id=report.id, after=texts_after or 0)
    sections = []
    through = None
    for p in reports.outline(session, report_id=report.id, report=report):
        if p.node.id in hidden or p.node.id not in heads:
            continue
        version_id, text = heads[p.node.id]
        through = version_id if through is None else max(through, version_id)
        sections.append(
            ScreenSection(
                id=p.node.id,
                kind=SectionKind(p.node.kind),
                label=p.node.label,
                heading=p.node.heading,
                depth=p.depth,
                first_paragraph=p.first_paragraph,
                text=text if texts_after is not None else (text or ""),
            )
        )
    return sections, through


def _progress_between_items(
    session: Session, report: Report, principal: Principal | None, floor_empty: bool
) -> ProgressRead | None:
    """Between floor items the wall shows where each chapter stands (a staged report)."""
    if not floor_empty or reports.report_stages(session, report.id) is None:
        return None
    read = drafting_groups.progress(session, report=report)
    if visibility.is_attributed(principal):
        return read
    return visibility.redacted(read, PROGRESS_PUBLIC_VIEWS)


def _session_on_screen(
    session: Session, report: Report, meeting: Meeting, principal: Principal | None
) -> SessionScreen | None:
    """The session in progress, else the meeting's latest one."""
    sitting = session.scalar(
        select(MeetingSession)
        .where(MeetingSession.meeting_id == meeting.id)
        .order_by(
            (MeetingSession.started_at.is_not(None) & MeetingSession.ended_at.is_(None)).desc(),
            MeetingSession.id.desc(),
        )
        .limit(1)
    )
    if sitting is None:
        return None
    if visibility.reads_session(report, sitting.kind, principal):
        return session_screen(session, report, sitting, principal)
    read = session_read(session, report, sitting, principal)
    return SessionScreen(session=read, agenda=[], speakers=[], captions=[])


def _latest_decisions(session: Session, report: Report, hidden: set[int]) -> list[Amendment]:
    return list(
        session.scalars(
            select(Amendment)
            .where(
                Amendment.report_id == report.id,
                Amendment.status.in_(DECIDED),
                Amendment.section_id.not_in(hidden),
            )
            .order_by(Amendment.decided_at.desc(), Amendment.id.desc())
            .limit(8)
        )
    )


def _on_floor(
    session: Session, meeting: Meeting | None, principal: Principal | None
) -> tuple[FloorAmendment | None, str | None, PenRole | None]:
    """The amendment on the floor of an open meeting, who typed its wording (members' view)
    and the pen's function."""
    if meeting is None or meeting.closed_at is not None or not meeting.floor_amendment_id:
        return None, None, None
    on_floor = session.get(Amendment, meeting.floor_amendment_id)
    if on_floor is None:
        return None, None, None
    floor = FloorAmendment(
        amendment=amendment_read(session, on_floor, principal),
        preview=preview(session, on_floor),
        etag=amendments.amendment_etag(session, on_floor),
    )
    author = _latest_author(session, on_floor)
    pen = None
    if visibility.is_attributed(principal) and on_floor.draft_revision > 1 and author:
        pen = author.name
    return floor, pen, pen_role_of(on_floor, author)


def floor_state(
    session: Session,
    report: Report,
    principal: Principal | None,
    *,
    hidden: set[int] | None = None,
    texts_after: int | None = None,
) -> FloorState:
    """`hidden`: `visibility.hidden_sections` for `principal`, when the caller has read it;
    `texts_after`: the `texts_through` of the answer the caller holds (a delta: texts of
    sections whose head is not newer are null)."""
    meeting = session.scalar(
        select(Meeting)
        .where(Meeting.report_id == report.id)
        .order_by(Meeting.closed_at.is_(None).desc(), Meeting.id.desc())
        .limit(1)
    )
    floor, pen, pen_role = _on_floor(session, meeting, principal)
    # Parts the caller may not read (a drafting group's work in progress) are not on the wall.
    if hidden is None:
        hidden = visibility.hidden_sections(session, report, principal)
    decided = _latest_decisions(session, report, hidden)
    sections, texts_through = _wall_sections(session, report, hidden, texts_after)
    meeting_read = None if meeting is None else MeetingRead.model_validate(meeting)
    if meeting_read is not None and not visibility.is_attributed(principal):
        meeting_read = visibility.redacted(meeting_read, PUBLIC_VIEWS)
    return FloorState(
        session=None
        if meeting is None
        else _session_on_screen(session, report, meeting, principal),
        floor_queue=[]
        if meeting is None or meeting.closed_at is not None
        else [
            QueuedAmendment(amendment_id=e.amendment_id, position=e.position, deferred=e.deferred)
            for e in amendments.floor_queue_of(session, meeting)
        ],
        report=ReportSummary.model_validate(report),
        meeting=meeting_read,
        floor=floor,
        pen=pen,
        pen_role=pen_role,
        sections=sections,
        texts_through=texts_through,
        decisions=amendment_reads(session, decided, principal),
        progress=_progress_between_items(session, report, principal, floor is None),
        last_event_id=session.scalar(
            select(func.max(Event.id)).where(Event.report_id == report.id)
        ),
    )


def screen_page() -> str:
    return resources.files("app").joinpath("static/screen.html").read_text(encoding="utf-8")


page_router = APIRouter(tags=["plenary"])


@page_router.get("/reports/{report_id}/screen", response_class=HTMLResponse)
def projection_screen(report_id: int) -> HTMLResponse:
    """The wall: pass a read token once as `#token=...` (kept in memory, never in a URL sent
    to the server); public reports need none."""
    return HTMLResponse(screen_page(), headers={"Cache-Control": "no-store"})
