"""The projector the chair drives: what the wall shows in a session (the agenda, the list of
speakers, the report at a paragraph, the amendment on the floor, a tally, the amendment
list). The screen page follows it live: every change is a `projection.changed` event."""

from __future__ import annotations

from typing import Literal, get_args

from sqlalchemy.orm import Session

from app.amendments.models import Amendment
from app.auth import Principal
from app.errors import Unprocessable
from app.events.service import record_event
from app.groups.models import Role
from app.meetings.models import MeetingSession
from app.meetings.sessions import ensure_in_progress, lock_session

View = Literal["agenda", "speakers", "report", "floor", "tally", "amendments"]
VIEWS: tuple[str, ...] = get_args(View)


def project(
    session: Session,
    *,
    session_id: int,
    principal: Principal,
    view: View,
    paragraph: int | None,
    amendment_id: int | None,
) -> MeetingSession:
    report, sitting = lock_session(
        session, session_id=session_id, principal=principal, roles=[Role.chair]
    )
    ensure_in_progress(sitting, "Projecting")
    if paragraph is not None and view != "report":
        raise Unprocessable("A paragraph is projected with the report (view: report).")
    if amendment_id is not None:
        if view != "tally":
            raise Unprocessable("An amendment is named for its tally (view: tally).")
        amendment = session.get(Amendment, amendment_id)
        if amendment is None or amendment.report_id != report.id:
            raise Unprocessable(f"No amendment {amendment_id} on this report.")
    sitting.projection = view
    sitting.projection_paragraph = paragraph
    sitting.projection_amendment_id = amendment_id
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="projection.changed",
        actor_id=principal.participant_id,
        payload={
            "session_id": sitting.id,
            "view": view,
            "paragraph": paragraph,
            "amendment_id": amendment_id,
        },
    )
    return sitting
