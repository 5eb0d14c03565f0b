"""Reports, their outline, immutable section versions, milestones and snapshots."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ScalarSelect, and_, event, func, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.auth import Principal
from app.db import utcnow
from app.errors import (
    BadRequest,
    ConsentRulesFrozen,
    InvalidState,
    NotFound,
    ReportTransmitted,
    StaleBase,
    Unauthorized,
)
from app.etags import etag, require_match
from app.events.models import Event
from app.events.service import record_event
from app.groups.models import DRAFTING_ROLES, Role
from app.pagination import page_query
from app.reports.models import (
    DEFAULT_DISCLAIMER,
    Milestone,
    MilestoneEntry,
    MilestoneKind,
    OutlineShape,
    Report,
    ReportStatus,
    Section,
    SectionKind,
    Version,
    VersionSource,
)
from app.reports.read_cache import Grant
from app.reports.schemas import ReportUpdate
from app.text import markdown
from app.text.edits import Edit, compute_edits
from app.text.edits import to_json as edits_json
from app.text.outline import Node, Placed, order
from app.text.paragraphs import paragraph_count

ATTRIBUTED_ROLES = frozenset({Role.chair, Role.member, Role.secretariat})


def is_attributed(principal: Principal | None) -> bool:
    """Members see who did what; observers and the public see the Chatham House view."""
    return (
        principal is not None
        and not principal.public_reads
        and (principal.is_admin or principal.role in ATTRIBUTED_ROLES)
    )


def grant_of(principal: Principal) -> Grant:
    """What `principal` may read, for the read cache (its own group, or any as the admin)."""
    return Grant(
        is_admin=principal.is_admin,
        group_id=principal.group_id,
        attributed_role=principal.is_admin or principal.role in ATTRIBUTED_ROLES,
    )


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# --- access and state -------------------------------------------------------------------


def report_etag(session: Session, report: Report) -> str:
    """Covers the report's fields and its outline: every change to a report records an event."""
    seq = session.scalar(select(func.max(Event.seq)).where(Event.report_id == report.id)) or 0
    return etag("r", report.id, report.revision)[:-1] + f'.{seq}"'


def section_etag(session: Session, section: Section, *, first: int | None = None) -> str:
    """`first`: the section's first paragraph number, when the caller has it already."""
    if first is None:
        first = first_paragraph_of(session, section=section)
    return etag("s", section.id, section.revision)[:-1] + f'.{first or 0}"'


def require_report_match(session: Session, report: Report, if_match: str | None) -> None:
    require_match(
        if_match,
        report_etag(session, report),
        state={"status": report.status.value, "title": report.title, "revision": report.revision},
    )


def require_section_match(session: Session, section: Section, if_match: str | None) -> None:
    require_match(
        if_match,
        section_etag(session, section),
        state={
            "head_version": section.head_version,
            "label": section.label,
            "heading": section.heading,
            "parent_id": section.parent_id,
            "position": section.position,
            "removed": section.removed_at is not None,
        },
    )


