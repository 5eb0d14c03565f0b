from __future__ import annotations

from collections.abc import Sequence

from fastapi import Response
from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from app.amendments import service
from app.amendments.models import Amendment, AmendmentKind, DraftRevision
from app.amendments.rebase import conflict_views, patch_of, rebase
from app.amendments.schemas import (
    PUBLIC_VIEWS,
    Alternative,
    AmendmentRead,
    ConflictRead,
    DraftRevisionRead,
    DraftRevisionSummary,
    Preview,
)
from app.amendments.structure_preview import structure_parts
from app.amendments.structure_schemas import StructurePart
from app.auth import Principal
from app.errors import present
from app.reports import service as reports
from app.reports.models import Section
from app.reports.schemas import DiffOp, SectionDiff
from app.signatures import round_id, wording_sha256
from app.text import diffing
from app.text.edits import apply_edits
from app.text.structure_parts import parts_html
from app.visibility import is_attributed, redacted


def amendment_reads(
    session: Session, amendments: Sequence[Amendment], principal: Principal | None
) -> list[AmendmentRead]:
    attributed = is_attributed(principal)
    # Only an amendment that went to a consent round has voters and answers.
    states = service.round_states(
        session, [a.id for a in amendments if a.round_opened_at is not None]
    )
    structures = service.structures_of(
        session, [a.id for a in amendments if a.structure is not None]
    )
    out = []
    for amendment in amendments:
        state = states.get(amendment.id)
        tally = None if state is None else _tally(amendment, state)
        columns = _columns(session, amendment)
        columns["structure"] = structures.get(amendment.id)
        read = AmendmentRead.model_validate({**columns, "tally": tally})
        out.append(read if attributed else redacted(read, PUBLIC_VIEWS))
    return out


def _tally(amendment: Amendment, state: service.RoundState) -> dict[str, object]:
    """A `Tally`, as the values it is validated from with the amendment's read (one pass of
    validation over every voter's answer, not a model made per answer first)."""
    return {
        "voters": len(state.voters),
        "consented": state.consented,
        "stood_aside": state.stood_aside,
        "objected": state.objected,
        "withdrawn": state.withdrawn,
        "pending": len(state.pending),
        "round_open": amendment.is_round_open,
        "answers": [
            {
                "id": a.id,
                "participant_id": a.participant_id,
                "token_id": a.token_id,
                "answer": a.answer,
                "reason": a.reason,
                "answered_at": a.answered_at,
                "changed": a.revision > 1,
                "signature": a.signature,
                "signing_key_id": a.signing_key_id,
            }
            for a in state.answers
        ],
        "pending_participant_ids": state.pending,
    }


def _columns(session: Session, amendment: Amendment) -> dict[str, object]:
    columns = {c.key: getattr(amendment, c.key) for c in Amendment.__table__.columns}
    columns["patch"] = patch_of(session, amendment)
    opened = amendment.round_opened_at
    columns["round"] = None if opened is None else round_id(opened)
    columns["wording_sha256"] = wording_sha256(amendment.proposed_text)
    columns["notice"] = amendment.is_notice
    columns["kind_disputed"] = (
        amendment.kind != amendment.suggested_kind == AmendmentKind.substantive
    )
    return columns


def amendment_read(
    session: Session, amendment: Amendment, principal: Principal | None
) -> AmendmentRead:
    return amendment_reads(session, [amendment], principal)[0]


def write_answer(
    session: Session, amendment: Amendment, principal: Principal, response: Response
) -> AmendmentRead:
    """Every write's answer: the amendment as the caller sees it, with its new ETag."""
    response.headers["ETag"] = service.amendment_etag(session, amendment)
    return amendment_read(session, amendment, principal)


_AMENDMENT_JSON = TypeAdapter(AmendmentRead)


def encoded(read: AmendmentRead, response: Response, *, status_code: int) -> Response:
    """`read` as the route's JSON answer, made in the endpoint's own thread: the same bytes as
    FastAPI's serialisation of its `response_model`, without the thread hop FastAPI takes to
    check a sync endpoint's return value (`read` is built from the model, checked already),
    with the headers the endpoint set on `response`."""
    answer = Response(
        _AMENDMENT_JSON.dump_json(read, by_alias=True),
        status_code=status_code,
        media_type="application/json",
    )
    answer.headers.raw.extend(response.headers.raw)
    return answer


