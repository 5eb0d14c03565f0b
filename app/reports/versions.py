"""Immutable section versions (DESIGN.md, "Version"): never updated or deleted, numbered
1, 2, 3 ... with their exact edits against the parent; `append_version` is the one way a
section gets a new one."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.auth import Principal
from app.errors import InvalidState, NotFound, StaleBase
from app.events.service import record_event
from app.pagination import page_query
from app.reports import stages
from app.reports.access import ensure_drafting, get_section, lock_report
from app.reports.models import Section, Version, VersionSource
from app.reports.open_points import carry_open_points
from app.text.edits import Edit, compute_edits
from app.text.edits import to_json as edits_json
from app.text.paragraphs import paragraph_count


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def new_version(
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


# Compare-and-set on the head, on the table (no ORM bulk update: the section's object is
# set below from what the row returns). Built once: every new version runs it.
_SECTION = cast(Table, Section.__table__)
_MOVE_HEAD = (
    update(_SECTION)
    .where(_SECTION.c.id == bindparam("section_id"), _SECTION.c.head_version == bindparam("head"))
    .values(head_version=bindparam("number"), revision=_SECTION.c.revision + 1)
    .returning(_SECTION.c.revision)
)


def append_version(
    session: Session,
    *,
    section: Section,
    text: str,
    author_id: int | None,
    source: VersionSource,
    edits: list[list[Any]],
    amendment_id: int | None = None,
    amendment_revision: int | None = None,
) -> Version:
    """The one way a section gets a new version; the caller holds the report lock.
    `edits`: exactly what changed from the head (see Version.edits). `amendment_revision`:
    the adopted amendment's draft revision, written with the row (not updated after it)."""
    number = section.head_version + 1
    version = new_version(section.id, number, text, author_id, source)
    version.amendment_id = amendment_id
    version.amendment_revision = amendment_revision
    version.edits = edits
    session.add(version)
    # Compare-and-set on the head: a writer that somehow missed the report lock still
    # cannot produce two versions with one number (the unique key backs this up).
    moved = session.execute(
        _MOVE_HEAD, {"section_id": section.id, "head": number - 1, "number": number}
    ).first()
    if moved is None:
        raise StaleBase(f"Section {section.id} moved on while this write was in flight.")
    # What the row now holds, without reading it again.
    set_committed_value(section, "head_version", number)
    set_committed_value(section, "revision", moved.revision)
    session.flush()
    carry_open_points(session, section=section, version=version)
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
        session,
        report_id=section.report_id,
        principal=principal,
        roles=stages.ANY_WRITER,
    )
    # Read under the lock: a part agreed meanwhile is closed to its drafting group.
    principal.ensure_role(report.group_id, stages.direct_writers(session, section_id, principal))
    ensure_drafting(report, "Editing text directly")
    session.refresh(section)
    stages.ensure_open_to_direct_edits(session, section.id)
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
    version = session.scalar(_version_query(), {"section_id": section.id, "number": number})
    if version is None:
        raise NotFound(f"Section {section.id} has no version {number}.")
    return version


@cache
def _version_query() -> Select[Version]:
    # Built once: every proposal and write reads its base (building costs as much as running).
    return select(Version).where(
        Version.section_id == bindparam("section_id"), Version.number == bindparam("number")
    )


def list_versions(
    session: Session, *, section: Section, after: int, limit: int
) -> tuple[list[Version], int | None]:
    query = select(Version).where(Version.section_id == section.id)
    return page_query(session, query, Version.number, after=after, limit=limit)