def ensure_readable(report: Report, principal: Principal | None) -> None:
    """Members of the group read everything; anyone reads a public report (unattributed)."""
    if principal is not None and (principal.is_admin or principal.group_id == report.group_id):
        return
    if report.is_public:
        if principal is not None:
            principal.public_reads.add(report.id)
        return
    if principal is None:
        raise Unauthorized(
            "Send a token as 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    raise NotFound(f"No report {report.id}.")


def get_report(session: Session, *, report_id: int, principal: Principal | None) -> Report:
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound(f"No report {report_id}.")
    ensure_readable(report, principal)
    return report


def lock_report(
    session: Session,
    *,
    report_id: int | ScalarSelect[int],
    principal: Principal,
    roles: Iterable[Role],
    missing: str | None = None,
) -> Report:
    """Load a report for a write, holding its row lock until commit.

    Every write to a report takes this lock first, so writes to one report are serialised
    (the event chain, version numbers and consent tallies never race) and always lock in
    the same order (no deadlocks). `report_id` may be a subquery naming the report of the
    object written (one query, and that object is then read under the lock); `missing` is
    the 404's detail when nothing matches.
    """
    report = session.scalar(
        select(Report)
        .where(Report.id == report_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if report is None:
        raise NotFound(missing or f"No report {report_id}.")
    principal.ensure_role(report.group_id, roles)
    return report


def lock_section(
    session: Session, *, section_id: int, principal: Principal, roles: Iterable[Role]
) -> tuple[Report, Section]:
    """The section's report locked as above, and the section as it stands under that lock."""
    report = lock_report(
        session,
        report_id=select(Section.report_id).where(Section.id == section_id).scalar_subquery(),
        principal=principal,
        roles=roles,
        missing=f"No section {section_id}.",
    )
    section = session.get(Section, section_id, populate_existing=True)
    assert section is not None  # sections are never deleted
    return report, section


def ensure_not_transmitted(report: Report) -> None:
    if report.status == ReportStatus.transmitted:
        raise ReportTransmitted(
            f"Report {report.id} was transmitted on {report.transmitted_at:%Y-%m-%d}; "
            "it can no longer change.",
            report_id=report.id,
        )


def ensure_drafting(report: Report, action: str) -> None:
    ensure_not_transmitted(report)
    if report.status != ReportStatus.drafting:
        raise InvalidState(
            f"{action} is only possible while the report is drafting; it is {report.status}.",
            report_status=report.status.value,
        )


def get_section(session: Session, *, section_id: int, principal: Principal | None) -> Section:
    section = session.get(Section, section_id)
    if section is None:
        raise NotFound(f"No section {section_id}.")
    report = session.get(Report, section.report_id)
    assert report is not None
    ensure_readable(report, principal)
    return section


# --- reports ----------------------------------------------------------------------------


def create_report(
    session: Session,
    *,
    group_id: int,
    principal: Principal,
    title: str,
    symbol: str,
    disclaimer: str | None,
    silence_procedure: bool = False,
) -> Report:
    principal.ensure_role(group_id, DRAFTING_ROLES)
    report = Report(
        group_id=group_id,
        title=title,
        symbol=symbol,
        disclaimer=DEFAULT_DISCLAIMER if disclaimer is None else disclaimer,
        silence_procedure=silence_procedure,
    )
    session.add(report)
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="report.created",
        actor_id=principal.participant_id,
        payload={"title": title, "symbol": symbol},
    )
    return report


def import_report(
    session: Session,
    *,
    group_id: int,
    principal: Principal,
    source: str,
    title: str | None,
    symbol: str | None,
    disclaimer: str | None,
) -> Report:
    document = markdown.parse(source)
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
    report.source_layout = {"front": document.front, "newline": document.newline}
    count = 0
    level: list[tuple[int | None, list[markdown.ParsedSection]]] = [(None, document.sections)]
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
            session.add(
                _new_version(
                    section.id, 1, parsed.text, principal.participant_id, VersionSource.initial
                )
            )
            if parsed.children:
                next_level.append((section.id, parsed.children))
            count += 1
        level = next_level
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="report.imported",
        actor_id=principal.participant_id,
        payload={"sections": count},
    )
    return report


def list_reports(
    session: Session, *, group_id: int, principal: Principal, after: int, limit: int
) -> tuple[list[Report], int | None]:
    principal.ensure_in_group(group_id)
    query = select(Report).where(Report.group_id == group_id)
    return page_query(session, query, Report.id, after=after, limit=limit)


def set_public(
    session: Session, *, report_id: int, principal: Principal, public: bool, if_match: str | None
) -> Report:
    report = lock_report(session, report_id=report_id, principal=principal, roles=[Role.chair])
    require_report_match(session, report, if_match)
    if report.is_public != public:
        report.is_public = public
        session.flush()
        record_event(
            session,
            report_id=report.id,
            type="report.published" if public else "report.unpublished",
            actor_id=principal.participant_id,
            payload={},
        )
    return report


# What decides how consent works on an adopted report. The group adopted the report under
# these rules; changing them afterwards would let the chair turn a round that is lapsing into
# an adoption by silence (or the reverse) without the group. So they do not change at all
# after adoption, not even by unanimous consent: that round would itself run under the rule
# it is changing. (The editorial window and each round's deadline are fixed when they start
# and have no setter.) Every field of ReportUpdate is in exactly one of these two sets.
CONSENT_RULES = frozenset({"silence_procedure"})
EDITABLE_AFTER_ADOPTION = frozenset({"title", "symbol", "disclaimer"})


def ensure_consent_rules_kept(report: Report, values: dict[str, Any]) -> dict[str, Any]:
    """`values` without consent rules restated as they are; 409 if one would change after
    adoption. Nothing is written before this check."""
    if report.status == ReportStatus.drafting:
        return values
    changed = sorted(f for f in CONSENT_RULES & values.keys() if values[f] != getattr(report, f))
    if changed:
        raise ConsentRulesFrozen(
            f"Report {report.id} was adopted under its consent rules; "
            f"{', '.join(changed)} can no longer change.",
            report_id=report.id,
            fields=changed,
        )
    return {k: v for k, v in values.items() if k not in CONSENT_RULES}


def update_report(
    session: Session,
    *,
    report_id: int,
    principal: Principal,
    changes: ReportUpdate,
    if_match: str | None,
) -> Report:
    report = lock_report(session, report_id=report_id, principal=principal, roles=DRAFTING_ROLES)
    ensure_not_transmitted(report)
    require_report_match(session, report, if_match)
    values = {k: v for k, v in changes.model_dump(exclude_unset=True).items() if v is not None}
    values = ensure_consent_rules_kept(report, values)
    for field, value in values.items():
        setattr(report, field, value)
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="report.updated",
        actor_id=principal.participant_id,
        payload={"fields": sorted(values)},
    )
    return report