def preview(session: Session, amendment: Amendment) -> Preview:
    if amendment.structure is not None:
        return structure_preview(session, amendment)
    section = present(
        session.get(Section, amendment.section_id), f"No section {amendment.section_id}."
    )
    rebased = rebase(session, amendment, section=section)
    head = reports.get_version(session, section=section, number=rebased.head_version)
    text: str | None = None
    ops: diffing.Diff = []
    conflicts: list[ConflictRead] = []
    if rebased.edits is not None:
        text = apply_edits(head.text, rebased.edits)
        ops = diffing.from_edits(head.text, rebased.edits)
    else:
        base = reports.get_version(session, section=section, number=rebased.base_version)
        conflicts = [
            ConflictRead.model_validate(view)
            for view in conflict_views(session, section=section, base=base, clashes=rebased.clashes)
        ]
    return Preview(
        amendment_id=amendment.id,
        base_version=rebased.base_version,
        head_version=rebased.head_version,
        applies=rebased.applies,
        text=text,
        ops=[DiffOp(op=op, text=chunk) for op, chunk in ops],
        html=diffing.to_html(ops, context=1) if ops else "",
        conflicts=conflicts,
    )


def structure_preview(session: Session, amendment: Amendment) -> Preview:
    """A structural amendment's sections as it would leave them today; when it no longer
    applies, as it was proposed (against its base) with `applies` false."""
    structure = present(
        service.structures_of(session, [amendment.id]).get(amendment.id),
        f"Amendment {amendment.id} has no structure.",
    )
    parts = structure_parts(session, structure, current=True)
    applies = parts is not None
    if parts is None:
        parts = structure_parts(session, structure, current=False) or []
    section = session.get(Section, amendment.section_id)
    head = amendment.base_version if section is None else section.head_version
    return Preview(
        amendment_id=amendment.id,
        base_version=amendment.base_version,
        head_version=head,
        applies=applies,
        text=None,
        ops=[],
        html=parts_html(parts),
        conflicts=[],
        parts=[
            StructurePart.model_validate(
                {**vars(part), "ops": [{"op": op, "text": text} for op, text in part.ops]}
            )
            for part in parts
        ],
    )


def alternatives(
    session: Session, amendment: Amendment, principal: Principal | None
) -> list[Alternative]:
    group = service.alternative_group(session, amendment)
    reads = amendment_reads(session, group, principal)
    return [
        Alternative(amendment=read, preview=preview(session, a))
        for a, read in zip(group, reads, strict=True)
    ]


def revision_summaries(
    revisions: Sequence[DraftRevision], principal: Principal | None
) -> list[DraftRevisionSummary]:
    reads = [
        DraftRevisionSummary(number=r.number, author_id=r.author_id, created_at=r.created_at)
        for r in revisions
    ]
    return reads if is_attributed(principal) else [redacted(r, PUBLIC_VIEWS) for r in reads]


def revision_read(revision: DraftRevision, principal: Principal | None) -> DraftRevisionRead:
    read = DraftRevisionRead(
        number=revision.number,
        author_id=revision.author_id,
        created_at=revision.created_at,
        text=revision.text,
    )
    return read if is_attributed(principal) else redacted(read, PUBLIC_VIEWS)


def revision_diff(
    amendment: Amendment, before: DraftRevision, after: DraftRevision, *, timeout: float
) -> SectionDiff:
    """What changed between two draft revisions (word level)."""
    ops = diffing.diff(before.text, after.text, granularity="word", timeout=timeout)
    counts = diffing.stats(ops)
    return SectionDiff(
        section_id=amendment.section_id,
        from_version=before.number,
        to_version=after.number,
        granularity="word",
        inserted_chars=counts["inserted_chars"],
        deleted_chars=counts["deleted_chars"],
        ops=[DiffOp(op=op, text=text) for op, text in ops],
        html=diffing.to_html(ops, context=1),
    )
