"""Reports that grow from one another (issue 20): working papers -> Background Report ->
Final Report. A derived report copies chosen sections (with their subsections) of its
source; each copy's version 1 cites the source section and version (`VersionLineage`), so
an export can say where a passage came from, back through every report it passed."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.errors import NotFound, present
from app.events.service import record_event
from app.groups.models import DRAFTING_ROLES
from app.reports.lifecycle import create_report
from app.reports.models import Report, Section, SectionKind, Version, VersionLineage, VersionSource
from app.reports.outline import current_nodes
from app.reports.versions import new_version
from app.text.outline import Node, order
from app.visibility import get_report, readable_by

MAX_LINEAGE = 10  # reports a passage is traced back through in a note


def derive_report(
    session: Session,
    *,
    report_id: int,
    principal: Principal,
    title: str,
    symbol: str,
    section_ids: list[int],
) -> Report:
    source = get_report(session, report_id=report_id, principal=principal)
    principal.ensure_role(source.group_id, DRAFTING_ROLES)
    nodes = current_nodes(session, report_id=source.id, with_text=True)
    chosen = _with_descendants(nodes, section_ids)
    report = create_report(
        session,
        group_id=source.group_id,
        principal=principal,
        title=title,
        symbol=symbol,
        disclaimer=source.disclaimer,
    )
    copied = _copy(
        session,
        report,
        source,
        [p.node for p in order(nodes) if p.node.id in chosen],
        principal.participant_id,
    )
    record_event(
        session,
        report_id=report.id,
        type="report.derived",
        actor_id=principal.participant_id,
        payload={"source_report_id": source.id, "sections": copied},
    )
    return report


def _with_descendants(nodes: list[Node], section_ids: Iterable[int]) -> set[int]:
    live = {n.id for n in nodes}
    wanted = set(section_ids)
    unknown = sorted(wanted - live)
    if unknown:
        raise NotFound(f"Not live sections of the source report: {unknown}.", section_ids=unknown)
    chosen = set(wanted)
    for placed in order(nodes):  # parents come before their children
        if placed.node.parent_id in chosen:
            chosen.add(placed.node.id)
    return chosen


def _copy(
    session: Session, report: Report, source: Report, nodes: list[Node], author_id: int | None
) -> int:
    """Copies `nodes` (in outline order), keeping their nesting among the copies."""
    new_ids: dict[int, int] = {}
    positions: dict[int | None, int] = {}
    for node in nodes:
        parent = new_ids.get(node.parent_id) if node.parent_id is not None else None
        position = positions.get(parent, 0)
        positions[parent] = position + 1
        section = Section(
            report_id=report.id,
            parent_id=parent,
            kind=SectionKind(node.kind),
            label=node.label,
            heading=node.heading,
            position=position,
            head_version=1,
        )
        session.add(section)
        session.flush()
        new_ids[node.id] = section.id
        version = new_version(section.id, 1, node.text or "", author_id, VersionSource.initial)
        session.add(version)
        session.flush()
        session.add(
            VersionLineage(
                version_id=version.id,
                source_report_id=source.id,
                source_section_id=node.id,
                source_version=node.version,
            )
        )
    session.flush()
    return len(nodes)


def lineage(session: Session, section_id: int) -> list[tuple[Report, Section, int]]:
    """Where a section's version 1 came from: (report, section, version) back to the
    first, nearest first."""
    chain: list[tuple[Report, Section, int]] = []
    current = section_id
    while len(chain) < MAX_LINEAGE:
        row = session.execute(
            select(VersionLineage)
            .join(Version, Version.id == VersionLineage.version_id)
            .where(Version.section_id == current, Version.number == 1)
        ).scalar_one_or_none()
        if row is None:
            break
        report = present(
            session.get(Report, row.source_report_id), f"No report {row.source_report_id}."
        )
        section = present(
            session.get(Section, row.source_section_id), f"No section {row.source_section_id}."
        )
        chain.append((report, section, row.source_version))
        current = section.id
    return chain


def lineage_notes(
    session: Session, section_ids: Iterable[int], principal: Principal | None
) -> dict[int, str]:
    """A source note per derived section; a source the caller may not read is named
    only as "another report"."""
    notes: dict[int, str] = {}
    for section_id in section_ids:
        steps = [
            (f"{r.title} ({r.symbol})" if r.symbol else r.title)
            + f", {(s.label + ' ' + s.heading).strip()}, version {v}"
            if readable_by(r, principal)
            else "another report"
            for r, s, v in lineage(session, section_id)
        ]
        if steps:
            notes[section_id] = "Source: " + "; from ".join(steps)
    return notes