# --- outline ----------------------------------------------------------------------------


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


def _new_version(
    section_id: int,
    number: int,
    text: str,
    author_id: int | None,
    source: VersionSource,
) -> Version:
    return Version(
        section_id=section_id,
        number=number,
        text=text,
        sha256=sha256_text(text),
        paragraph_count=paragraph_count(text),
        source=source,
        author_id=author_id,
    )


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
    session.add(_new_version(section.id, 1, text, principal.participant_id, VersionSource.initial))
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


# --- versions ---------------------------------------------------------------------------


def append_version(
    session: Session,
    *,
    section: Section,
    text: str,
    author_id: int | None,
    source: VersionSource,
    edits: list[list[Any]],
    amendment_id: int | None = None,
) -> Version:
    """The one way a section gets a new version; the caller holds the report lock.
    `edits`: exactly what changed from the head (see Version.edits)."""
    number = section.head_version + 1
    version = _new_version(section.id, number, text, author_id, source)
    version.amendment_id = amendment_id
    version.edits = edits
    session.add(version)
    # Compare-and-set on the head: a writer that somehow missed the report lock still
    # cannot produce two versions with one number (the unique key backs this up).
    moved = session.execute(
        update(Section)
        .where(Section.id == section.id, Section.head_version == number - 1)
        .values(head_version=number, revision=Section.revision + 1)
        .returning(Section.revision)
        .execution_options(synchronize_session=False)
    ).first()
    if moved is None:
        raise StaleBase(f"Section {section.id} moved on while this write was in flight.")
    # What the row now holds, without reading it again.
    set_committed_value(section, "head_version", number)
    set_committed_value(section, "revision", moved.revision)
    session.flush()
    return version


def write_version(
    session: Session,
    *,
    section_id: int,
    principal: Principal,
    base_version: int,
    text: str,
    timeout: float,
    prepared: PreparedEdits | None = None,
) -> Version:
    """A direct edit. `prepared`: its edits, diffed before the transaction; used when they
    were made from the head it still names, else diffed here (bounded by `timeout`)."""
    section = get_section(session, section_id=section_id, principal=principal)
    report = lock_report(
        session, report_id=section.report_id, principal=principal, roles=DRAFTING_ROLES
    )
    ensure_drafting(report, "Editing text directly")
    session.refresh(section)
    if section.removed_at is not None:
        raise InvalidState(f"Section {section.id} has been removed.")
    head = get_version(session, section=section, number=section.head_version)
    if base_version != section.head_version:
        raise StaleBase(
            f"You edited version {base_version}, but the head of section {section.id} is "
            f"version {section.head_version}. Merge your change into the head and retry.",
            head_version=section.head_version,
            head={"number": head.number, "sha256": head.sha256, "text": head.text},
        )
    if prepared is not None and prepared.base_sha256 == head.sha256 and prepared.text == text:
        edits = prepared.edits
    else:
        edits = compute_edits(head.text, text, timeout=timeout)
    version = append_version(
        session,
        section=section,
        text=text,
        author_id=principal.participant_id,
        source=VersionSource.edit,
        edits=edits_json(edits),
    )
    record_event(
        session,
        report_id=report.id,
        type="version.created",
        actor_id=principal.participant_id,
        payload={
            "section_id": section.id,
            "number": version.number,
            "source": version.source.value,
            "sha256": version.sha256,
        },
    )
    return version


