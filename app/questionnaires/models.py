"""A questionnaire of a group, its ordered questions, the links by which the public answers
its public version, and the replies (one per member, or per link)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base, enum_column

MAX_TEXT_ANSWER_CHARS = 20_000


class QuestionKind(enum.StrEnum):
    text = "text"  # free text, at most `max_chars`
    single = "single"  # one of `options`
    multiple = "multiple"  # some of `options`
    scale = "scale"  # a whole number from `scale_min` to `scale_max`
    ranking = "ranking"  # `options` in the respondent's order of preference


class ReplyAudience(enum.StrEnum):
    internal = "internal"  # a member of the group, with its token
    public = "public"  # through a public link, without an account


class ReplyStatus(enum.StrEnum):
    draft = "draft"  # seen by its respondent only
    submitted = "submitted"
    withdrawn = "withdrawn"


class Moderation(enum.StrEnum):
    """Public replies only: published once the secretariat has read them."""

    pending = "pending"
    published = "published"
    rejected = "rejected"


class RespondentCategory(enum.StrEnum):
    """A public respondent's category, as the summary counts them (members: their
    stakeholder group)."""

    government = "government"
    private_sector = "private_sector"
    civil_society = "civil_society"
    technical_academic = "technical_academic"
    intergovernmental = "intergovernmental"
    observer = "observer"  # an accredited observer of the group's work
    individual = "individual"


class Questionnaire(Base):
    """Internal version: `internal_chapeau` set; public version: `public_chapeau` set. Both
    versions ask the same questions."""

    __tablename__ = "questionnaire"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"), index=True)
    # Events go to this report's log; a questionnaire of the group alone keeps none.
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"), index=True, default=None)
    title: Mapped[str] = mapped_column(String(300))
    internal_chapeau: Mapped[str | None] = mapped_column(Text, default=None)
    public_chapeau: Mapped[str | None] = mapped_column(Text, default=None)
    deadline: Mapped[datetime] = mapped_column()
    # Set by the chair or the secretariat: members then read each other's replies, named.
    shared_at: Mapped[datetime | None] = mapped_column(default=None)
    narrative: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the sweep saw the deadline pass (the state itself follows the clock).
    closed_recorded_at: Mapped[datetime | None] = mapped_column(default=None)


class Question(Base):
    __tablename__ = "questionnaire_question"
    __table_args__ = (UniqueConstraint("questionnaire_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 ...
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind))
    prompt: Mapped[str] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    max_chars: Mapped[int | None] = mapped_column(Integer, default=None)
    scale_min: Mapped[int | None] = mapped_column(Integer, default=None)
    scale_max: Mapped[int | None] = mapped_column(Integer, default=None)
    # A wording corrected after replies were submitted: when, and the wording they answered.
    reworded_at: Mapped[datetime | None] = mapped_column(default=None)
    answered_prompt: Mapped[str | None] = mapped_column(Text, default=None)


class QuestionnaireLink(Base):
    """A public link (the code in it) for one public respondent: an invited stakeholder or
    anyone the secretariat hands it to. One reply per link; only the code's hash is kept.

    An open link (`open`) is one many respondents use (the public questionnaire on the
    website): it takes no reply itself; each respondent's first POST makes a respondent link
    under it (`parent_id`), whose code is that respondent's reply secret, shown once, with
    which it reads, changes and withdraws its reply as a personal link's holder does."""

    __tablename__ = "questionnaire_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[RespondentCategory | None] = mapped_column(
        enum_column(RespondentCategory, 30), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    open: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # An open link: at most this many respondents (each reply under it counts, withdrawn too).
    max_replies: Mapped[int | None] = mapped_column(Integer, default=None)
    # A respondent link: the open link it came from, and its maker's address hashed with
    # the open link's id (the rate per address; the address itself is not kept).
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire_link.id"), index=True, default=None
    )
    address_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    # The Idempotency-Key of the request that made it, hashed with the open link's id: a
    # request sent again makes no second reply (the idempotency records need a token).
    request_key_hash: Mapped[str | None] = mapped_column(String(64), default=None)


class Reply(Base):
    """One respondent's answers: a member's (`participant_id`) or a public link's
    (`link_id`); each has at most one reply, changed in place until the deadline."""

    __tablename__ = "questionnaire_reply"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "participant_id"),
        UniqueConstraint("link_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id"), index=True)
    audience: Mapped[ReplyAudience] = mapped_column(enum_column(ReplyAudience))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), default=None)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_link.id"), default=None)
    # A public respondent's own words about itself (members: the roster says it).
    respondent_name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[RespondentCategory | None] = mapped_column(
        enum_column(RespondentCategory, 30), default=None
    )
    publish_name: Mapped[bool] = mapped_column(Boolean, default=False)
    # {question id (as text): the answer}
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[ReplyStatus] = mapped_column(enum_column(ReplyStatus))
    moderation: Mapped[Moderation | None] = mapped_column(enum_column(Moderation), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)
