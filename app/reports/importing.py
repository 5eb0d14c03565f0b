"""Importing a Markdown document as a new report, its outline and initial versions."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.auth import Principal
from app.events.service import record_event
from app.groups.models import DRAFTING_ROLES
from app.reports.lifecycle import create_report
from app.reports.models import Report, Section, SectionKind, VersionSource
from app.reports.versions import new_version
from app.text import markdown


def import_report(
    session: Session,
    *,
    group_id: int,
    principal: Principal,
    source: str,
    title: str | None,
    symbol: str | None,
    disclaimer: str | None,
    parsed: markdown.ParsedDocument | None = None,
) -> Report:
    """`parsed`: the source as the request's prepare step parsed it (else parsed here)."""
    principal.ensure_role(group_id, DRAFTING_ROLES)  # who first, then the document
    document = parsed if parsed is not None else markdown.parse(source)
    meta = document.metadata
    if title is None:
        title = meta.get("title") or next(
            (s.heading for s in document.sections if s.heading), "Untitled report"
        )
    report = create_report(
        session,
        group_id=group_id,
        principal=principal,
        title=title[:500],
        symbol=(symbol if symbol is not None else meta.get("symbol", ""))[:100],
        disclaimer=disclaimer if disclaimer is not None else meta.get("disclaimer"),
    )
    others: dict[str, list[int]] = {}
    count = _add_sections(session, report, document.sections, principal.participant_id, others)
    report.source_layout = {"front": document.front, "newline": document.newline}
    if document.mixed:  # a file mixing LF and CRLF: where each text has the other kind
        report.source_layout["mixed"] = others
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="report.imported",
        actor_id=principal.participant_id,
        payload={"sections": count},
    )
    return report


def _add_sections(
    session: Session,
    report: Report,
    sections: list[markdown.ParsedSection],
    author_id: int | None,
    others: dict[str, list[int]],
) -> int:
    """The parsed outline, level by level (one flush per level for the ids), each section
    with its text as version 1; returns how many sections were added. `others`: by section
    id, the places of its text's line breaks of the kind the file uses less."""
    count = 0
    level: list[tuple[int | None, list[markdown.ParsedSection]]] = [(None, sections)]
    while level:
        next_level: list[tuple[int | None, list[markdown.ParsedSection]]] = []
        created: list[tuple[Section, markdown.ParsedSection]] = []
        for parent_id, parsed_children in level:
            for position, parsed in enumerate(parsed_children):
                section = Section(
                    report_id=report.id,
                    parent_id=parent_id,
                    kind=SectionKind(parsed.kind),
                    label=parsed.label[:50],
                    heading=parsed.heading[:500],
                    position=position,
                    head_version=1,
                    source_heading=parsed.source_heading or None,
                )
                session.add(section)
                created.append((section, parsed))
        session.flush()
        for section, parsed in created:
            session.add(new_version(section.id, 1, parsed.text, author_id, VersionSource.initial))
            if parsed.breaks:
                others[str(section.id)] = list(parsed.breaks)
            if parsed.children:
                next_level.append((section.id, parsed.children))
            count += 1
        level = next_level
    return count
