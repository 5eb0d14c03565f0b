"""`GET /v1/groups/{id}/timeline`: the group's year (app/events/timeline.py), as JSON or as
a Markdown document."""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Query, Request, Response

from app.auth import OptionalPrincipal
from app.db import SessionDep
from app.errors import Unprocessable
from app.events.timeline import Timeline, markdown, timeline
from app.idempotency import IdempotentRoute
from app.schemas import IdPath, StorableQuery

router = APIRouter(prefix="/v1", route_class=IdempotentRoute, tags=["events"])


@router.get(
    "/groups/{group_id}/timeline",
    response_model=Timeline,
    responses={200: {"content": {"text/markdown": {}}}},
)
def group_timeline(
    group_id: IdPath,
    request: Request,
    session: SessionDep,
    principal: OptionalPrincipal,
    format: Annotated[Literal["json", "markdown"], Query()] = "json",
    tz: Annotated[
        str, Query(max_length=64, description="Time zone of the Markdown"), StorableQuery
    ] = "UTC",
) -> Timeline | Response:
    """Meetings and sessions, postings, comment periods, questionnaires, milestones and
    decisions of the group, oldest first, with links (what the caller may read)."""
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise Unprocessable(f"Unknown time zone {tz!r}.", field="tz") from error
    found = timeline(session, group_id=group_id, principal=principal)
    if format == "markdown":
        base = str(request.base_url).rstrip("/")
        text = markdown(found, zone=zone, base_url=base)
        return Response(text, media_type="text/markdown; charset=utf-8")
    return found
