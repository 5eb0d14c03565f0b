"""Turning rows into what a caller may see: schemas, diffs and rendered exports."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Literal, TypeVar

from pydantic import BaseModel
from sqlalchemy.orm import Session

from app import visibility
from app.auth import Principal
from app.drafting_groups.models import DEFAULT_STAGE, SectionStage, Stage
from app.errors import BadRequest
from app.outputs import formats
from app.outputs import service as outputs
from app.reports import deriving, service
from app.reports.certified import transmission_milestone_id
from app.reports.footnotes import reservation_notes
from app.reports.models import Milestone, Report, ReportStatus, Section, SectionKind, Version
from app.reports.outline import mixed_breaks
from app.reports.schemas import (
    PUBLIC_VIEWS,
    DiffOp,
    MilestoneEntryRead,
    MilestoneRead,
    OutlineEntry,
    ReportComparison,
    ReportRead,
    ReportSummary,
    SectionComparison,
    SectionDiff,
    SectionRead,
    VersionRead,
    VersionSummary,
)
from app.text import diffing, markdown, render
from app.text.outline import Node, Placed, order


def report_read(
    session: Session,
    report: Report,
    hidden: Collection[int] = frozenset(),
    rows: Mapping[int, SectionStage] | None = None,
) -> ReportRead:
    """The report with its outline and, in a staged report, each part's stage (`rows`: its
    stage rows, if read), without the `hidden` parts (a reader's; the writers who changed it,
    chair and secretariat, read every part); the others keep the whole report's numbers."""
    rows = visibility.stages_of(session, report.id) if rows is None else rows
    placed = [p for p in service.outline(session, report_id=report.id) if p.node.id not in hidden]
    stages = (
        {p.node.id: rows[p.node.id].stage if p.node.id in rows else DEFAULT_STAGE for p in placed}
        if rows
        else {}
    )
    entries = [
        OutlineEntry(
            id=p.node.id,
            parent_id=p.node.parent_id,
            kind=SectionKind(p.node.kind),
            label=p.node.label,
            heading=p.node.heading,
            position=p.node.position,
            depth=p.depth,
            head_version=p.node.version,
            first_paragraph=p.first_paragraph,
            paragraph_count=p.node.paragraph_count,
            stage=stages.get(p.node.id),
        )
        for p in placed
    ]
    total = sum(e.paragraph_count for e in entries)
    return ReportRead(
        **ReportSummary.model_validate(report).model_dump(), outline=entries, paragraph_total=total
    )


Read = TypeVar("Read", bound=BaseModel)


def _as_seen_by(read: Read, principal: Principal | None) -> Read:
    return read if visibility.is_attributed(principal) else visibility.redacted(read, PUBLIC_VIEWS)


def version_summary(version: Version, principal: Principal | None) -> VersionSummary:
    return _as_seen_by(VersionSummary.model_validate(version), principal)


def version_read(version: Version, principal: Principal | None) -> VersionRead:
    return _as_seen_by(VersionRead.model_validate(version), principal)


def section_read(
    session: Session,
    section: Section,
    principal: Principal | None,
    *,
    first_paragraph: int | None = None,
) -> SectionRead:
    head = service.get_version(session, section=section, number=section.head_version)
    if first_paragraph is None:
        first_paragraph = service.first_paragraph_of(session, section=section)
    return SectionRead(
        id=section.id,
        report_id=section.report_id,
        parent_id=section.parent_id,
        kind=section.kind,
        label=section.label,
        heading=section.heading,
        position=section.position,
        head_version=section.head_version,
        removed_at=section.removed_at,
        created_at=section.created_at,
        revision=section.revision,
        first_paragraph=first_paragraph,
        head=version_read(head, principal),
    )


def _ops(ops: diffing.Diff) -> list[DiffOp]:
    return [DiffOp(op=op, text=text) for op, text in ops]


def section_diff(
    *,
    section_id: int,
    before: Version,
    after: Version,
    granularity: Literal["char", "word"],
    context: int | None,
    timeout: float,
) -> SectionDiff:
    ops = diffing.diff_offloaded(before.text, after.text, granularity=granularity, timeout=timeout)
    counts = diffing.stats(ops)
    return SectionDiff(
        section_id=section_id,
        from_version=before.number,
        to_version=after.number,
        granularity=granularity,
        inserted_chars=counts["inserted_chars"],
        deleted_chars=counts["deleted_chars"],
        ops=_ops(ops),
        html=diffing.to_html(ops, context=context),
    )


