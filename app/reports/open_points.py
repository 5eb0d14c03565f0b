"""Open points: brackets kept in a section's text (DESIGN.md, "Bracket").

A bracket is tracked by its span, carried through every later version's recorded edits
(`app/text/brackets.py`, `carry_bracket`): edits clear of the span move it; edits that reach
into it are looked at in the new text, where the point stays open if `[... / ...]` is still
there (an option's wording was fixed) and is resolved otherwise (an option was chosen or the
passage rewritten: removing a bracket is an amendment like any other). No text is searched
elsewhere, so a second bracket with the same words cannot be mistaken for this one.

While a point is open the report cannot be transmitted; the chair may record it as options
kept on purpose (the WGIG's four models), which are printed as brackets and do not block.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Exists, bindparam, select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.clock import utcnow
from app.errors import InvalidState, NotFound, OpenBrackets, present
from app.events.service import record_event
from app.groups.models import Role
from app.reports.access import ReportOf, ensure_not_transmitted, ensure_readable, lock_report
from app.reports.models import OpenPoint, OpenPointStatus, Report, Section, Version
from app.text.brackets import carry_bracket
from app.text.edits import from_json

STANDING = (OpenPointStatus.open, OpenPointStatus.kept)


def record_open_point(
    session: Session,
    *,
    section: Section,
    version: Version,
    span: tuple[int, int],
    options: list[tuple[int, str]],
    actor_id: int | None,
) -> OpenPoint:
    """The bracket at `span` of `version` (just appended): options as (amendment, wording)."""
    start, end = span
    point = OpenPoint(
        report_id=section.report_id,
        section_id=section.id,
        status=OpenPointStatus.open,
        created_version=version.number,
        version=version.number,
        start=start,
        end=end,
        text=version.text[start:end],
        options=[{"amendment_id": a, "text": t} for a, t in options],
    )
    session.add(point)
    session.flush()
    record_event(
        session,
        report_id=section.report_id,
        type="open_point.created",
        actor_id=actor_id,
        payload={
            "open_point_id": point.id,
            "section_id": section.id,
            "version": version.number,
            "amendment_ids": [a for a, _ in options],
        },
    )
    return point


# Built once: every new version of every section runs it (building a statement cost more
# than running it).
_STANDING = select(OpenPoint).where(
    OpenPoint.section_id == bindparam("section_id"), OpenPoint.status.in_(STANDING)
)


def standing_clause(section_id: ColumnElement[int]) -> Exists:
    """Whether the section has a standing bracket, as a column of another statement (an
    adoption reads it with the row it writes, and carries brackets only when there are)."""
    return (
        select(OpenPoint.id)
        .where(OpenPoint.section_id == section_id, OpenPoint.status.in_(STANDING))
        .exists()
    )


def carry_open_points(session: Session, *, section: Section, version: Version) -> None:
    """`version` was just appended to `section`: move its standing brackets along, and
    resolve each one its edits reached into."""
    standing = session.scalars(_STANDING, {"section_id": section.id}).all()
    edits = from_json(version.edits or [])
    for point in standing:
        if point.version != version.number - 1:  # recorded by this very version
            continue
        carried = carry_bracket(version.text, point.start, point.end, edits)
        if carried is not None:
            point.version, (point.start, point.end) = version.number, carried
            point.text = version.text[point.start : point.end]
            continue
        point.status = OpenPointStatus.resolved
        point.resolved_version = version.number
        point.resolved_at = utcnow()
        record_event(
            session,
            report_id=section.report_id,
            type="open_point.resolved",
            actor_id=version.author_id,
            payload={
                "open_point_id": point.id,
                "section_id": section.id,
                "version": version.number,
                "amendment_id": version.amendment_id,
            },
        )


def list_open_points(
    session: Session, *, report: Report, status: OpenPointStatus | None = None
) -> list[OpenPoint]:
    query = select(OpenPoint).where(OpenPoint.report_id == report.id)
    if status is not None:
        query = query.where(OpenPoint.status == status)
    return list(session.scalars(query.order_by(OpenPoint.id)))


def get_open_point(
    session: Session, *, open_point_id: int, principal: Principal | None
) -> OpenPoint:
    point = session.get(OpenPoint, open_point_id)
    if point is None:
        raise NotFound(f"No open point {open_point_id}.")
    report = present(session.get(Report, point.report_id), f"No report {point.report_id}.")
    ensure_readable(report, principal)
    return point


# The lock of an open point's report, built once (access.py, ReportOf).
_REPORT = ReportOf(OpenPoint.report_id, OpenPoint.id)


def keep_open_point(
    session: Session, *, open_point_id: int, principal: Principal, note: str
) -> OpenPoint:
    """The chair records the bracket as options kept on purpose: it no longer blocks."""
    report = lock_report(
        session,
        report_id=_REPORT(open_point_id),
        principal=principal,
        roles=[Role.chair],
        missing=f"No open point {open_point_id}.",
    )
    ensure_not_transmitted(report)
    point = present(
        session.get(OpenPoint, open_point_id, populate_existing=True),
        f"No open point {open_point_id}.",
    )
    if point.status != OpenPointStatus.open:
        raise InvalidState(
            f"Open point {point.id} is {point.status.value}, not open.",
            open_point_status=point.status.value,
        )
    point.status = OpenPointStatus.kept
    point.kept_at = utcnow()
    point.note = note
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="open_point.kept",
        actor_id=principal.participant_id,
        payload={"open_point_id": point.id, "section_id": point.section_id, "note": note},
    )
    return point


def ensure_no_open_points(session: Session, *, report: Report) -> None:
    """Transmission waits until every bracket is resolved or kept as options (409)."""
    still_open = list_open_points(session, report=report, status=OpenPointStatus.open)
    if still_open:
        raise OpenBrackets(
            f"Report {report.id} still holds {len(still_open)} open bracket(s): resolve each "
            "by an amendment, or record it as options kept on purpose.",
            open_points=[
                {"id": p.id, "section_id": p.section_id, "text": p.text} for p in still_open
            ],
        )
