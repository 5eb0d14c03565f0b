"""Lists of speakers: a participant asks for the floor (who may follows the session's kind,
app/visibility.py), withdraws; the chair gives the floor to the next (points of order first)
or to a named request, skips one, ends the current speech. Speaking time is shown."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import visibility
from app.auth import Principal
from app.clock import utcnow
from app.errors import Forbidden, InvalidState, NotFound
from app.events.service import record_event
from app.groups.models import Role
from app.meetings.models import MeetingSession, SpeakerRequest, SpeakerStatus
from app.meetings.sessions import EVERY_ROLE, ensure_in_progress, lock_session
from app.reports.models import Report

OPEN = (SpeakerStatus.waiting, SpeakerStatus.speaking)


def queue_of(session: Session, sitting: MeetingSession) -> list[SpeakerRequest]:
    """The list as the chair calls it: who speaks, then points of order, then the others,
    each in the order asked."""
    rows = session.scalars(
        select(SpeakerRequest)
        .where(SpeakerRequest.session_id == sitting.id, SpeakerRequest.status.in_(OPEN))
        .order_by(SpeakerRequest.id)
    )
    return sorted(
        rows,
        key=lambda r: (r.status != SpeakerStatus.speaking, not r.point_of_order, r.id),
    )


def ask_for_the_floor(
    session: Session, *, session_id: int, principal: Principal, point_of_order: bool
) -> SpeakerRequest:
    report, sitting = lock_session(
        session, session_id=session_id, principal=principal, roles=EVERY_ROLE
    )
    ensure_in_progress(sitting, "Asking for the floor")
    participant = principal.participant
    if participant is None or not visibility.may_ask_for_the_floor(sitting.kind, participant):
        raise Forbidden(
            f"In a {sitting.kind.value} session "
            + (
                "observers attend without the right to speak."
                if sitting.kind == "plenary"
                else "only those admitted to it ask for the floor."
            ),
            session_kind=sitting.kind.value,
        )
    mine = session.scalar(
        select(SpeakerRequest).where(
            SpeakerRequest.session_id == sitting.id,
            SpeakerRequest.participant_id == participant.id,
            SpeakerRequest.status == SpeakerStatus.waiting,
            SpeakerRequest.point_of_order.is_(point_of_order),
        )
    )
    if mine is not None:
        raise InvalidState("You are already on the list.", request_id=mine.id)
    request = SpeakerRequest(
        session_id=sitting.id,
        participant_id=participant.id,
        agenda_item_id=sitting.current_item_id,
        point_of_order=point_of_order,
        status=SpeakerStatus.waiting,
    )
    session.add(request)
    session.flush()
    _record(session, report, "speaker.requested", principal, request, point_of_order)
    return request


def _lock_request(
    session: Session, request_id: int, principal: Principal, roles: list[Role]
) -> tuple[Report, MeetingSession, SpeakerRequest]:
    request = session.get(SpeakerRequest, request_id)
    if request is None:
        raise NotFound(f"No request {request_id}.")
    report, sitting = lock_session(
        session, session_id=request.session_id, principal=principal, roles=roles
    )
    session.refresh(request)
    return report, sitting, request


def withdraw(session: Session, *, request_id: int, principal: Principal) -> SpeakerRequest:
    report, _, request = _lock_request(session, request_id, principal, EVERY_ROLE)
    if request.participant_id != principal.participant_id:
        raise Forbidden("Only the one who asked withdraws a request for the floor.")
    if request.status != SpeakerStatus.waiting:
        raise InvalidState(f"Request {request.id} is {request.status.value}.")
    request.status = SpeakerStatus.withdrawn
    request.ended_at = utcnow()
    session.flush()
    _record(session, report, "speaker.withdrawn", principal, request)
    return request


def _end_current(session: Session, report: Report, sitting: MeetingSession, p: Principal) -> None:
    for request in queue_of(session, sitting):
        if request.status == SpeakerStatus.speaking:
            request.status = SpeakerStatus.done
            request.ended_at = utcnow()
            session.flush()
            _record(session, report, "speaker.finished", p, request)


def give_floor(
    session: Session, *, session_id: int, principal: Principal, request_id: int | None
) -> SpeakerRequest:
    """The chair gives the floor to `request_id`, or to the head of the list (None); the
    one speaking yields."""
    report, sitting = lock_session(
        session, session_id=session_id, principal=principal, roles=[Role.chair]
    )
    ensure_in_progress(sitting, "Giving the floor")
    waiting = [r for r in queue_of(session, sitting) if r.status == SpeakerStatus.waiting]
    chosen = next((r for r in waiting if request_id in (None, r.id)), None)
    if chosen is None:
        raise InvalidState(
            "Nobody is waiting for the floor."
            if request_id is None
            else f"Request {request_id} is not waiting on this list."
        )
    _end_current(session, report, sitting, principal)
    chosen.status = SpeakerStatus.speaking
    chosen.started_at = utcnow()
    session.flush()
    _record(session, report, "speaker.given", principal, chosen)
    return chosen


def skip(session: Session, *, request_id: int, principal: Principal) -> SpeakerRequest:
    report, sitting, request = _lock_request(session, request_id, principal, [Role.chair])
    ensure_in_progress(sitting, "Skipping a speaker")
    if request.status != SpeakerStatus.waiting:
        raise InvalidState(f"Request {request.id} is {request.status.value}.")
    request.status = SpeakerStatus.skipped
    request.ended_at = utcnow()
    session.flush()
    _record(session, report, "speaker.skipped", principal, request)
    return request


def end_speech(session: Session, *, session_id: int, principal: Principal) -> MeetingSession:
    report, sitting = lock_session(
        session, session_id=session_id, principal=principal, roles=[Role.chair]
    )
    ensure_in_progress(sitting, "Ending a speech")
    _end_current(session, report, sitting, principal)
    return sitting


def _record(
    session: Session,
    report: Report,
    type: str,
    principal: Principal,
    request: SpeakerRequest,
    point_of_order: bool | None = None,
) -> None:
    payload: dict[str, object] = {"session_id": request.session_id, "request_id": request.id}
    if point_of_order is not None:
        payload["point_of_order"] = point_of_order
    record_event(
        session, report_id=report.id, type=type, actor_id=principal.participant_id, payload=payload
    )