def milestone_read(
    session: Session, milestone_id: int, principal: Principal | None
) -> MilestoneRead:
    milestone, entries = service.get_milestone(
        session, milestone_id=milestone_id, principal=principal
    )
    read = MilestoneRead(
        id=milestone.id,
        report_id=milestone.report_id,
        name=milestone.name,
        kind=milestone.kind,
        created_by_id=milestone.created_by_id,
        created_at=milestone.created_at,
        entries=[MilestoneEntryRead.model_validate(e) for e in entries],
    )
    return _as_seen_by(read, principal)


def _snapshot(
    session: Session, report: Report, *, milestone_id: int | None, at: datetime | None
) -> tuple[list[Node], str | None]:
    if milestone_id is not None and at is not None:
        raise BadRequest("Give either `milestone` or `at`, not both.")
    if milestone_id is not None:
        milestone = session.get(Milestone, milestone_id)
        nodes = service.milestone_nodes(session, report=report, milestone_id=milestone_id)
        return nodes, f"as at milestone '{milestone.name if milestone else milestone_id}'"
    if at is not None:
        return service.nodes_at(session, report=report, at=at), f"as it stood at {at.isoformat()}"
    return service.current_nodes(session, report_id=report.id, with_text=True), None


ExportFormat = Literal["markdown", "source", "html", "text", "akn", "docx", "pdf"]


def export(
    session: Session,
    report: Report,
    *,
    format: ExportFormat,
    milestone_id: int | None,
    at: datetime | None,
    line_numbers: bool = False,
    changes_since: int | None = None,
    principal: Principal | None = None,
    lineage: bool = False,
) -> str | bytes:
    """The export whole (see `export_pieces`)."""
    body = export_pieces(
        session,
        report,
        format=format,
        milestone_id=milestone_id,
        at=at,
        line_numbers=line_numbers,
        changes_since=changes_since,
        principal=principal,
        lineage=lineage,
    )
    return body if isinstance(body, str | bytes) else "".join(body)


STREAM_CHUNK = 64 * 1024


def encoded_chunks(body: str | bytes | Iterator[str]) -> Iterator[bytes]:
    """The export as the response sends it: pieces gathered into chunks of about 64 KB."""
    if isinstance(body, bytes):
        yield body
        return
    if isinstance(body, str):
        yield body.encode("utf-8")
        return
    pending: list[str] = []
    size = 0
    for piece in body:
        pending.append(piece)
        size += len(piece)
        if size >= STREAM_CHUNK:
            yield "".join(pending).encode("utf-8")
            pending, size = [], 0
    if pending:
        yield "".join(pending).encode("utf-8")


def export_pieces(
    session: Session,
    report: Report,
    *,
    format: ExportFormat,
    milestone_id: int | None,
    at: datetime | None,
    line_numbers: bool = False,
    changes_since: int | None = None,
    principal: Principal | None = None,
    lineage: bool = False,
) -> str | bytes | Iterator[str]:
    """Only the parts `principal` may read, and none left out; in a staged report's current
    text each part's stage is noted (a milestone's export stays the same bytes for every
    reader and every day: it has no stage notes), and with `lineage` where a derived passage
    came from (lineage never changes). Markdown, HTML and text come as pieces rendered on
    demand (everything they need is read here), so a large report is never held whole twice
    while it is sent."""
    if changes_since is not None and format != "docx":
        raise BadRequest("`changes_since` is for `format=docx` only (Word tracked changes).")
    if milestone_id is None and at is None:  # transmitted: the certified text (certified.py)
        milestone_id = transmission_milestone_id(session, report)
    nodes, caption = _snapshot(session, report, milestone_id=milestone_id, at=at)
    # Reservations stand on today's paragraphs, and stages are today's: printed with the
    # text as it stands now.
    current = milestone_id is None and at is None
    notes = reservation_notes(session, report_id=report.id) if current else {}
    nodes = _noted(session, report, nodes, principal, lineage=lineage, stages=current)
    omitted = _omitted(session, report, principal)
    if format in ("akn", "docx", "pdf"):
        snapshot = outputs.report_snapshot(
            session,
            report,
            nodes=nodes,
            caption=caption,
            milestone_id=milestone_id,
            at=at,
            footnotes=notes,
            omitted=omitted,
        )
        baseline = None
        if changes_since is not None:
            baseline = outputs.baseline(session, report, milestone_id=changes_since)
        return formats.render_report(format, snapshot, line_numbers=line_numbers, baseline=baseline)
    info = render.DocumentInfo(
        title=report.title,
        symbol=report.symbol,
        status=report.status.value,
        disclaimer=report.disclaimer if report.status == ReportStatus.drafting else None,
        caption=caption,
        footnotes=notes,
    )
    placed = [p for p in order(nodes) if p.node.id not in omitted]
    return _rendered_text(session, report, format, info, placed)


