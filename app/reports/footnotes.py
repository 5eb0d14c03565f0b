"""Members' reservations as the exports print them: footnotes keyed by the paragraph each
is on today. An export is one document for every reader, so it follows the public rule of
`app/deliberation/reservations.py`: the member is named only if it chose attribution."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.deliberation.models import Reservation
from app.groups.models import Participant
from app.reports.anchoring import ParagraphAnchor, current_paragraphs


def reservation_notes(session: Session, *, report_id: int) -> dict[int, tuple[str, ...]]:
    standing = list(
        session.scalars(
            select(Reservation)
            .where(Reservation.report_id == report_id, Reservation.withdrawn_at.is_(None))
            .order_by(Reservation.id)
        )
    )
    if not standing:
        return {}
    named = {r.participant_id for r in standing if r.attributed}
    names = dict(
        session.execute(select(Participant.id, Participant.name).where(Participant.id.in_(named)))
        .tuples()
        .all()
    )
    where = current_paragraphs(
        session,
        report_id=report_id,
        anchored=[
            (r.id, ParagraphAnchor(r.section_id, r.anchor_version, r.anchor_start))
            for r in standing
        ],
    )
    notes: dict[int, list[str]] = defaultdict(list)
    for reservation in standing:
        paragraph = where[reservation.id].paragraph
        if paragraph is None:  # its section left the outline
            continue
        who = names.get(reservation.participant_id) if reservation.attributed else None
        lead = f"Reservation ({who})" if who else "Reservation"
        notes[paragraph].append(f"{lead}: {reservation.text}")
    return {number: tuple(found) for number, found in notes.items()}
