from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base, enum_column


class ReportStatus(enum.StrEnum):
    drafting = "drafting"
    adopted = "adopted"
    transmitted = "transmitted"


class SectionKind(enum.StrEnum):
    chapter = "chapter"
    section = "section"
    subsection = "subsection"
    box = "box"
    annex = "annex"


class VersionSource(enum.StrEnum):
    initial = "initial"
    edit = "edit"
    amendment = "amendment"


class OpenPointStatus(enum.StrEnum):
    open = "open"  # blocks transmission
    kept = "kept"  # options kept on purpose by the chair (printed as brackets, not blocking)
    resolved = "resolved"  # an adopted change reached into the bracket


class MilestoneKind(enum.StrEnum):
    manual = "manual"
    adoption = "adoption"
    transmission = "transmission"


DEFAULT_DISCLAIMER = (
    "This is a draft working paper. It has been subject to review by all members of the group, "
    "but does not necessarily present a consensus position nor does it contain agreed language "
    "accepted by every member."
)


class Report(Base):
    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    symbol: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[ReportStatus] = mapped_column(
        enum_column(ReportStatus), default=ReportStatus.drafting
    )
    disclaimer: Mapped[str] = mapped_column(Text, default=DEFAULT_DISCLAIMER)
    silence_procedure: Mapped[bool] = mapped_column(Boolean, default=False)
    # After adoption an editorial change waits this long for any voting member to call it
    # substance before it applies (a consent rule: frozen at adoption).
    editorial_notice_hours: Mapped[float] = mapped_column(Float, default=48.0, server_default="48")
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    # For a report imported from Markdown, what its sections do not hold, so the source
    # export gives the file back byte for byte: {"front": front matter as written,
    # "newline": "\n" or "\r\n"} (markdown.ParsedDocument), and for a file mixing both
    # "mixed": {section id: places of the breaks of the other kind} (text/line_breaks.py).
    source_layout: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    adopted_at: Mapped[datetime | None] = mapped_column(default=None)
    editorial_window_ends_at: Mapped[datetime | None] = mapped_column(default=None)
    transmitted_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Written by the database only: a trigger on `section` adds one on every insert, update
    # or delete of one of the report's sections (migration 3f6a2d9c8b15), so it names the
    # outline's state whatever the write path; the read caches key answers by it. Nothing
    # in the app assigns it. (A migration that rebuilds `section` on SQLite must create the
    # triggers again: tests/reports/test_outline_revision.py fails without them.)
    outline_revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The event chain's head (seq and hash of the report's latest event; 0 and None before
    # the first), also written by the database only: a trigger on `event` (same migration).
    # `lock_report` reads them with the lock, so recording an event needs no read of its own.
    event_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    event_hash: Mapped[str | None] = mapped_column(String(64), default=None)

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012


class Section(Base):
    __tablename__ = "section"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"), default=None)
    kind: Mapped[SectionKind] = mapped_column(enum_column(SectionKind))
    label: Mapped[str] = mapped_column(String(50), default="")
    heading: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[int] = mapped_column(Integer)
    head_version: Mapped[int] = mapped_column(Integer, default=0)
    # The heading line as written in an imported Markdown file (with its line break).
    source_heading: Mapped[str | None] = mapped_column(Text, default=None)
    removed_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revision: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012


class Version(Base):
    """One immutable text of one section. Never updated, never deleted."""

    __tablename__ = "section_version"
    __table_args__ = (UniqueConstraint("section_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    paragraph_count: Mapped[int] = mapped_column(Integer)
    source: Mapped[VersionSource] = mapped_column(enum_column(VersionSource))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), default=None)
    amendment_id: Mapped[int | None] = mapped_column(
        ForeignKey("amendment.id"), unique=True, default=None
    )
    amendment_revision: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The exact edits from the previous version ([[start, end, replacement], ...] in its
    # coordinates); None for a section's first version. Rebasing carries amendments
    # through these (app/text/rebase.py) instead of diffing texts.
    edits: Mapped[list[list[Any]] | None] = mapped_column(JSON, default=None)


class Milestone(Base):
    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[MilestoneKind] = mapped_column(enum_column(MilestoneKind))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MilestoneEntry(Base):
    """A section as it stood at a milestone: its place in the outline and its version."""

    __tablename__ = "milestone_entry"

    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestone.id"), primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(Integer, default=None)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[SectionKind] = mapped_column(enum_column(SectionKind))
    label: Mapped[str] = mapped_column(String(50))
    heading: Mapped[str] = mapped_column(String(500))
    version_number: Mapped[int] = mapped_column(Integer)


class OutlineShape(Base):
    """The outline (order, nesting, kinds, labels, headings) as it stood from `created_at`
    until the next shape. Written in the transaction of every change to it, so the report
    can be exported as it stood at any time since."""

    __tablename__ = "outline_shape"
    __table_args__ = (Index("ix_outline_shape_report_id_created_at", "report_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # [{"id", "parent_id", "position", "kind", "label", "heading"}] of the live sections
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class Certificate(Base):
    """Issued at transmission: hashes that let anyone check the transmitted text."""

    __tablename__ = "certificate"

    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), primary_key=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OpenPoint(Base):
    """A bracket kept in a section's text: `[option A / option B]`, each option the wording
    of an alternative amendment. Its span is carried through every later version's recorded
    edits (`app/reports/open_points.py`); it is resolved once the text there no longer holds
    a bracket."""

    __tablename__ = "open_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), index=True)
    status: Mapped[OpenPointStatus] = mapped_column(enum_column(OpenPointStatus))
    created_version: Mapped[int] = mapped_column(Integer)
    # Where the bracket stands, "[" to "]", in version `version` of the section.
    version: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)  # the bracket as it stands in `version`
    # [{"amendment_id": int, "text": str}] in the order of the bracket
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    resolved_version: Mapped[int | None] = mapped_column(Integer, default=None)
    kept_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VersionLineage(Base):
    """Where a derived report's first version of a section came from (issue 20): the source
    report, section and version it was copied from. Never updated."""

    __tablename__ = "version_lineage"

    version_id: Mapped[int] = mapped_column(ForeignKey("section_version.id"), primary_key=True)
    source_report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    source_section_id: Mapped[int] = mapped_column(ForeignKey("section.id"))
    source_version: Mapped[int] = mapped_column(Integer)