@dataclass(frozen=True)
class PreparedEdits:
    """A direct edit diffed before the transaction (see prepare.py)."""

    base_sha256: str
    text: str
    edits: list[Edit]


def get_version(session: Session, *, section: Section, number: int) -> Version:
    version = session.scalar(
        select(Version).where(Version.section_id == section.id, Version.number == number)
    )
    if version is None:
        raise NotFound(f"Section {section.id} has no version {number}.")
    return version


def list_versions(
    session: Session, *, section: Section, after: int, limit: int
) -> tuple[list[Version], int | None]:
    query = select(Version).where(Version.section_id == section.id)
    return page_query(session, query, Version.number, after=after, limit=limit)


# --- milestones and snapshots -----------------------------------------------------------


def create_milestone(
    session: Session,
    *,
    report: Report,
    name: str,
    kind: MilestoneKind,
    actor: Principal,
) -> Milestone:
    """Snapshot the live outline and heads; the caller holds the report lock."""
    milestone = Milestone(
        report_id=report.id, name=name, kind=kind, created_by_id=actor.participant_id
    )
    session.add(milestone)
    session.flush()
    for node in current_nodes(session, report_id=report.id, with_text=False):
        session.add(
            MilestoneEntry(
                milestone_id=milestone.id,
                section_id=node.id,
                parent_id=node.parent_id,
                position=node.position,
                kind=SectionKind(node.kind),
                label=node.label,
                heading=node.heading,
                version_number=node.version,
            )
        )
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="milestone.created",
        actor_id=actor.participant_id,
        payload={"milestone_id": milestone.id, "name": name, "kind": kind.value},
    )
    return milestone


def add_milestone(
    session: Session, *, report_id: int, principal: Principal, name: str
) -> Milestone:
    report = lock_report(session, report_id=report_id, principal=principal, roles=DRAFTING_ROLES)
    return create_milestone(
        session, report=report, name=name, kind=MilestoneKind.manual, actor=principal
    )


def get_milestone(
    session: Session, *, milestone_id: int, principal: Principal | None
) -> tuple[Milestone, list[MilestoneEntry]]:
    milestone = session.get(Milestone, milestone_id)
    if milestone is None:
        raise NotFound(f"No milestone {milestone_id}.")
    get_report(session, report_id=milestone.report_id, principal=principal)
    entries = list(
        session.scalars(select(MilestoneEntry).where(MilestoneEntry.milestone_id == milestone.id))
    )
    return milestone, entries


def list_milestones(
    session: Session, *, report: Report, after: int, limit: int
) -> tuple[list[Milestone], int | None]:
    query = select(Milestone).where(Milestone.report_id == report.id)
    return page_query(session, query, Milestone.id, after=after, limit=limit)


def milestone_nodes(session: Session, *, report: Report, milestone_id: int) -> list[Node]:
    rows = session.execute(
        select(MilestoneEntry, Version.text, Version.paragraph_count)
        .join(Milestone, Milestone.id == MilestoneEntry.milestone_id)
        .join(
            Version,
            and_(
                Version.section_id == MilestoneEntry.section_id,
                Version.number == MilestoneEntry.version_number,
            ),
        )
        .where(MilestoneEntry.milestone_id == milestone_id, Milestone.report_id == report.id)
    ).all()
    if not rows and session.get(Milestone, milestone_id) is None:
        raise NotFound(f"No milestone {milestone_id}.")
    return [
        Node(
            id=e.section_id,
            parent_id=e.parent_id,
            position=e.position,
            kind=e.kind.value,
            label=e.label,
            heading=e.heading,
            version=e.version_number,
            paragraph_count=count,
            text=text,
        )
        for e, text, count in rows
    ]


