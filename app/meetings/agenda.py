"""A session's agenda: ordered items, each pointing at a report part, the amendment list, a
consultation, a questionnaire or free text; the chair moves through it, and the current item
is on every screen (app/meetings/screen.py)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.consultations.models import Consultation
from app.errors import InvalidState, NotFound, Unprocessable
from app.events.service import record_event
from app.groups.models import Role
from app.meetings.models import AgendaItem, AgendaKind, MeetingSession, SessionKind
from app.meetings.sessions import ensure_in_progress, lock_session
from app.reports.models import Report, Section

AGENDA_WRITERS = [Role.chair, Role.secretariat]
TARGETED = frozenset({AgendaKind.report_part, AgendaKind.consultation, AgendaKind.questionnaire})


def _check_target(
    session: Session, report: Report, kind: AgendaKind, target_id: int | None
) -> None:
    if kind not in TARGETED:
        if target_id is not None:
            raise Unprocessable(f"An agenda item of kind {kind.value} points at nothing.")
        return
    if target_id is None:
        raise Unprocessable(f"An agenda item of kind {kind.value} needs its target_id.")
    if kind == AgendaKind.report_part:
        section = session.get(Section, target_id)
        if section is None or section.report_id != report.id or section.removed_at is not None:
            raise Unprocessable(f"No section {target_id} in this report.")
    elif kind == AgendaKind.consultation:
        consultation = session.get(Consultation, target_id)
        if consultation is None or consultation.report_id != report.id:
            raise Unprocessable(f"No consultation {target_id} on this report.")
    # A questionnaire is named by its id; its domain checks it when it reads the agenda.


def add_item(
    session: Session,
    *,
    session_id: int,
    principal: Principal,
    kind: AgendaKind,
    title: str,
    target_id: int | None,
    note: str,
) -> AgendaItem:
    """The chair or the secretariat adds an item at the end of a session's agenda."""
    report, sitting = lock_session(
        session, session_id=session_id, principal=principal, roles=AGENDA_WRITERS
    )
    if sitting.ended_at is not None:
        raise InvalidState(f"Session {sitting.id} has ended; its agenda is the record.")
    _check_target(session, report, kind, target_id)
    last = session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.session_id == sitting.id)
    )
    item = AgendaItem(
        session_id=sitting.id,
        position=(last or 0) + 1,
        kind=kind,
        title=title,
        target_id=target_id,
        note=note,
    )
    session.add(item)
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="agenda.item_added",
        actor_id=principal.participant_id,
        payload={
            "session_id": sitting.id,
            "item_id": item.id,
            "position": item.position,
            "kind": kind.value,
            # A closed session's agenda is not public: the event names no title.
            "title": None if sitting.kind == SessionKind.closed else title,
        },
    )
    return item


def items_of(session: Session, sitting: MeetingSession) -> list[AgendaItem]:
    return list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.session_id == sitting.id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def move_to(
    session: Session, *, session_id: int, principal: Principal, item_id: int | None
) -> MeetingSession:
    """The chair takes up an item (`item_id`), or the next one after the current (None)."""
    report, sitting = lock_session(
        session, session_id=session_id, principal=principal, roles=[Role.chair]
    )
    ensure_in_progress(sitting, "Moving through the agenda")
    items = items_of(session, sitting)
    if item_id is None:
        ids = [i.id for i in items]
        at = ids.index(sitting.current_item_id) + 1 if sitting.current_item_id in ids else 0
        if at >= len(items):
            raise InvalidState("The agenda has no next item.", session_id=sitting.id)
        item = items[at]
    else:
        found = next((i for i in items if i.id == item_id), None)
        if found is None:
            raise NotFound(f"No item {item_id} on the agenda of session {sitting.id}.")
        item = found
    sitting.current_item_id = item.id
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="agenda.current",
        actor_id=principal.participant_id,
        payload={"session_id": sitting.id, "item_id": item.id, "position": item.position},
    )
    return sitting


def move_item(
    session: Session, *, session_id: int, principal: Principal, item_id: int, position: int
) -> AgendaItem:
    """The chair or the secretariat moves an item to `position` (1 is the first); the others
    close up around it, so positions stay 1..n. The current item stays current wherever it
    lands."""
    report, sitting = lock_session(
        session, session_id=session_id, principal=principal, roles=AGENDA_WRITERS
    )
    if sitting.ended_at is not None:
        raise InvalidState(f"Session {sitting.id} has ended; its agenda is the record.")
    items = items_of(session, sitting)
    item = next((i for i in items if i.id == item_id), None)
    if item is None:
        raise NotFound(f"No item {item_id} on the agenda of session {sitting.id}.")
    if position > len(items):
        raise Unprocessable(
            f"The agenda of session {sitting.id} has {len(items)} items; "
            f"position {position} is past its end."
        )
    was = items.index(item) + 1
    items.remove(item)
    items.insert(position - 1, item)
    for number, each in enumerate(items, start=1):
        each.position = number
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="agenda.item_moved",
        actor_id=principal.participant_id,
        payload={
            "session_id": sitting.id,
            "item_id": item.id,
            "from_position": was,
            "position": position,
        },
    )
    return item
