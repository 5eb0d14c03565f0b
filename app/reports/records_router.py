"""Milestones, exports and comparisons of a report: the report as it stood at a moment."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from app.auth import (
    CurrentPrincipal,
    OptionalPrincipal,
    Principal,
)
from app.config import diff_timeout
from app.db import SessionDep
from app.errors import BadRequest
from app.idempotency import IdempotentRoute
from app.outputs import formats
from app.pagination import DEFAULT_PAGE, After, Limit, link_next
from app.reports import service, views
from app.reports.certified import CERTIFIED_HEADER, ExportAsked, certified
from app.reports.models import Report, ReportStatus
from app.reports.schemas import (
    MilestoneCreate,
    MilestonePage,
    MilestoneRead,
    ReportComparison,
)
from app.reports.views import ExportFormat
from app.schemas import MAX_ID, IdPath, Moment

router = APIRouter(prefix="/v1", route_class=IdempotentRoute, tags=["reports"])

EXPORT_MEDIA = {
    "markdown": "text/markdown; charset=utf-8",
    "source": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "text": "text/plain; charset=utf-8",
    **formats.MEDIA,
}


@router.post(
    "/reports/{report_id}/milestones",
    response_model=MilestoneRead,
    status_code=status.HTTP_201_CREATED,
)
def create_milestone(
    report_id: IdPath,
    body: MilestoneCreate,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> MilestoneRead:
    milestone = service.add_milestone(
        session, report_id=report_id, principal=principal, name=body.name
    )
    response.headers["Location"] = f"/v1/milestones/{milestone.id}"
    return views.milestone_read(session, milestone.id, principal)


@router.get("/reports/{report_id}/milestones", response_model=MilestonePage)
def list_milestones(
    report_id: IdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: OptionalPrincipal,
    after: After = 0,
    limit: Limit = DEFAULT_PAGE,
) -> MilestonePage:
    report = service.get_report(session, report_id=report_id, principal=principal)
    found, next_cursor = service.list_milestones(session, report=report, after=after, limit=limit)
    link_next(request, response, next_cursor)
    return MilestonePage(
        items=[views.milestone_read(session, m.id, principal) for m in found], next=next_cursor
    )


@router.get("/milestones/{milestone_id}", response_model=MilestoneRead)
def get_milestone(
    milestone_id: IdPath, session: SessionDep, principal: OptionalPrincipal
) -> MilestoneRead:
    return views.milestone_read(session, milestone_id, principal)


LineNumbers = Annotated[bool, Query(description="`pdf` only: number the lines of each page")]
ChangesSince = Annotated[
    int | None,
    Query(
        ge=1,
        le=MAX_ID,
        description="`docx` only: show the changes since this milestone as Word tracked changes",
    ),
]
Lineage = Annotated[
    bool, Query(description="Note under each derived part where its text came from (issue 20)")
]
CERTIFIED = (
    "After transmission: `true` when these bytes are the ones the certificate's seal lists "
    "(the default export, or the transmission milestone's, in a sealed format, with no "
    "`line_numbers`, `changes_since` or `lineage`); `false` for any other export, which no "
    "certificate covers. Absent before transmission"
)


FormatQuery = Annotated[
    ExportFormat,
    Query(
        description="`source`: an imported Markdown file as it came, byte for byte, with "
        "today's text (while drafting, the disclaimer is in the `Plenary-Disclaimer` "
        "header: the file has no place for it); `akn`: Akoma Ntoso 3.0 XML; `docx`: Word; "
        "`pdf`: for printing"
    ),
]
MilestoneQuery = Annotated[
    int | None,
    Query(
        ge=1,
        le=MAX_ID,
        description="Export as at this milestone (not with `at`: 400). Default: the text "
        "as it stands, and once the report is transmitted, its transmission milestone "
        "(the certified text)",
    ),
]
AtQuery = Annotated[
    Moment | None,
    Query(
        description="Export as it stood at this past time (RFC 3339; a time to come, or "
        "with `milestone`: 400)"
    ),
]


EXPORT_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report rendered with numbered paragraphs",
        "content": {
            m.split(";")[0]: {
                "schema": {"type": "string"}
                if m.startswith("text/")
                else {"type": "string", "format": "binary"}
            }
            for m in EXPORT_MEDIA.values()
        },
        "headers": {
            CERTIFIED_HEADER: {
                "description": CERTIFIED,
                "schema": {"type": "string", "enum": ["true", "false"]},
            }
        },
    },
    400: {"description": "Both `milestone` and `at` given, or `at` still to come"},
}


@router.get(
    "/reports/{report_id}/export",
    response_class=Response,
    responses=EXPORT_ANSWERS,
)
def export_report(
    report_id: IdPath,
    session: SessionDep,
    principal: OptionalPrincipal,
    format: FormatQuery = "markdown",
    milestone: MilestoneQuery = None,
    at: AtQuery = None,
    line_numbers: LineNumbers = False,
    changes_since: ChangesSince = None,
    lineage: Lineage = False,
) -> Response:
    report = service.get_report(session, report_id=report_id, principal=principal)
    asked = ExportAsked(format, milestone, at, line_numbers, changes_since, lineage)
    body = views.export_pieces(
        session,
        report,
        format=format,
        milestone_id=milestone,
        at=_aware(at),
        line_numbers=line_numbers,
        changes_since=changes_since,
        principal=principal,
        lineage=lineage,
    )
    headers = _export_headers(report, format)
    sealed = certified(session, report, asked, principal)
    if sealed is not None:
        headers[CERTIFIED_HEADER] = "true" if sealed else "false"
    if isinstance(body, str | bytes):
        return Response(content=body, media_type=EXPORT_MEDIA[format], headers=headers)
    # Rendered while it is sent, in the threadpool: the report is never held whole twice.
    return StreamingResponse(
        views.encoded_chunks(body), media_type=EXPORT_MEDIA[format], headers=headers
    )


def _export_headers(report: Report, format: ExportFormat) -> dict[str, str]:
    headers = {}
    if format in formats.MEDIA:
        headers.update(formats.attachment(f"report-{report.id}", format))
    if format == "source" and report.status == ReportStatus.drafting and report.disclaimer:
        headers["Plenary-Disclaimer"] = quote(report.disclaimer)
    return headers


@router.get("/reports/{report_id}/compare", response_model=ReportComparison)
def compare_report(
    report_id: IdPath,
    request: Request,
    session: SessionDep,
    principal: OptionalPrincipal,
    from_milestone: Annotated[int, Query(ge=1, le=MAX_ID, description="Milestone to compare from")],
    to_milestone: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Default: the current text")
    ] = None,
    granularity: Literal["char", "word"] = "word",
    context: Annotated[int | None, Query(ge=0, le=100)] = 1,
) -> ReportComparison:
    report = service.get_report(session, report_id=report_id, principal=principal)
    return views.compare(
        session,
        report,
        from_milestone=from_milestone,
        to_milestone=to_milestone,
        granularity=granularity,
        context=context,
        timeout=diff_timeout(request),
        principal=principal,
    )


def _aware(at: datetime | None) -> datetime | None:
    if at is not None and at.tzinfo is None:
        raise BadRequest("`at` needs a timezone, e.g. 2005-06-18T01:30:00Z.")
    return at


__all__ = ["Principal", "router"]
