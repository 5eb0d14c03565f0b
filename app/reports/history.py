"""The outline's history: every committed change to the outline's shape records an
`OutlineShape`, so the report can be read as it stood at any time (`nodes_at`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, inspect, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db import unit_of_work
from app.errors import BadRequest
from app.reports.models import OutlineShape, Report, Section, Version
from app.text.outline import Node

_SHAPE_FIELDS = ("parent_id", "position", "kind", "label", "heading", "removed_at")


def note_reshaped(session: Session, _context: object) -> None:
    """after_flush (installed by app/wiring.py): whatever the code path, a flushed change to
    a section's place or heading marks its report, and the transaction records the new shape
    before it commits."""
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Section) and (
            obj in session.new
            or any(inspect(obj).attrs[name].history.has_changes() for name in _SHAPE_FIELDS)
        ):
            unit_of_work(session).reshaped_reports.add(obj.report_id)


def record_shapes(session: Session) -> None:
    """before_commit (installed by app/wiring.py)."""
    work = unit_of_work(session)
    if not work.reshaped_reports:
        return
    session.flush()  # pending section changes first (they may mark more reports)
    reshaped, work.reshaped_reports = work.reshaped_reports, set()
    for report_id in sorted(reshaped):
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
    existed then), and each section at its latest version up to that time. A time still to
    come is refused: the report has not stood there yet (its text may still change)."""
    if at > utcnow():
        raise BadRequest(
            f"`at` ({at.isoformat()}) has not come yet: a report can be exported as it stood "
            "at a past moment; leave `at` out for its text as it stands now."
        )
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
