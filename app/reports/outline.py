"""The live outline: sections in order with their depth and continuous paragraph numbers
(DESIGN.md: "paragraphs are numbered continuously across the report"), and its cache."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Engine, Select, and_, bindparam, case, select
from sqlalchemy.orm import Session

from app.db import unit_of_work
from app.per_database import PerDatabase
from app.reports.models import Report, Section, Version
from app.text.markdown import MixedBreaks
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


def head_texts_after(
    session: Session, *, report_id: int, after: int
) -> dict[int, tuple[int, str | None]]:
    """Each live section's head version (its row id) and its text only where that row is
    newer than `after`, in one statement: what a reader holding every text up to `after`
    lacks. Row ids of one report's versions grow in commit order (a version is appended
    under the report's lock, `append_version`), so `after` names exactly the texts read."""
    rows = session.execute(
        select(
            Section.id,
            Version.id.label("version_id"),
            case((Version.id > after, Version.text), else_=None).label("text"),
        )
        .join(
            Version, and_(Version.section_id == Section.id, Version.number == Section.head_version)
        )
        .where(Section.report_id == report_id, Section.removed_at.is_(None))
    ).all()
    return {row.id: (row.version_id, row.text) for row in rows}


Kept = OrderedDict[tuple[int, str, int], list[Placed]]
_OUTLINES: PerDatabase[Kept] = PerDatabase(OrderedDict)
_OUTLINE_CACHE_SIZE = 256


def switch(bind: Engine | Connection, on: bool) -> None:
    """Setting `outline_cache` for the database `bind` reaches (create_app)."""
    _OUTLINES.switch(bind, on)


def outline(
    session: Session, *, report_id: int, report: Report | None = None, current: bool = False
) -> list[Placed]:
    """The placed outline (order, depth, paragraph numbers), cached per report state.

    Every change to a section (text, heading, place, removal) bumps its revision, and every
    write to a section row bumps its report's `outline_revision` (a trigger in the database),
    so with the report's creation time that counter names one exact outline, in this process
    or any other, and stays put while only amendments and consents move. `report`: the
    report's row, when the caller read it in this transaction; `current`: a writer's word
    that it read that row with the report's lock and has written nothing since."""
    work = unit_of_work(session)
    if report is not None and report.id == report_id and (work.snapshot_read or current):
        # A read transaction sees one snapshot, in which the row it read is current; a
        # writer's row may predate the trigger's bump by its own flush: it reads the counter,
        # unless it vouches that it wrote nothing since it read the row under the lock.
        created, revision = report.created_at, report.outline_revision
    else:
        state = session.execute(_outline_key_query(), {"report_id": report_id}).one()
        created, revision = state.created_at, state.outline_revision
    key = (report_id, str(created), int(revision))
    clean = not session.new and not session.dirty and not session.deleted
    kept = _OUTLINES.of(session.get_bind())
    cached = None if kept is None else kept.get(key)
    if cached is not None and kept is not None and clean:
        kept.move_to_end(key)
        return cached
    placed = order(current_nodes(session, report_id=report_id, with_text=False))
    # A writer's key may name its own uncommitted change, and after a rollback another change
    # would bump the counter to the same value: a writer keeps its outline once it commits,
    # and only when it holds the report's lock (no other writer moved the outline between
    # the key and the nodes, two statements in READ COMMITTED). A read keeps it at once.
    if kept is not None and work.snapshot_read:
        _keep(kept, key, placed)
    elif kept is not None and report_id in work.chain_heads:  # locked here (reports/access.py)
        work.after_commit.append(lambda: _keep(kept, key, placed))
    return placed


def _keep(kept: Kept, key: tuple[int, str, int], placed: list[Placed]) -> None:
    kept[key] = placed
    while len(kept) > _OUTLINE_CACHE_SIZE:
        kept.popitem(last=False)


@cache
def _outline_key_query() -> Select[datetime, int]:
    # Built once: every write that numbers paragraphs reads it.
    return select(Report.created_at, Report.outline_revision).where(
        Report.id == bindparam("report_id")
    )


def source_headings(session: Session, *, report_id: int) -> dict[int, str]:
    """Each imported section's heading line as written in its Markdown source."""
    rows = session.execute(
        select(Section.id, Section.source_heading).where(
            Section.report_id == report_id, Section.source_heading.is_not(None)
        )
    ).all()
    return {row.id: row.source_heading for row in rows}


def first_paragraph_of(
    session: Session, *, section: Section, report: Report | None = None, current: bool = False
) -> int | None:
    """`report`: the section's report, when the caller read it in this transaction
    (`current`: as `outline`'s)."""
    if section.removed_at is not None:
        return None
    wanted = section.id  # read once: an ORM attribute costs more than the scan's compare
    for placed in outline(session, report_id=section.report_id, report=report, current=current):
        if placed.node.id == wanted:
            return placed.first_paragraph
    return None


def mixed_breaks(
    session: Session, layout: dict[str, Any], placed: list[Placed]
) -> MixedBreaks | None:
    """For the source export of a file that mixed LF and CRLF (`text/line_breaks.py`):
    where each text had the other kind, and the texts as imported (version 1) of the
    sections changed since, to match their lines."""
    mixed = layout.get("mixed")
    if mixed is None:
        return None
    others = {int(key): places for key, places in mixed.items()}
    changed = [p.node.id for p in placed if p.node.version != 1 and p.node.id in others]
    imported: dict[int, str] = {}
    if changed:
        rows = session.execute(
            select(Version.section_id, Version.text).where(
                Version.section_id.in_(changed), Version.number == 1
            )
        ).all()
        imported = {row.section_id: row.text for row in rows}
    return MixedBreaks(others=others, imported=imported)
