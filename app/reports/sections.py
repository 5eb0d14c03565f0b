"""Changing the outline while drafting: add, rename, move and remove sections (an ordered
tree; removal is a mark, never a delete)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.auth import Principal
from app.errors import BadRequest, InvalidState, NotFound
from app.events.service import record_event
from app.groups.models import DRAFTING_ROLES
from app.reports.access import ensure_drafting, get_section, lock_report, require_section_match
from app.reports.models import Report, Section, SectionKind
from app.reports.outline_ops import insert_section, place_section, remove_subtree, rename_section


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
    section, index = insert_section(
        session,
        report,
        parent_id=parent_id,
        index=position,
        kind=kind,
        label=label,
        heading=heading,
        text=text,
        author_id=principal.participant_id,
    )
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
    changed = rename_section(section, kind=kind, label=label, heading=heading)
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="section.updated",
        actor_id=principal.participant_id,
        payload={"section_id": section.id, **changed},
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
    index = place_section(session, report, section, parent_id=parent_id, index=position)
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
    removed = remove_subtree(session, report, section)
    record_event(
        session,
        report_id=report.id,
        type="section.removed",
        actor_id=principal.participant_id,
        payload={"section_id": section.id, "removed": removed},
    )
    return section
