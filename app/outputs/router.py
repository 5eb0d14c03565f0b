"""The amendment list in Akoma Ntoso or Word, and a report imported from Word. (The report
itself in every format is `GET /v1/reports/{id}/export`, in the reports router.)"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from app.amendments.models import AmendmentStatus
from app.auth import CurrentPrincipal, OptionalPrincipal
from app.db import SessionDep
from app.errors import AppError, PayloadTooLarge, Unprocessable
from app.groups.models import DRAFTING_ROLES
from app.idempotency import IdempotentRoute
from app.outputs import formats
from app.outputs import service as outputs
from app.outputs.docx import ImportedDocument, TooLarge, docx_to_markdown
from app.preparing import prepared_by
from app.reports import service as reports
from app.reports import views as report_views
from app.reports.prepare import IMPORTERS
from app.reports.schemas import MAX_TEXT, ReportRead
from app.schemas import IdPath, StorableQuery
from app.text import offload

router = APIRouter(prefix="/v1", route_class=IdempotentRoute, tags=["outputs"])


@router.get(
    "/reports/{report_id}/amendments/export",
    response_class=Response,
    responses={
        200: {
            "description": "The amendment list: each amendment's heading, instruction, tracked "
            "change, justification and status; alternatives point to the amendment they are "
            "an alternative to",
            "content": {
                formats.MEDIA[f]: {"schema": {"type": "string", "format": "binary"}}
                for f in ("akn", "docx")
            },
        }
    },
)
def export_amendments(
    report_id: IdPath,
    session: SessionDep,
    principal: OptionalPrincipal,
    format: Annotated[
        formats.AmendmentListFormat,
        Query(description="`akn`: an Akoma Ntoso `amendmentList`; `docx`: a Word table"),
    ] = "akn",
    status: AmendmentStatus | None = None,
) -> Response:
    """Proposers are named to members; observers and the public read "a participant"."""
    report = reports.get_report(session, report_id=report_id, principal=principal)
    snapshot = outputs.amendment_list(session, report, principal=principal, status=status)
    return Response(
        content=formats.render_amendments(format, snapshot),
        media_type=formats.MEDIA[format],
        headers=formats.attachment(f"report-{report.id}-amendments", format),
    )


# How long a Word file may take to read, in the worker process: its size is bounded by the
# body limit, but not what it unpacks to (paragraphs by the hundred thousand).
DOCX_READ_SECONDS = 20.0


Title = Annotated[str | None, Query(min_length=1, max_length=500), StorableQuery]
Symbol = Annotated[str | None, Query(max_length=100), StorableQuery]


async def _read_docx(request: Request, body: bytes) -> ImportedDocument:
    try:
        imported = await offload.run_bounded(docx_to_markdown, body, seconds=DOCX_READ_SECONDS)
    except TooLarge as error:
        raise PayloadTooLarge(str(error)) from error
    except offload.TookTooLong as error:
        raise PayloadTooLarge(
            f"The document took longer than {DOCX_READ_SECONDS:g} s to read ({error}); split "
            "it, or import it as Markdown."
        ) from error
    except ValueError as error:
        raise Unprocessable(str(error)) from error
    if len(imported.markdown) > MAX_TEXT * 2:
        raise PayloadTooLarge(f"The document's text is longer than {MAX_TEXT * 2} characters.")
    return imported


async def prepare_docx(request: Request) -> None:
    """The prepare step of a Word import (`prepared_by`: before the write gate and the
    request's transaction, so no other write waits on the file): only for a caller who may
    import into this group (`reports.prepare.IMPORTERS`), then read in a process of its own,
    bounded in time."""
    try:
        request.state.imported_docx = await _read_docx(request, await request.body())
    except AppError as refused:  # told after the request's own checks (its parameters)
        request.state.imported_docx = refused


async def _imported_docx(
    request: Request,
    group_id: IdPath,
    principal: CurrentPrincipal,
    title: Title = None,
    symbol: Symbol = None,
) -> ImportedDocument:
    """The Word file as its prepare step read it (who first, then what), or read here when
    no prepare step ran. `title` and `symbol`, when given, replace the document's own."""
    principal.ensure_role(group_id, DRAFTING_ROLES)
    imported: ImportedDocument | AppError | None = getattr(request.state, "imported_docx", None)
    if isinstance(imported, AppError):
        raise imported
    if imported is None:
        imported = await _read_docx(request, await request.body())
    return replace(
        imported,
        title=title if title is not None else imported.title,
        symbol=symbol if symbol is not None else imported.symbol,
    )


@router.post(
    "/groups/{group_id}/reports/import/docx",
    response_model=ReportRead,
    status_code=status.HTTP_201_CREATED,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {formats.DOCX_MEDIA: {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
@prepared_by(prepare_docx, IMPORTERS)
def import_docx_report(
    group_id: IdPath,
    imported: Annotated[ImportedDocument, Depends(_imported_docx)],
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
) -> ReportRead:
    """The Word file is the request body, as it is (`curl --data-binary @report.docx`).
    Headings 1-3 become the outline (as `#`..`###` in the Markdown import: `Box ...` boxes,
    `Annex ...` annexes), the paragraphs under each its version 1; the Title, Subtitle and
    Disclaimer paragraphs give the title, symbol and disclaimer unless given here. Only the
    chair or the secretariat: anyone else gets 403 before the file is read."""
    report = reports.import_report(
        session,
        group_id=group_id,
        principal=principal,
        source=imported.markdown,
        title=imported.title,
        symbol=imported.symbol,
        disclaimer=imported.disclaimer,
    )
    response.headers["ETag"] = reports.report_etag(session, report)
    response.headers["Location"] = f"/v1/reports/{report.id}"
    return report_views.report_read(session, report)
