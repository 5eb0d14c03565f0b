"""Deliberation: threads of discussion on the text and the amendments, and members'
reservations on paragraphs. (Open points, the brackets kept in a section's text, are a
state of the section: `app/reports/models.py`.)"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base, enum_column

MAX_RESERVATION_CHARS = 1_000


class Subject(enum.StrEnum):
    """What a thread discusses."""

    amendment = "amendment"
    objection = "objection"  # an objection in a consent round (a Consent row that objects)
    section = "section"
    paragraph = "paragraph"  # one paragraph of a section
    question = "question"  # a question of a questionnaire tied to the report (issue 31)


class Thread(Base):
    __tablename__ = "thread"
    __table_args__ = (Index("ix_thread_report_id_id", "report_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    subject: Mapped[Subject] = mapped_column(enum_column(Subject))
    # amendment and objection threads name the amendment (its proposer may resolve them)
    amendment_id: Mapped[int | None] = mapped_column(
        ForeignKey("amendment.id"), index=True, default=None
    )
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent.id"), default=None)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"), default=None)
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire_question.id"), index=True, default=None
    )
    # A paragraph thread: the paragraph as numbered when it opened, and where that paragraph
    # began in that version of the section (carried to today's text by recorded edits).
    paragraph: Mapped[int | None] = mapped_column(Integer, default=None)
    anchor_version: Mapped[int | None] = mapped_column(Integer, default=None)
    anchor_start: Mapped[int | None] = mapped_column(Integer, default=None)
    title: Mapped[str] = mapped_column(String(300), default="")
    opener_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    # Set by the chair: the public then reads the discussion (without names).
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ThreadMessage(Base):
    """The thread's opening message, or a message in it, or a reply to one (`parent_id`:
    one level of nesting)."""

    __tablename__ = "thread_message"
    __table_args__ = (Index("ix_thread_message_thread_id_id", "thread_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("thread_message.id"), default=None)
    author_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reservation(Base):
    """A member's reservation on a paragraph, printed as a footnote in the exports. Anchored
    like a paragraph thread: where the paragraph began in the version it was recorded on."""

    __tablename__ = "reservation"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"))
    paragraph: Mapped[int] = mapped_column(Integer)
    anchor_version: Mapped[int] = mapped_column(Integer)
    anchor_start: Mapped[int] = mapped_column(Integer)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    text: Mapped[str] = mapped_column(String(MAX_RESERVATION_CHARS))
    # The member's choice: its name printed with the reservation, even in public views.
    attributed: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
