"""A transmitted report's certified exports: what users download is what the certificate
covers (issue 28).

The certificate's seal (`certificate.sealed`, app/meetings/sealing.py) lists the SHA-256 of
each format exported at the transmission milestone. After transmission the default export
(no `milestone`, no `at`) is that export, the same bytes for every reader: dated by the
milestone and captioned "as at milestone 'Transmitted text'", without today's notes
(reservations, stages), which are read on their own routes. The `Plenary-Certified` header
of every export of a transmitted report says whether its bytes are the sealed ones: `true`
for the default export or the transmission milestone's, in a sealed format, without
`line_numbers`, `changes_since` or `lineage`, read by a caller who is shown the parts the
seal shows; `false` for everything else (`at`, another milestone, a variant), a rendering
that no certificate covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import visibility
from app.auth import Principal
from app.reports.models import Milestone, MilestoneKind, Report, ReportStatus

if TYPE_CHECKING:
    from app.reports.views import ExportFormat

# Every format a reader may keep; `source` joins them for an imported report.
SEALED_FORMATS: tuple[ExportFormat, ...] = ("markdown", "html", "text", "akn", "docx", "pdf")
CERTIFIED_HEADER = "Plenary-Certified"


def sealed_formats(report: Report) -> tuple[ExportFormat, ...]:
    """The formats whose bytes the seal covers."""
    return SEALED_FORMATS + (("source",) if report.source_layout is not None else ())


def transmission_milestone_id(session: Session, report: Report) -> int | None:
    """The milestone the certificate covers; None until the report is transmitted."""
    if report.status != ReportStatus.transmitted:
        return None
    return session.scalar(
        select(Milestone.id)
        .where(Milestone.report_id == report.id, Milestone.kind == MilestoneKind.transmission)
        .order_by(Milestone.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class ExportAsked:
    """An export request's parameters, as far as the seal cares."""

    format: ExportFormat
    milestone_id: int | None
    at: datetime | None
    line_numbers: bool
    changes_since: int | None
    lineage: bool


def certified(
    session: Session, report: Report, asked: ExportAsked, principal: Principal | None
) -> bool | None:
    """Whether the export asked for is the sealed bytes; None before transmission."""
    transmitted = transmission_milestone_id(session, report)
    if transmitted is None:
        return None
    plain = not (asked.line_numbers or asked.changes_since is not None or asked.lineage)
    sealed_state = asked.at is None and asked.milestone_id in (None, transmitted)
    if not (plain and sealed_state and asked.format in sealed_formats(report)):
        return False
    # The seal is rendered for the public; a caller shown other parts gets other bytes.
    stages = visibility.stages_of(session, report.id)
    shown = visibility.hidden_sections(session, report, principal, stages=stages)
    return shown == visibility.hidden_sections(session, report, None, stages=stages)