def _rendered_text(
    session: Session,
    report: Report,
    format: ExportFormat,
    info: render.DocumentInfo,
    placed: list[Placed],
) -> str | Iterator[str]:
    if format == "markdown":
        return render.iter_markdown(info, placed)
    if format == "source":
        layout = report.source_layout or {}
        return markdown.to_source(
            layout.get("front", ""),
            layout.get("newline", "\n"),
            placed,
            service.source_headings(session, report_id=report.id),
            mixed_breaks(session, layout, placed),
        )
    if format == "html":
        return render.iter_html(info, placed)
    return render.iter_text(info, placed)


def _omitted(session: Session, report: Report, principal: Principal | None) -> set[int]:
    """Parts an export leaves out: those the reader may not read, and those left out of the
    report (for every reader alike)."""
    rows = visibility.stages_of(session, report.id)
    left_out = {i for i, row in rows.items() if row.stage == Stage.left_out}
    return left_out | visibility.hidden_sections(session, report, principal, stages=rows)


def _noted(
    session: Session,
    report: Report,
    nodes: list[Node],
    principal: Principal | None,
    *,
    lineage: bool,
    stages: bool,
) -> list[Node]:
    """`stages`: note each part's stage as it stands now (current exports only)."""
    stages_now = (service.report_stages(session, report.id) or {}) if stages else {}
    sources = deriving.lineage_notes(session, [n.id for n in nodes], principal) if lineage else {}
    noted = []
    for node in nodes:
        notes = []
        if node.id in stages_now:
            notes.append(f"Stage: {service.STAGE_WORDS[stages_now[node.id]]}")
        if node.id in sources:
            notes.append(sources[node.id])
        noted.append(replace(node, notes=tuple(notes)) if notes else node)
    return noted


def compare(
    session: Session,
    report: Report,
    *,
    from_milestone: int,
    to_milestone: int | None,
    granularity: Literal["char", "word"],
    context: int | None,
    timeout: float,
    principal: Principal | None = None,
) -> ReportComparison:
    hidden = visibility.hidden_sections(session, report, principal)
    before = {
        n.id: n
        for n in service.milestone_nodes(session, report=report, milestone_id=from_milestone)
        if n.id not in hidden
    }
    after_nodes, _ = _snapshot(session, report, milestone_id=to_milestone, at=None)
    after_nodes = [n for n in after_nodes if n.id not in hidden]
    after = {n.id: n for n in after_nodes}
    ordered = [p.node.id for p in order(after_nodes)]
    ordered += [p.node.id for p in order(list(before.values())) if p.node.id not in after]
    sections = []
    for section_id in ordered:
        old, new = before.get(section_id), after.get(section_id)
        shown = new if new is not None else before[section_id]  # in one or the other
        ops = diffing.diff(
            old.text if old and old.text else "",
            new.text if new and new.text else "",
            granularity=granularity,
            timeout=timeout,
        )
        if old is None:
            change: Literal["added", "removed", "changed", "unchanged"] = "added"
        elif new is None:
            change = "removed"
        else:
            change = "unchanged" if old.version == new.version else "changed"
        sections.append(
            SectionComparison(
                section_id=section_id,
                label=shown.label,
                heading=shown.heading,
                change=change,
                from_version=old.version if old else None,
                to_version=new.version if new else None,
                ops=[] if change == "unchanged" else _ops(ops),
                html="" if change == "unchanged" else diffing.to_html(ops, context=context),
            )
        )
    return ReportComparison(
        report_id=report.id,
        from_state=f"milestone {from_milestone}",
        to_state="current" if to_milestone is None else f"milestone {to_milestone}",
        sections=sections,
    )
