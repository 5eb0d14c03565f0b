from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base, enum_column


class Audience(enum.StrEnum):
    """Who may comment on a consultation."""

    members = "members"  # the chair, members and the secretariat of the group
    observers = "observers"
    invited = "invited"  # stakeholders the secretariat gave a code to
    public = "public"  # anyone, without an account


class Category(enum.StrEnum):
    """A commenter's stakeholder category, as the compilation counts them."""

    government = "government"
    private_sector = "private_sector"
    civil_society = "civil_society"
    technical_academic = "technical_academic"
    intergovernmental = "intergovernmental"
    individual = "individual"


class Origin(enum.StrEnum):
    participant = "participant"  # with a token of the group
    public = "public"  # through the public form (invited or not)


class Scope(enum.StrEnum):
    range = "range"  # a passage of a section
    section = "section"
    general = "general"


class CommentVisibility(enum.StrEnum):
    pending = "pending"  # held for moderation
    published = "published"
    rejected = "rejected"


class Disposition(enum.StrEnum):
    accepted = "accepted"
    partly_accepted = "partly_accepted"
    not_accepted = "not_accepted"
    noted = "noted"
    out_of_scope = "out_of_scope"


class Consultation(Base):
    """A comment period on a posted milestone of a report."""

    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestone.id"))
    title: Mapped[str] = mapped_column(String(300))
    disclaimer: Mapped[str] = mapped_column(Text)
    opens_at: Mapped[datetime] = mapped_column()
    closes_at: Mapped[datetime] = mapped_column()
    # [Audience values]; [section ids] or None for the whole report as posted.
    audiences: Mapped[list[str]] = mapped_column(JSON)
    section_ids: Mapped[list[int] | None] = mapped_column(JSON, default=None)
    moderated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the `consultation.closed` event was recorded (the state itself follows the clock).
    closed_recorded_at: Mapped[datetime | None] = mapped_column(default=None)


class ConsultationInvite(Base):
    """A code by which an invited stakeholder comments without an account. Only its hash
    is kept; the secretariat sees the code once."""

    __tablename__ = "consultation_invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[Category] = mapped_column(enum_column(Category, 30))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Comment(Base):
    """A comment on a consultation, or a member's reply to one (`parent_id`)."""

    __tablename__ = "consultation_comment"
    __table_args__ = (Index("ix_consultation_comment_consultation_id_id", "consultation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_comment.id"), default=None
    )
    origin: Mapped[Origin] = mapped_column(enum_column(Origin))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), default=None)
    invite_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_invite.id"), default=None
    )
    # A public commenter's own words about itself; empty for participants (their names live
    # on the roster, shown only in attributed views).
    author_name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[Category] = mapped_column(enum_column(Category, 30))
    publish_name: Mapped[bool] = mapped_column(Boolean, default=False)
    # The anchor, in the posted milestone's coordinates.
    scope: Mapped[Scope] = mapped_column(enum_column(Scope))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"), default=None)
    posted_version: Mapped[int | None] = mapped_column(Integer, default=None)
    paragraph: Mapped[int | None] = mapped_column(Integer, default=None)
    start: Mapped[int | None] = mapped_column(Integer, default=None)
    end: Mapped[int | None] = mapped_column(Integer, default=None)
    quote: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    suggestion: Mapped[str | None] = mapped_column(Text, default=None)
    visibility: Mapped[CommentVisibility] = mapped_column(enum_column(CommentVisibility))
    disposition: Mapped[Disposition | None] = mapped_column(enum_column(Disposition), default=None)
    response: Mapped[str] = mapped_column(Text, default="")
    disposed_at: Mapped[datetime | None] = mapped_column(default=None)
    amendment_id: Mapped[int | None] = mapped_column(
        ForeignKey("amendment.id"), index=True, default=None
    )
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
