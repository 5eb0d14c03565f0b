"""A group's year as a timeline (issue 33): its meetings and sessions, postings, comment
periods, questionnaires, milestones and decisions, oldest first, each with a link to the
record. Read from each report's event log (the reports the caller may read, as the log is
read) and from the group's questionnaires; exported as Markdown.

What a reader outside the group sees: public reports' entries only, a closed session's
kind and times but not its title, and public questionnaires."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, tzinfo
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import visibility
from app.auth import Principal
from app.errors import NotFound
from app.events.models import Event
from app.groups.models import Group
from app.meetings.models import Meeting, MeetingSession
from app.questionnaires.models import Questionnaire
from app.reports.models import Report, Section

KINDS = {  # event type -> the timeline's kind of entry
    "report.created": "report",
    "report.derived": "report",
    "report.published": "posting",
    "section.stage_changed": "posting",
    "meeting.opened": "meeting",
    "meeting.closed": "meeting",
    "session.started": "session",
    "session.decided": "decision",
    "section.approved": "decision",
    "milestone.created": "milestone",
    "consultation.opened": "comment_period",
    "consultation.closed": "comment_period",
    "report.adopted": "decision",
    "report.transmitted": "decision",
    "certificate.sealed": "milestone",
}
DECISIONS = {
    "adopt_report": "adopted the report",
    "approve_part": "approved a part",
    "adopt_amendment": "adopted an amendment on the floor",
    "adopt_as_brackets": "kept alternatives side by side",
}
SESSION_KINDS = {
    "open_consultation": "Open consultation",
    "plenary": "Plenary session",
    "closed": "Closed session",
}


class TimelineEntry(BaseModel):
    at: datetime
    # report, posting, meeting, session, decision, milestone, comment_period, questionnaire
    kind: str
    title: str
    report_id: int | None
    link: str


class Timeline(BaseModel):
    group_id: int
    group: str
    entries: list[TimelineEntry]


Describe = Callable[[Session, Report, dict[str, Any], Principal | None], tuple[str, str] | None]


def _session_title(db: Session, report: Report, p: dict[str, Any], who: Principal | None) -> str:
    sitting = db.get(MeetingSession, p["session_id"])
    kind = SESSION_KINDS.get(str(p["kind"]), str(p["kind"]))
    if sitting is None or not sitting.title or not visibility.reads_session(report, p["kind"], who):
        return kind
    return f"{kind}: {sitting.title}"


def _meeting(db: Session, meeting_id: int, verb: str) -> tuple[str, str]:
    meeting = db.get(Meeting, meeting_id)
    title = meeting.title if meeting and meeting.title else f"Meeting {meeting_id}"
    venue = f" ({meeting.venue})" if meeting and meeting.venue and verb == "opens" else ""
    return f"{title} {verb}{venue}", f"/v1/meetings/{meeting_id}/sessions"


def _posting(db: Session, p: dict[str, Any]) -> tuple[str, str] | None:
    if p.get("stage") != "posted_publicly":
        return None
    section = db.get(Section, p["section_id"])
    name = " ".join(x for x in (section.label, section.heading) if x) if section else ""
    return f"Posted publicly: {name}", f"/v1/sections/{p['section_id']}"


def _describe(
    db: Session, report: Report, event: Event, who: Principal | None
) -> tuple[str, str] | None:
    p: dict[str, Any] = event.payload or {}
    here = f"/v1/reports/{report.id}"
    match event.type:
        case "report.created" | "report.derived":
            return f"{report.title} ({report.symbol or 'no symbol'}) begun", here
        case "report.published":
            return f"{report.title} published", here
        case "section.stage_changed":
            return _posting(db, p)
        case "meeting.opened":
            return _meeting(db, p["meeting_id"], "opens")
        case "meeting.closed":
            return _meeting(db, p["meeting_id"], "closes")
        case "session.started":
            return _session_title(db, report, p, who), f"/v1/sessions/{p['session_id']}"
        case "session.decided":
            what = DECISIONS.get(p.get("decision", ""), p.get("decision", "decided"))
            link = f"/v1/sessions/{p['session_id']}"
            if p.get("amendment_id"):
                link = f"/v1/amendments/{p['amendment_id']}"
            elif p.get("section_id"):
                link = f"/v1/sections/{p['section_id']}"
            return f"{_session_title(db, report, p, who)}: the group {what}", link
        case "section.approved":
            return None  # its session.decided says it, with the session
        case "milestone.created":
            return f"Milestone: {p['name']}", f"/v1/milestones/{p['milestone_id']}"
        case "consultation.opened":
            closes = datetime.fromisoformat(str(p["closes_at"])).date().isoformat()
            title = f"Comment period opens: {p['title']} (until {closes})"
            return title, f"/v1/consultations/{p['consultation_id']}"
        case "consultation.closed":
            title = f"Comment period closed ({p.get('comments', 0)} comments)"
            return title, f"/v1/consultations/{p['consultation_id']}/compilation"
        case "report.adopted":
            return f"{report.title} adopted", here
        case "report.transmitted":
            return f"{report.title} transmitted", f"{here}/certificate"
        case "certificate.sealed":
            return f"Certificate of {report.title} sealed", f"{here}/certificate"
    return None


def _report_entries(db: Session, report: Report, who: Principal | None) -> Iterator[TimelineEntry]:
    events = db.scalars(
        select(Event)
        .where(Event.report_id == report.id, Event.type.in_(list(KINDS)))
        .order_by(Event.seq)
    )
    for event in events:
        described = _describe(db, report, event, who)
        if described is not None:
            title, link = described
            # a comment period closes at its deadline (the record follows a moment later)
            at = (
                (event.payload or {}).get("closes_at")
                if event.type == "consultation.closed"
                else None
            )
            yield TimelineEntry(
                at=at or event.created_at,
                kind=KINDS[event.type],
                title=title,
                report_id=report.id,
                link=link,
            )


def _questionnaires(db: Session, group_id: int, member: bool) -> Iterator[TimelineEntry]:
    for q in db.scalars(select(Questionnaire).where(Questionnaire.group_id == group_id)):
        if not member and q.public_chapeau is None:
            continue
        link = f"/v1/questionnaires/{q.id}"
        yield TimelineEntry(
            at=q.created_at,
            kind="questionnaire",
            title=f"Questionnaire: {q.title}",
            report_id=q.report_id,
            link=link,
        )
        yield TimelineEntry(
            at=q.deadline,
            kind="questionnaire",
            title=f"Replies close: {q.title}",
            report_id=q.report_id,
            link=f"{link}/summary",
        )


def timeline(db: Session, *, group_id: int, principal: Principal | None) -> Timeline:
    group = db.get(Group, group_id)
    if group is None:
        raise NotFound(f"No group {group_id}.")
    member = principal is not None and (principal.is_admin or principal.group_id == group_id)
    reports = [
        r
        for r in db.scalars(select(Report).where(Report.group_id == group_id))
        if visibility.readable_by(r, principal)
    ]
    if not member and not reports:
        raise NotFound(f"No group {group_id}.")
    entries = [e for r in reports for e in _report_entries(db, r, principal)]
    entries += _questionnaires(db, group_id, member)
    entries.sort(key=lambda e: _aware(e.at))
    return Timeline(group_id=group_id, group=group.name, entries=entries)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def markdown(line: Timeline, *, zone: tzinfo, base_url: str) -> str:
    """The timeline as a document: one heading per month, one line per entry."""
    out = [f"# {line.group}: the timeline", ""]
    month = ""
    for entry in line.entries:
        local = _aware(entry.at).astimezone(zone)
        if local.strftime("%B %Y") != month:
            month = local.strftime("%B %Y")
            out += ["", f"## {month}", ""]
        out.append(
            f"- {local:%d %b %Y, %H:%M} — {entry.title} ([{entry.kind}]({base_url}{entry.link}))"
        )
    return "\n".join(out).replace("\n\n\n", "\n\n") + "\n"
