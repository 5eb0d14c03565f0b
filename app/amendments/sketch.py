"""A proposal's dry run: the tracked change, instruction and suggested kind of a wording,
computed exactly as filing it would (`analysis.analyse`), and nothing written. A web client
shows these before the member files (issue 23).

Like every POST it takes Idempotency-Key and the write queue's turn; as for a proposal, the
diff runs before that (`prepare_sketch`, with no lock held), and the endpoint only checks the
caller may read the section and that the analysed base is still the one asked for."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from app.amendments.models import AmendmentKind
from app.amendments.schemas import ProposalSketch, SketchRead
from app.auth import CurrentPrincipal, Principal
from app.config import diff_timeout
from app.db import Database, SessionDep
from app.idempotency import IdempotentRoute, prepared_body, prepared_by, prepared_path_id
from app.reports import service as reports
from app.reports.models import Section
from app.reports.schemas import DiffOp
from app.schemas import IdPath
from app.text import offload
from app.text.analysis import Analysis, analyse
from app.text.diffing import from_edits, to_html

router = APIRouter(prefix="/v1", route_class=IdempotentRoute, tags=["amendments"])

_PREPARED = "prepared_sketch"


@dataclass(frozen=True)
class _Prepared:
    base_sha256: str
    text: str
    first_paragraph: int
    analysis: Analysis


async def prepare_sketch(request: Request) -> None:
    section_id = prepared_path_id(request, "section_id")
    if section_id is None or "authorization" not in request.headers:
        return
    body = await prepared_body(request, ProposalSketch)
    if body is None:
        return
    database: Database = request.app.state.database

    def read() -> tuple[str, str, int] | None:
        with database.session(write=False) as session:
            section = session.get(Section, section_id)
            if section is None or not 1 <= body.base_version <= section.head_version:
                return None
            base = reports.get_version(session, section=section, number=body.base_version)
            first = reports.first_paragraph_of(session, section=section) or 1
            return base.text, base.sha256, first

    found = await offload.run_async(read, size=0)
    if found is None:
        return
    base_text, base_sha256, first = found
    analysis = await offload.run_async(
        analyse,
        base_text,
        body.text,
        size=len(base_text) + len(body.text),
        first_paragraph=first,
        timeout=diff_timeout(request),
    )
    setattr(request.state, _PREPARED, _Prepared(base_sha256, body.text, first, analysis))


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
        prepared=getattr(request.state, _PREPARED, None),
    )


def sketch(
    session: Session,
    *,
    section_id: int,
    principal: Principal,
    base_version: int,
    text: str,
    timeout: float,
    prepared: _Prepared | None = None,
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
