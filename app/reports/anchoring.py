"""Paragraph anchors against the database: where a paragraph begins in the head version
(fixed when a thread or reservation is recorded), and which paragraph that place is in
today's text, carried through the versions' recorded edits (`app/text/anchors.py`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidState, NotFound
from app.reports.models import Section, Version
from app.reports.outline import first_paragraph_of, outline
from app.text import anchors
from app.text.edits import Edit, from_json

Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class ParagraphAnchor:
    section_id: int
    version: int  # the section's version the anchor was fixed in
    start: int  # where the paragraph began in that version


@dataclass(frozen=True)
class Found:
    section_id: int
    paragraph: int | None  # None: the section left the outline


def fix_paragraph(session: Session, *, section: Section, paragraph: int) -> ParagraphAnchor:
    """Where report-wide paragraph `paragraph` begins in `section`'s head (404 when the
    section does not hold it, 409 when the section left the outline)."""
    first = first_paragraph_of(session, section=section)
    if first is None:
        raise InvalidState(f"Section {section.id} is not in the report's outline.")
    head = session.scalar(
        select(Version).where(
            Version.section_id == section.id, Version.number == section.head_version
        )
    )
    if head is None:
        raise NotFound(f"No version {section.head_version} of section {section.id}.")
    try:
        span = anchors.locate(
            head.text, first_paragraph=first, paragraph=paragraph, quote=None, start=None, end=None
        )
    except anchors.AnchorError as error:  # a paragraph the section does not have
        raise NotFound(str(error)) from error
    return ParagraphAnchor(section_id=section.id, version=head.number, start=span.start)


def _chains(
    session: Session, found: Sequence[ParagraphAnchor]
) -> dict[int, list[tuple[int, list[Edit]]]]:
    oldest: dict[int, int] = {}
    for a in found:
        oldest[a.section_id] = min(oldest.get(a.section_id, a.version), a.version)
    return edits_after(session, oldest)


def edits_after(
    session: Session, oldest: Mapping[int, int]
) -> dict[int, list[tuple[int, list[Edit]]]]:
    """Each section's recorded edits after the version named for it (section id -> version),
    version by version: what carries an anchor read there to today's text."""
    chains: dict[int, list[tuple[int, list[Edit]]]] = defaultdict(list)
    rows = session.execute(
        select(Version.section_id, Version.number, Version.edits)
        .where(Version.section_id.in_(oldest))
        .order_by(Version.section_id, Version.number)
    ).tuples()
    for section_id, number, edits in rows:
        if number > oldest[section_id]:
            chains[section_id].append((number, from_json(edits or [])))
    return chains


def current_paragraphs(
    session: Session, *, report_id: int, anchored: Iterable[tuple[Key, ParagraphAnchor]]
) -> dict[Key, Found]:
    """The paragraph each anchor is in today (numbered as the report now stands)."""
    pairs = list(anchored)
    if not pairs:
        return {}
    chains = _chains(session, [a for _, a in pairs])
    placed = {p.node.id: p for p in outline(session, report_id=report_id)}
    wanted = {a.section_id for _, a in pairs if a.section_id in placed}
    heads = dict(
        session.execute(
            select(Version.section_id, Version.text)
            .join(Section, Section.id == Version.section_id)
            .where(Section.id.in_(wanted), Version.number == Section.head_version)
        )
        .tuples()
        .all()
    )
    result: dict[Key, Found] = {}
    for key, anchor in pairs:
        where = placed.get(anchor.section_id)
        if where is None or anchor.section_id not in heads:
            result[key] = Found(section_id=anchor.section_id, paragraph=None)
            continue
        chain = [edits for number, edits in chains[anchor.section_id] if number > anchor.version]
        point = anchors.carry_point(anchor.start, chain)
        number = anchors.paragraph_of(
            heads[anchor.section_id], point, first_paragraph=where.first_paragraph
        )
        result[key] = Found(section_id=anchor.section_id, paragraph=number)
    return result


def paragraph_owners(session: Session, *, report_id: int, numbers: Iterable[int]) -> dict[int, int]:
    """The section that holds each report-wide paragraph number today (numbers beyond the
    report are left out)."""
    wanted = sorted(set(numbers))
    if not wanted:
        return {}
    owners: dict[int, int] = {}
    for placed in outline(session, report_id=report_id):
        first, count = placed.first_paragraph, placed.node.paragraph_count
        for number in wanted:
            if first <= number < first + count:
                owners[number] = placed.node.id
    return owners
