"""A proposal's dry run: the tracked change, instruction and suggested kind of a wording,
computed exactly as filing it would (`analysis.analyse`), and nothing written. A web client
shows these before the member files (issue 23)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from app.amendments.models import AmendmentKind
from app.amendments.schemas import ProposalSketch, SketchRead
from app.auth import CurrentPrincipal, Principal
from app.db import SessionDep
from app.idempotency import IdempotentRoute
from app.reports import service as reports
from app.reports.schemas import DiffOp
from app.schemas import IdPath
from app.text import offload
from app.text.analysis import analyse
from app.text.diffing import from_edits, to_html

# Every POST of the API takes Idempotency-Key (a retried sketch simply answers the same).
router = APIRouter(prefix="/v1", route_class=IdempotentRoute, tags=["amendments"])


@router.post("/sections/{section_id}/amendments/sketch", response_model=SketchRead)
def sketch_amendment(
    section_id: IdPath,
    body: ProposalSketch,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> SketchRead:
    """What proposing `text` against `base_version` would file (read-only: nothing is
    recorded, no event, no lock)."""
    timeout = float(request.app.state.settings.diff_timeout_seconds)
    return sketch(
        session,
        section_id=section_id,
        principal=principal,
        base_version=body.base_version,
        text=body.text,
        timeout=timeout,
    )


def sketch(
    session: Session,
    *,
    section_id: int,
    principal: Principal,
    base_version: int,
    text: str,
    timeout: float,
) -> SketchRead:
    section = reports.get_section(session, section_id=section_id, principal=principal)
    base = reports.get_version(session, section=section, number=base_version)
    first = reports.first_paragraph_of(session, section=section) or 1
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
