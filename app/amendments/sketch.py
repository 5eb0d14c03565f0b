"""A proposal's dry run: the tracked change, instruction and suggested kind of a wording,
computed exactly as filing it would (`analysis.analyse`), and nothing written. A web client
shows these before the member files (issue 23).

Like every POST it takes Idempotency-Key and the write queue's turn; as for a proposal, the
diff runs before that (`prepare.new_wording_step`, with no lock held), and the endpoint only
checks the caller may read the section and that the analysed base is still the one asked
for."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from app.amendments import prepare
from app.amendments.actions import first_paragraph
from app.amendments.models import AmendmentKind
from app.amendments.rebase import Prepared, wording_of
from app.amendments.schemas import ProposalSketch, SketchRead
from app.auth import CurrentPrincipal, Principal
from app.config import diff_timeout
from app.db import SessionDep
from app.idempotency import IdempotentRoute
from app.preparing import prepared_by
from app.reports import service as reports
from app.reports.schemas import DiffOp
from app.schemas import IdPath
from app.text.diffing import from_edits, to_html

router = APIRouter(prefix="/v1", route_class=IdempotentRoute, tags=["amendments"])


@router.post("/sections/{section_id}/amendments/sketch", response_model=SketchRead)
@prepared_by(prepare.new_wording_step(ProposalSketch), prepare.SKETCHERS, checks_itself=True)
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
    first = first_paragraph(session, section, base)
    analysis = wording_of(base, text, first_paragraph=first, timeout=timeout, prepared=prepared)
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
