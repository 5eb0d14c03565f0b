"""A proposal's dry run: the tracked change, instruction and suggested kind of a wording,
computed exactly as filing it would (`analysis.analyse`), and nothing written. A web client
shows these before the member files (issue 23).

Like every POST it takes Idempotency-Key and the write queue's turn; as for a proposal, the
diff runs before that (`prepare_sketch`, with no lock held), and the endpoint only checks the
caller may read the section and that the analysed base is still the one asked for."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from app.amendments import prepare
from app.amendments.models import AmendmentKind
from app.amendments.rebase import Prepared
from app.amendments.schemas import ProposalSketch, SketchRead
from app.auth import CurrentPrincipal, Principal
from app.config import diff_timeout
from app.db import SessionDep
from app.idempotency import IdempotentRoute, prepared_body, prepared_by, prepared_path_id
from app.reports import service as reports
from app.reports.schemas import DiffOp
from app.schemas import IdPath
from app.text import offload
from app.text.analysis import analyse
from app.text.diffing import from_edits, to_html

router = APIRouter(prefix="/v1", route_class=IdempotentRoute, tags=["amendments"])


async def prepare_sketch(request: Request) -> None:
    section_id = prepared_path_id(request, "section_id")
    if section_id is None or "authorization" not in request.headers:
        return
    body = await prepared_body(request, ProposalSketch)
    if body is not None:
        await prepare.analyse_wording(
            request,
            section_id=section_id,
            base_number=body.base_version,
            text=body.text,
            patch=None,
        )


@router.post("/sections/{section_id}/amendments/sketch", response_model=SketchRead)
@prepared_by(prepare_sketch)
def sketch_amendment(
    section_id: IdPath,
    body: ProposalSketch,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> SketchRead:
    """What proposing `text` against `base_version` would file (read-only: nothing is
    recorded, no event)."""
    return sketch(
        session,
        section_id=section_id,
        principal=principal,
        base_version=body.base_version,
        text=body.text,
        timeout=diff_timeout(request),
        prepared=prepare.prepared(request),
    )


def sketch(
    session: Session,
    *,
    section_id: int,
    principal: Principal,
    base_version: int,
    text: str,
    timeout: float,
    prepared: Prepared | None = None,
) -> SketchRead:
    section = reports.get_section(session, section_id=section_id, principal=principal)
    base = reports.get_version(session, section=section, number=base_version)
    first = reports.first_paragraph_of(session, section=section) or 1
    if (
        prepared is not None
        and prepared.base_sha256 == base.sha256
        and prepared.text == text
        and prepared.first_paragraph == first
    ):
        analysis = prepared.analysis
    else:
        size = len(base.text) + len(text)
        analysis = offload.run(
            analyse, base.text, text, size=size, first_paragraph=first, timeout=timeout
        )
    ops = from_edits(base.text, analysis.edits)
    return SketchRead(
        section_id=section.id,
        base_version=base_version,
        changes_nothing=not analysis.edits,
        suggested_kind=AmendmentKind(analysis.suggested_kind),
        instruction=analysis.instruction,
        ops=[DiffOp(op=op, text=chunk) for op, chunk in ops],
        html=to_html(ops),
    )
