from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base, enum_column, in_constants


class AmendmentKind(enum.StrEnum):
    editorial = "editorial"
    substantive = "substantive"


class AmendmentStatus(enum.StrEnum):
    proposed = "proposed"
    on_floor = "on_floor"
    consent_open = "consent_open"
    adopted = "adopted"
    rejected = "rejected"
    withdrawn = "withdrawn"
    superseded = "superseded"
    blocked = "blocked"
    lapsed = "lapsed"
    conflicted = "conflicted"


OPEN_STATUSES = frozenset(
    {AmendmentStatus.proposed, AmendmentStatus.on_floor, AmendmentStatus.consent_open}
)
# A blocked amendment whose round is still open (`decided_at` unset: its deadline has not
# passed and the chair has not closed it) is open too: its objections may be withdrawn.
# See `is_round_open` and `still_open` below, and ARCHITECTURE.md, "Consent rounds".


class Answer(enum.StrEnum):
    consent = "consent"
    stand_aside = "stand_aside"  # "I can live with it": no objection, recorded as such
    object = "object"


class Amendment(Base):
    __tablename__ = "amendment"
    # Filters on status must never read the rows: in SQLite's record the status sits behind
    # the proposed text and the patch, in overflow pages, so a scan reads every long text.
    __table_args__ = (
        Index("ix_amendment_report_id_status", "report_id", "status"),
        Index("ix_amendment_section_id_status", "section_id", "status"),
        Index("ix_amendment_status_consent_deadline", "status", "consent_deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"))
    base_version: Mapped[int] = mapped_column(Integer)
    proposed_text: Mapped[str] = mapped_column(Text)
    patch: Mapped[str] = mapped_column(Text)
    # The exact edits from the base version to `proposed_text`, recorded once at proposal
    # (and at each live-drafting revision): what rebasing carries onto the head.
    edits: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)
    proposer_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    # A structural amendment's operation (its operands: `AmendmentStructure`); None for a
    # change to the text of one section.
    structure: Mapped[str | None] = mapped_column(String(20), default=None)
    rationale: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[AmendmentKind] = mapped_column(enum_column(AmendmentKind))
    suggested_kind: Mapped[AmendmentKind] = mapped_column(
        enum_column(AmendmentKind, name="suggested_kind")
    )
    instruction: Mapped[str] = mapped_column(Text)
    status: Mapped[AmendmentStatus] = mapped_column(
        enum_column(AmendmentStatus), default=AmendmentStatus.proposed
    )
    alternative_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("amendment.id"), default=None, index=True
    )
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("amendment.id"), default=None)
    # The wording filed to resolve this one (the other end of the new one's `supersedes_id`).
    revised_by_id: Mapped[int | None] = mapped_column(ForeignKey("amendment.id"), default=None)
    resulting_version: Mapped[int | None] = mapped_column(Integer, default=None)
    draft_revision: Mapped[int] = mapped_column(Integer, default=1)
    consent_deadline: Mapped[datetime | None] = mapped_column(default=None)
    round_opened_at: Mapped[datetime | None] = mapped_column(default=None)
    # When the pending voters of the round are reminded by the deadline sweep (once).
    remind_at: Mapped[datetime | None] = mapped_column(default=None)
    reminded_at: Mapped[datetime | None] = mapped_column(default=None)
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    revision: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012

    @property
    def is_notice(self) -> bool:
        """An editorial change after adoption, waiting out its notice: its round takes
        acceptances, never objections (a voting member escalates it instead)."""
        return self.kind == AmendmentKind.editorial and self.round_opened_at is not None

    @property
    def is_round_open(self) -> bool:
        """Answers are taken: consent_open, or blocked by objections that may still be
        withdrawn (neither the deadline nor the chair has ended the round)."""
        return self.status == AmendmentStatus.consent_open or (
            self.status == AmendmentStatus.blocked and self.decided_at is None
        )


def round_open_clause() -> ColumnElement[bool]:
    """`Amendment.is_round_open`, in SQL."""
    return or_(
        Amendment.status == AmendmentStatus.consent_open,
        and_(Amendment.status == AmendmentStatus.blocked, Amendment.decided_at.is_(None)),
    )


def still_open_clause() -> ColumnElement[bool]:
    """Not decided yet: an open status, or a round blocked by objections still standing."""
    return or_(in_constants(Amendment.status, OPEN_STATUSES), round_open_clause())


class ConsentVoter(Base):
    """The voting members frozen when a consent round opens."""

    __tablename__ = "consent_voter"

    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendment.id"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), primary_key=True)


class Consent(Base):
    """A voter's current answer in a round (the earlier ones are in the event chain).

    Changed in place; an objection withdrawn keeps its row with `withdrawn_at` set (the voter
    is pending again). `revision` grows with every change, so the amendment's ETag, which
    sums them, changes with every answer."""

    __tablename__ = "consent"
    __table_args__ = (UniqueConstraint("amendment_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendment.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    answer: Mapped[Answer] = mapped_column(enum_column(Answer))
    reason: Mapped[str] = mapped_column(Text, default="")
    # The token that gave this answer (None for answers recorded before tokens were noted).
    token_id: Mapped[int | None] = mapped_column(ForeignKey("token.id"), default=None)
    # The member's signature over this answer (app/signatures.py) and the key that made it;
    # None only for answers recorded before answers were signed.
    signature: Mapped[str | None] = mapped_column(String(100), default=None)
    signing_key_id: Mapped[int | None] = mapped_column(ForeignKey("signing_key.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime | None] = mapped_column(default=None)
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @property
    def answered_at(self) -> datetime:
        return self.changed_at or self.created_at


class DraftRevision(Base):
    """One wording of an amendment typed on the floor; kept, never changed."""

    __tablename__ = "amendment_revision"
    __table_args__ = (UniqueConstraint("amendment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendment.id"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StructureOperation(enum.StrEnum):
    insert = "insert"  # a new section (with its first text) at a place in the outline
    delete = "delete"  # a section and its subtree
    move = "move"  # a section and its subtree, to another place
    split_section = "split"  # at a paragraph: the rest becomes a new section after it (`split`
    # would hide `str.split`)
    merge = "merge"  # a section and its next sibling, into one
    rename = "rename"  # a heading, label (renumbering) or kind
    span = "span"  # one text change across two or more neighbouring sections
    move_paragraphs = "move_paragraphs"  # a run of paragraphs, to another place in the text


class AmendmentStructure(Base):
    """What makes an amendment structural (one row per such amendment): its operation and
    operands, and its base: the outline revision it was proposed on and each section it
    touches at the version it read (`touched`: [{"section_id", "version", ...}], with the
    recorded edits a text change makes there). The amendment row itself names its first
    touched section; its `proposed_text` is the canonical wording voters sign
    (`app/amendments/structure.py`)."""

    __tablename__ = "amendment_structure"

    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendment.id"), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    operation: Mapped[StructureOperation] = mapped_column(enum_column(StructureOperation))
    base_outline_revision: Mapped[int] = mapped_column(Integer)
    operands: Mapped[dict[str, Any]] = mapped_column(JSON)
    touched: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # Once adopted: {"versions": [[section_id, number], ...], "added": [...], "removed": [...]}
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
