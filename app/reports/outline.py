"""The live outline: sections in order with their depth and continuous paragraph numbers
(DESIGN.md: "paragraphs are numbered continuously across the report"), and its cache."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.reports.models import Report, Section, Version
from app.text.outline import Node, Placed, order


def current_nodes(session: Session, *, report_id: int, with_text: bool) -> list[Node]:
    """The live outline joined to each section's head version: one query."""
    columns: list[Any] = [
        Section.id,
        Section.parent_id,
        Section.position,
        Section.kind,
        Section.label,
        Section.heading,
        Section.head_version,
        Version.paragraph_count,
    ]
    if with_text:
        columns.append(Version.text)
    rows = session.execute(
        select(*columns)
        .join(
            Version, and_(Version.section_id == Section.id, Version.number == Section.head_version)
        )
        .where(Section.report_id == report_id, Section.removed_at.is_(None))
    ).all()
    return [
        Node(
            id=row.id,
            parent_id=row.parent_id,
            position=row.position,
            kind=row.kind.value,
            label=row.label,
            heading=row.heading,
            version=row.head_version,
            paragraph_count=row.paragraph_count,
            text=row.text if with_text else None,
        )
        for row in rows
    ]


_OUTLINES: OrderedDict[tuple[int, str, int, int, int], list[Placed]] = OrderedDict()
_OUTLINE_CACHE_SIZE = 256


def outline(session: Session, *, report_id: int) -> list[Placed]:
    """The placed outline (order, depth, paragraph numbers), cached per report state.

    Every change to a section (text, heading, place, removal) bumps its revision, so the
    count, highest id and sum of revisions of a report's sections name one exact outline, in
    this process or any other, and stay put while only amendments and consents move."""
    created = select(Report.created_at).where(Report.id == report_id).scalar_subquery()
    state = session.execute(
        select(
            func.count(Section.id), func.max(Section.id), func.sum(Section.revision), created
        ).where(Section.report_id == report_id)
    ).one()
    key = (report_id, str(state[3]), int(state[0] or 0), int(state[1] or 0), int(state[2] or 0))
    clean = not session.new and not session.dirty and not session.deleted
    cached = _OUTLINES.get(key)
    if cached is not None and clean:
        _OUTLINES.move_to_end(key)
        return cached
    placed = order(current_nodes(session, report_id=report_id, with_text=False))
    if clean:
        _OUTLINES[key] = placed
        while len(_OUTLINES) > _OUTLINE_CACHE_SIZE:
            _OUTLINES.popitem(last=False)
    return placed


def source_headings(session: Session, *, report_id: int) -> dict[int, str]:
    """Each imported section's heading line as written in its Markdown source."""
    rows = session.execute(
        select(Section.id, Section.source_heading).where(
            Section.report_id == report_id, Section.source_heading.is_not(None)
        )
    ).all()
    return {row.id: row.source_heading for row in rows}


def first_paragraph_of(session: Session, *, section: Section) -> int | None:
    if section.removed_at is not None:
        return None
    for placed in outline(session, report_id=section.report_id):
        if placed.node.id == section.id:
            return placed.first_paragraph
    return None
