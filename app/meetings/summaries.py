"""A session's summary as a document of the meeting (Markdown): the meeting, the session, its
agenda, the summary the secretariat wrote, the decisions the group took in it, and who
attended (names for members; a count for everyone else)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import visibility
from app.auth import Principal
from app.errors import NotFound
from app.events.models import Event
from app.meetings.agenda import items_of
from app.meetings.attendance import attendance_of
from app.meetings.models import Attendance, Meeting, MeetingSession, SessionKind
from app.reports.models import Report

KIND_NAMES = {
    SessionKind.open_consultation: "Open consultation",
    SessionKind.plenary: "Plenary session",
    SessionKind.closed: "Closed session",
}


def reads_summary(report: Report, sitting: MeetingSession, principal: Principal | None) -> bool:
    """Those who read the session, and anyone once the chair published the summary."""
    return (
        visibility.reads_session(report, sitting.kind, principal)
        or sitting.summary_published_at is not None
    )


def decisions_in(session: Session, sitting: MeetingSession) -> list[str]:
    rows = session.scalars(
        select(Event)
        .where(Event.report_id == sitting.report_id, Event.type == "session.decided")
        .order_by(Event.seq)
    )
    found = []
    for event in rows:
        payload = event.payload
        if payload.get("session_id") != sitting.id:
            continue
        what = str(payload.get("decision"))
        for key in ("amendment_id", "section_id"):
            if payload.get(key) is not None:
                what += f" ({key.removesuffix('_id')} {payload[key]})"
        found.append(what)
    return found


def summary_document(
    session: Session, *, report: Report, sitting: MeetingSession, principal: Principal | None
) -> str:
    if not reads_summary(report, sitting, principal):
        raise NotFound("This closed session's summary has not been published.")
    meeting = session.get(Meeting, sitting.meeting_id)
    if meeting is None:
        raise NotFound(f"No meeting {sitting.meeting_id}.")
    heading = sitting.title or KIND_NAMES[sitting.kind]
    lines = [f"# {meeting.title or 'Meeting'}: {heading}", ""]
    if meeting.venue:
        lines.append(f"Venue: {meeting.venue}  ")
    if meeting.starts_on:
        lines.append(f"Dates: {meeting.starts_on} to {meeting.ends_on or meeting.starts_on}  ")
    lines.append(f"Kind: {KIND_NAMES[sitting.kind]}  ")
    if sitting.started_at:
        lines.append(f"Sat from {sitting.started_at:%Y-%m-%d %H:%M} UTC")
        if sitting.ended_at:
            lines[-1] += f" to {sitting.ended_at:%Y-%m-%d %H:%M} UTC"
    lines += ["", "## Agenda", ""]
    if visibility.reads_session(report, sitting.kind, principal):
        lines += [f"{i.position}. {i.title}" for i in items_of(session, sitting)] or ["(none)"]
    else:
        lines.append("(not public)")
    lines += ["", "## Summary", "", sitting.summary or "(not yet written)", ""]
    decisions = decisions_in(session, sitting)
    lines += ["## Decisions", ""] + ([f"- {d}" for d in decisions] or ["(none)"]) + [""]
    lines += ["## Attendance", ""]
    if visibility.is_attributed(principal):
        attended = attendance_of(session, report=report, sitting=sitting, principal=principal)
        lines += [f"- {p.name} ({p.role.value})" for _, p in attended] or ["(nobody recorded)"]
    else:
        count = len(
            list(session.scalars(select(Attendance).where(Attendance.session_id == sitting.id)))
        )
        lines.append(f"{count} participants attended.")
    return "\n".join(lines) + "\n"
