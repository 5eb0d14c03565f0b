"""Reservations: a voting member's short note on a paragraph ("reserves its position on
paragraph 12"), printed as a footnote in the exports.

Attribution is the member's choice, recorded with the reservation. The group (chair,
members, secretariat) always sees who made it, as it sees every name; everyone else, and
every export, names the member only if it chose attribution: a reservation is a statement
for the record, and the member waives the Chatham House rule for it by choosing so. The
report has no rule of its own that overrides the member (none is needed: an unattributed
reservation names nobody anywhere outside the group)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.clock import utcnow
from app.deliberation.models import Reservation
from app.deliberation.schemas import ReservationCreate
from app.errors import Forbidden, InvalidState, NotFound, present
from app.events.service import record_event
from app.groups.models import VOTING_ROLES
from app.reports import service as reports
from app.reports.models import Report


def record_reservation(
    session: Session, *, section_id: int, principal: Principal, body: ReservationCreate
) -> Reservation:
    report, section = reports.lock_section(
        session, section_id=section_id, principal=principal, roles=VOTING_ROLES
    )
    reports.ensure_not_transmitted(report)
    if section.removed_at is not None:
        raise InvalidState(f"Section {section.id} was removed from the outline.")
    anchor = reports.fix_paragraph(session, section=section, paragraph=body.paragraph)
    participant_id = principal.acting().id
    reservation = Reservation(
        report_id=report.id,
        section_id=section.id,
        paragraph=body.paragraph,
        anchor_version=anchor.version,
        anchor_start=anchor.start,
        participant_id=participant_id,
        text=body.text,
        attributed=body.attributed,
    )
    session.add(reservation)
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="reservation.recorded",
        actor_id=participant_id,
        payload={
            "reservation_id": reservation.id,
            "section_id": section.id,
            "paragraph": body.paragraph,
            "attributed": body.attributed,
        },
    )
    return reservation


# The lock of a reservation's report, built once (app/reports/access.py, ReportOf).
_REPORT = reports.ReportOf(Reservation.report_id, Reservation.id)


def withdraw_reservation(
    session: Session, *, reservation_id: int, principal: Principal
) -> Reservation:
    """Only the member who made a reservation withdraws it."""
    report = reports.lock_report(
        session,
        report_id=_REPORT(reservation_id),
        principal=principal,
        roles=VOTING_ROLES,
        missing=f"No reservation {reservation_id}.",
    )
    reports.ensure_not_transmitted(report)
    reservation = present(
        session.get(Reservation, reservation_id, populate_existing=True),
        f"No reservation {reservation_id}.",
    )
    if reservation.participant_id != principal.participant_id:
        raise Forbidden("Only the member who made a reservation withdraws it.")
    if reservation.withdrawn_at is not None:
        raise InvalidState(f"Reservation {reservation.id} is already withdrawn.")
    reservation.withdrawn_at = utcnow()
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="reservation.withdrawn",
        actor_id=principal.participant_id,
        payload={"reservation_id": reservation.id, "section_id": reservation.section_id},
    )
    return reservation


def get_reservation(
    session: Session, *, reservation_id: int, principal: Principal | None
) -> Reservation:
    found = session.get(Reservation, reservation_id)
    if found is None:
        raise NotFound(f"No reservation {reservation_id}.")
    reports.get_report(session, report_id=found.report_id, principal=principal)
    return found


def list_reservations(
    session: Session, *, report: Report, include_withdrawn: bool
) -> list[Reservation]:
    query = select(Reservation).where(Reservation.report_id == report.id)
    if not include_withdrawn:
        query = query.where(Reservation.withdrawn_at.is_(None))
    return list(session.scalars(query.order_by(Reservation.id)))