# --- the outline's history ---------------------------------------------------------------

_SHAPE_FIELDS = ("parent_id", "position", "kind", "label", "heading", "removed_at")
_RESHAPED = "plenary.reshaped_reports"


@event.listens_for(Session, "after_flush")
def _note_reshaped(session: Session, _context: object) -> None:
    """Whatever the code path, a flushed change to a section's place or heading marks its
    report, and the transaction records the new shape before it commits."""
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Section) and (
            obj in session.new
            or any(inspect(obj).attrs[name].history.has_changes() for name in _SHAPE_FIELDS)
        ):
            session.info.setdefault(_RESHAPED, set()).add(obj.report_id)


@event.listens_for(Session, "before_commit")
def _record_shapes(session: Session) -> None:
    reshaped: set[int] = session.info.pop(_RESHAPED, set())
    if not reshaped:
        return
    session.flush()  # pending section changes first
    for report_id in sorted(reshaped | session.info.pop(_RESHAPED, set())):
        live = session.scalars(
            select(Section)
            .where(Section.report_id == report_id, Section.removed_at.is_(None))
            .order_by(Section.id)
        )
        session.add(
            OutlineShape(
                report_id=report_id,
                sections=[
                    {
                        "id": s.id,
                        "parent_id": s.parent_id,
                        "position": s.position,
                        "kind": s.kind.value,
                        "label": s.label,
                        "heading": s.heading,
                    }
                    for s in live
                ],
            )
        )
    session.flush()


def nodes_at(session: Session, *, report: Report, at: datetime) -> list[Node]:
    """The report as it stood at `at`: the outline's shape then (reports older than outline
    shapes, before their first recorded change: today's shape, with each section that
    existed then), and each section at its latest version up to that time."""
    shape = session.scalar(
        select(OutlineShape)
        .where(OutlineShape.report_id == report.id, OutlineShape.created_at <= at)
        .order_by(OutlineShape.created_at.desc(), OutlineShape.id.desc())
        .limit(1)
    )
    if shape is not None:
        return _nodes_in_shape(session, shape=shape, at=at)
    latest = (
        select(Version.section_id, func.max(Version.number).label("number"))
        .join(Section, Section.id == Version.section_id)
        .where(Section.report_id == report.id, Version.created_at <= at)
        .group_by(Version.section_id)
        .subquery()
    )
    rows = session.execute(
        select(Section, Version.number, Version.text, Version.paragraph_count)
        .join(latest, latest.c.section_id == Section.id)
        .join(Version, and_(Version.section_id == Section.id, Version.number == latest.c.number))
        .where(
            Section.report_id == report.id,
            Section.created_at <= at,
            (Section.removed_at.is_(None)) | (Section.removed_at > at),
        )
    ).all()
    return [
        Node(
            id=s.id,
            parent_id=s.parent_id,
            position=s.position,
            kind=s.kind.value,
            label=s.label,
            heading=s.heading,
            version=number,
            paragraph_count=count,
            text=text,
        )
        for s, number, text, count in rows
    ]


def _nodes_in_shape(session: Session, *, shape: OutlineShape, at: datetime) -> list[Node]:
    placed = {entry["id"]: entry for entry in shape.sections}
    if not placed:
        return []
    latest = (
        select(Version.section_id, func.max(Version.number).label("number"))
        .where(Version.section_id.in_(placed), Version.created_at <= at)
        .group_by(Version.section_id)
        .subquery()
    )
    rows = session.execute(
        select(Version.section_id, Version.number, Version.text, Version.paragraph_count).join(
            latest,
            and_(Version.section_id == latest.c.section_id, Version.number == latest.c.number),
        )
    ).all()
    return [
        Node(
            id=section_id,
            parent_id=placed[section_id]["parent_id"],
            position=placed[section_id]["position"],
            kind=placed[section_id]["kind"],
            label=placed[section_id]["label"],
            heading=placed[section_id]["heading"],
            version=number,
            paragraph_count=count,
            text=text,
        )
        for section_id, number, text, count in rows
    ]
