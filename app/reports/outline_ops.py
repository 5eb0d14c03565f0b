"""The outline's changes themselves, with no check of who asks or when: place, insert,
remove and rename a section. The caller holds the report lock and has decided that the
change may be made (`sections.py` for direct changes while drafting, structural amendments
in `app/amendments/structure_apply.py` when adopted)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.reports.models import Report, Section, SectionKind, VersionSource
from app.reports.versions import new_version


def siblings(session: Session, *, report_id: int, parent_id: int | None) -> list[Section]:
    """The live children of `parent_id` (top level: None), in order."""
    parent_clause = (
        Section.parent_id.is_(None) if parent_id is None else Section.parent_id == parent_id
    )
    return list(
        session.scalars(
            select(Section)
            .where(Section.report_id == report_id, parent_clause, Section.removed_at.is_(None))
            .order_by(Section.position, Section.id)
        )
    )


def renumber(ordered: Sequence[Section]) -> None:
    for index, sibling in enumerate(ordered):
        if sibling.position != index:
            sibling.position = index


def insert_section(
    session: Session,
    report: Report,
    *,
    parent_id: int | None,
    index: int | None,
    kind: SectionKind,
    label: str,
    heading: str,
    text: str,
    author_id: int | None,
    source: VersionSource = VersionSource.initial,
) -> tuple[Section, int]:
    """A new live section with `text` as its version 1, at `index` among its siblings (the
    end when None or past it). Returns the section and the index it took."""
    others = siblings(session, report_id=report.id, parent_id=parent_id)
    section = Section(
        report_id=report.id,
        parent_id=parent_id,
        kind=kind,
        label=label,
        heading=heading,
        position=len(others),
        head_version=1,
    )
    session.add(section)
    session.flush()
    at = len(others) if index is None else min(index, len(others))
    others.insert(at, section)
    renumber(others)
    session.add(new_version(section.id, 1, text, author_id, source))
    session.flush()
    return section, at


def place_section(
    session: Session, report: Report, section: Section, *, parent_id: int | None, index: int
) -> int:
    """Move `section` (with its subtree) to `index` among the children of `parent_id`."""
    old = [
        s
        for s in siblings(session, report_id=report.id, parent_id=section.parent_id)
        if s.id != section.id
    ]
    renumber(old)
    section.parent_id = parent_id
    new = [
        s for s in siblings(session, report_id=report.id, parent_id=parent_id) if s.id != section.id
    ]
    at = min(index, len(new))
    new.insert(at, section)
    renumber(new)
    session.flush()
    return at


def subtree_ids(session: Session, section_id: int) -> list[int]:
    """The live descendants of a section, breadth first (not the section itself)."""
    found: list[int] = []
    frontier = [section_id]
    while frontier:
        frontier = list(
            session.scalars(
                select(Section.id).where(
                    Section.parent_id.in_(frontier), Section.removed_at.is_(None)
                )
            )
        )
        found.extend(frontier)
    return found


def remove_subtree(session: Session, report: Report, section: Section) -> list[int]:
    """Mark the section and its live descendants removed (never deleted); the ids removed."""
    now = utcnow()
    removed = [section.id, *subtree_ids(session, section.id)]
    for child_id in removed[1:]:
        child = session.get(Section, child_id)
        if child is not None:
            child.removed_at = now
    section.removed_at = now
    session.flush()
    renumber(siblings(session, report_id=report.id, parent_id=section.parent_id))
    session.flush()
    return removed


def rename_section(
    section: Section, *, kind: SectionKind | None, label: str | None, heading: str | None
) -> dict[str, str]:
    """Set the fields given; what changed, as strings (an event's payload)."""
    changed: dict[str, str] = {}
    for field, value in (("kind", kind), ("label", label), ("heading", heading)):
        if value is not None and getattr(section, field) != value:
            setattr(section, field, value)
            changed[field] = str(value)
    return changed
