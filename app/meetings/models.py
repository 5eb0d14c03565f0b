"""The tables of meetings (issue 30): a meeting holds sessions of a kind; a session has an
agenda, a list of speakers, attendance, caption lines and a summary; the meeting's floor
holds at most one amendment and a queue of the next ones.

The rule "decisions that need the group happen in a session in progress of a kind that allows
them" is here too (`deciding_session`): the floor (amendments) and the approval of a part
(drafting_groups) ask it, and both sit below the meetings domain, beside these tables."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.clock import utcnow
from app.db import Base, enum_column
from app.errors import SessionRequired


class SessionKind(enum.StrEnum):
    """The WGIG's three kinds of sitting (context 002, "Getting Organized")."""

    open_consultation = "open_consultation"  # any registered stakeholder may speak; public
    plenary = "plenary"  # members speak, observers attend silently; Chatham House record
    closed = "closed"  # members (and intergovernmental observers) only; nothing public


# Kinds in which the group decides (adopts the report, approves a part, adopts on the floor).
DECIDING_KINDS = frozenset({SessionKind.plenary, SessionKind.closed})


class Meeting(Base):
    """A meeting on a report (dates, venue); it holds sessions, and its floor holds at most
    one amendment."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), default=None)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    floor_amendment_id: Mapped[int | None] = mapped_column(
        ForeignKey("amendment.id"), default=None, index=True
    )
    title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    venue: Mapped[str] = mapped_column(String(200), default="", server_default="")
    starts_on: Mapped[date | None] = mapped_column(default=None)
    ends_on: Mapped[date | None] = mapped_column(default=None)
    # Why the last amendment left the floor without a decision (taken off, deferred,
    # conflicted); cleared when another goes on.
    floor_note: Mapped[str] = mapped_column(Text, default="", server_default="")


class MeetingSession(Base):
    """A sitting of a meeting, of one kind: scheduled, in progress (`started_at`), ended."""

    __tablename__ = "meeting_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    kind: Mapped[SessionKind] = mapped_column(enum_column(SessionKind, 30))
    title: Mapped[str] = mapped_column(String(200), default="")
    # How the public names a speaker: "participant" (always "a participant") or
    # "stakeholder" (the speaker's stakeholder category; open consultations only).
    public_speakers: Mapped[str] = mapped_column(String(20), default="participant")
    speaking_seconds: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    current_item_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # What the projector shows (app/meetings/projection.py).
    projection: Mapped[str] = mapped_column(String(30), default="agenda")
    projection_paragraph: Mapped[int | None] = mapped_column(default=None)
    projection_amendment_id: Mapped[int | None] = mapped_column(Integer, default=None)
    summary: Mapped[str] = mapped_column(Text, default="")
    summary_updated_at: Mapped[datetime | None] = mapped_column(default=None)
    summary_published_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def in_progress(self) -> bool:
        return self.started_at is not None and self.ended_at is None


class AgendaKind(enum.StrEnum):
    report_part = "report_part"  # target: a section of the report
    amendment_list = "amendment_list"  # the report's amendments (no target)
    consultation = "consultation"  # target: a consultation on the report
    questionnaire = "questionnaire"  # target: a questionnaire's id
    text = "text"  # free text (no target)


class AgendaItem(Base):
    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("meeting_session.id"), index=True)
    position: Mapped[int] = mapped_column()
    kind: Mapped[AgendaKind] = mapped_column(enum_column(AgendaKind, 30))
    title: Mapped[str] = mapped_column(String(300))
    target_id: Mapped[int | None] = mapped_column(default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SpeakerStatus(enum.StrEnum):
    waiting = "waiting"
    speaking = "speaking"
    done = "done"
    withdrawn = "withdrawn"
    skipped = "skipped"


class SpeakerRequest(Base):
    """A request for the floor in a session's list of speakers."""

    __tablename__ = "speaker_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("meeting_session.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(default=None)
    point_of_order: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[SpeakerStatus] = mapped_column(enum_column(SpeakerStatus))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)


class Attendance(Base):
    """Who was in the room for a session: checked in by the secretariat or by oneself."""

    __tablename__ = "attendance"

    session_id: Mapped[int] = mapped_column(ForeignKey("meeting_session.id"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), primary_key=True)
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), default=None)
    left_at: Mapped[datetime | None] = mapped_column(default=None)


class Captioner(Base):
    """A participant the chair named to stream caption lines for a meeting's open sessions."""

    __tablename__ = "meeting_captioner"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), primary_key=True)


class CaptionLine(Base):
    __tablename__ = "caption_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("meeting_session.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), default=None)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FloorQueueEntry(Base):
    """An amendment waiting for the floor of a meeting, in order; a deferred one goes last."""

    __tablename__ = "floor_queue"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendment.id"), primary_key=True)
    position: Mapped[int] = mapped_column()
    deferred: Mapped[bool] = mapped_column(Boolean, default=False)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)


def open_meeting_of(session: Session, report_id: int) -> Meeting | None:
    return session.scalar(
        select(Meeting).where(Meeting.report_id == report_id, Meeting.closed_at.is_(None))
    )


def session_in_progress(session: Session, report_id: int) -> MeetingSession | None:
    return session.scalar(
        select(MeetingSession).where(
            MeetingSession.report_id == report_id,
            MeetingSession.started_at.is_not(None),
            MeetingSession.ended_at.is_(None),
        )
    )


def deciding_session(session: Session, report_id: int, *, decision: str) -> MeetingSession:
    """The session in progress in which the group takes `decision` (e.g. "Adopting the
    report"), or 409 session-required: none is in progress, or its kind does not decide."""
    sitting = session_in_progress(session, report_id)
    if sitting is None:
        raise SessionRequired(
            f"{decision} is a decision of the group: it is taken in a session in progress "
            "(plenary or closed). The chair opens a meeting and starts a session first.",
        )
    if sitting.kind not in DECIDING_KINDS:
        raise SessionRequired(
            f"{decision} is a decision of the group: not in an {sitting.kind.value} session "
            "(only plenary and closed sessions decide).",
            session_id=sitting.id,
            session_kind=sitting.kind.value,
        )
    return sitting


def decision_payload(
    sitting: MeetingSession,
    decision: str,
    *,
    amendment_id: int | None = None,
    section_id: int | None = None,
) -> dict[str, object]:
    """The payload of `session.decided`: which session took which decision."""
    return {
        "session_id": sitting.id,
        "meeting_id": sitting.meeting_id,
        "kind": sitting.kind.value,
        "decision": decision,
        "amendment_id": amendment_id,
        "section_id": section_id,
    }
