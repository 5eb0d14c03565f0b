"""Changing the outline while drafting: add, rename, move and remove sections (an ordered
tree; removal is a mark, never a delete)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.clock import utcnow
from app.errors import BadRequest, InvalidState, NotFound
from app.events.service import record_event
from app.groups.models import DRAFTING_ROLES
from app.reports.access import ensure_drafting, get_section, lock_report, require_section_match
from app.reports.models import Report, Section, SectionKind, VersionSource
from app.reports.versions import new_version


def _siblings(session: Session, *, report_id: int, parent_id: int | None) -> list[Section]:
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


def _renumber(siblings: Sequence[Section]) -> None:
    for index, sibling in enumerate(siblings):
        if sibling.position != index:
            sibling.position = index


def _live_section_of(session: Session, report: Report, section_id: int | None) -> Section | None:
    if section_id is None:
        return None
    section = session.get(Section, section_id)
    if section is None or section.report_id != report.id:
        raise NotFound(f"No section {section_id} in report {report.id}.")
    if section.removed_at is not None:
        raise InvalidState(f"Section {section_id} has been removed.")
    return section


def add_section(
    session: Session,
    *,
    report_id: int,
    principal: Principal,
    kind: SectionKind,
    label: str,
    heading: str,
    parent_id: int | None,
    position: int | None,
    text: str,
) -> Section:
    report = lock_report(session, report_id=report_id, principal=principal, roles=DRAFTING_ROLES)
    ensure_drafting(report, "Changing the outline")
    _live_section_of(session, report, parent_id)
    siblings = _siblings(session, report_id=report.id, parent_id=parent_id)
    section = Section(
        report_id=report.id,
        parent_id=parent_id,
        kind=kind,
        label=label,
        heading=heading,
        position=len(siblings),
        head_version=1,
    )
    session.add(section)
    session.flush()
    index = len(siblings) if position is None else min(position, len(siblings))
    siblings.insert(index, section)
    _renumber(siblings)
    session.add(new_version(section.id, 1, text, principal.participant_id, VersionSource.initial))
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="section.added",
        actor_id=principal.participant_id,
        payload={"section_id": section.id, "parent_id": parent_id, "position": index},
    )
    return section


def update_section(
    session: Session,
    *,
    section_id: int,
    principal: Principal,
    kind: SectionKind | None,
    label: str | None,
    heading: str | None,
    if_match: str | None,
) -> Section:
    section = get_section(session, section_id=section_id, principal=principal)
    report = lock_report(
        session, report_id=section.report_id, principal=principal, roles=DRAFTING_ROLES
    )
    ensure_drafting(report, "Changing the outline")
    _live_section_of(session, report, section.id)
    require_section_match(session, section, if_match)
    changed = {}
    for field, value in (("kind", kind), ("label", label), ("heading", heading)):
        if value is not None and getattr(section, field) != value:
            setattr(section, field, value)
            changed[field] = value
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="section.updated",
        actor_id=principal.participant_id,
        payload={"section_id": section.id, **{k: str(v) for k, v in changed.items()}},
    )
    return section


def move_section(
    session: Session,
    *,
    section_id: int,
    principal: Principal,
    parent_id: int | None,
    position: int,
    if_match: str | None,
) -> Section:
    section = get_section(session, section_id=section_id, principal=principal)
    report = lock_report(
        session, report_id=section.report_id, principal=principal, roles=DRAFTING_ROLES
    )
    ensure_drafting(report, "Changing the outline")
    _live_section_of(session, report, section.id)
    require_section_match(session, section, if_match)
    ancestor = _live_section_of(session, report, parent_id)
    while ancestor is not None:
        if ancestor.id == section.id:
            raise BadRequest("A section cannot move inside itself.")
        ancestor = session.get(Section, ancestor.parent_id) if ancestor.parent_id else None
    old = [
        s
        for s in _siblings(session, report_id=report.id, parent_id=section.parent_id)
        if s.id != section.id
    ]
    _renumber(old)
    section.parent_id = parent_id
    new = [
        s
        for s in _siblings(session, report_id=report.id, parent_id=parent_id)
        if s.id != section.id
    ]
    index = min(position, len(new))
    new.insert(index, section)
    _renumber(new)
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="section.moved",
        actor_id=principal.participant_id,
        payload={"section_id": section.id, "parent_id": parent_id, "position": index},
    )
    return section


def remove_section(
    session: Session, *, section_id: int, principal: Principal, if_match: str | None
) -> Section:
    section = get_section(session, section_id=section_id, principal=principal)
    report = lock_report(
        session, report_id=section.report_id, principal=principal, roles=DRAFTING_ROLES
    )
    ensure_drafting(report, "Changing the outline")
    _live_section_of(session, report, section.id)
    require_section_match(session, section, if_match)
    now = utcnow()
    removed = [section.id]
    frontier = [section.id]
    while frontier:
        children = list(
            session.scalars(
                select(Section).where(Section.parent_id.in_(frontier), Section.removed_at.is_(None))
            )
        )
        for child in children:
            child.removed_at = now
        frontier = [c.id for c in children]
        removed.extend(frontier)
    section.removed_at = now
    session.flush()
    _renumber(_siblings(session, report_id=report.id, parent_id=section.parent_id))
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="section.removed",
        actor_id=principal.participant_id,
        payload={"section_id": section.id, "removed": removed},
    )
    return section
