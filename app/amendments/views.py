from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.amendments import service
from app.amendments.models import Amendment
from app.amendments.schemas import (
    Alternative,
    AmendmentRead,
    ConflictRead,
    ConsentAnswer,
    EditRead,
    Preview,
    Tally,
)
from app.auth import Principal
from app.reports.schemas import DiffOp
from app.reports.service import is_attributed
from app.text import diffing


def amendment_reads(
    session: Session, amendments: Sequence[Amendment], principal: Principal | None
) -> list[AmendmentRead]:
    attributed = is_attributed(principal)
    # Only an amendment that went to a consent round has voters and answers.
    states = service.round_states(
        session, [a.id for a in amendments if a.round_opened_at is not None]
    )
    out = []
    for amendment in amendments:
        state = states.get(amendment.id)
        tally = None
        if state is not None:
            tally = Tally(
                voters=len(state.voters),
                consented=state.consented,
                objected=state.objected,
                pending=len(state.pending),
                answers=[
                    ConsentAnswer(
                        participant_id=a.participant_id if attributed else None,
                        answer=a.answer,
                        reason=a.reason,
                        answered_at=a.created_at,
                    )
                    for a in state.answers
                ],
                pending_participant_ids=state.pending if attributed else [],
            )
        read = AmendmentRead.model_validate({**_columns(amendment), "tally": tally})
        if not attributed:
            read.proposer_id = None
        out.append(read)
    return out


def _columns(amendment: Amendment) -> dict[str, object]:
    return {c.key: getattr(amendment, c.key) for c in Amendment.__table__.columns}


def amendment_read(
    session: Session, amendment: Amendment, principal: Principal | None
) -> AmendmentRead:
    return amendment_reads(session, [amendment], principal)[0]


def preview(session: Session, amendment: Amendment, *, timeout: float) -> Preview:
    rebased = service.rebase(session, amendment, timeout=timeout)
    ops: diffing.Diff = []
    if rebased.text is not None:
        ops = diffing.diff(rebased.head.text, rebased.text, granularity="word", timeout=timeout)
    return Preview(
        amendment_id=amendment.id,
        base_version=rebased.base.number,
        head_version=rebased.head.number,
        applies=rebased.text is not None,
        text=rebased.text,
        ops=[DiffOp(op=op, text=text) for op, text in ops],
        html=diffing.to_html(ops, context=1) if ops else "",
        conflicts=[
            ConflictRead(
                proposal=EditRead.model_validate(service.edit_view(c.proposal, rebased.base.text)),
                head=EditRead.model_validate(service.edit_view(c.head, rebased.base.text)),
            )
            for c in rebased.clashes
        ],
    )


def alternatives(
    session: Session, amendment: Amendment, principal: Principal | None, *, timeout: float
) -> list[Alternative]:
    group = service.alternative_group(session, amendment)
    reads = amendment_reads(session, group, principal)
    return [
        Alternative(amendment=read, preview=preview(session, a, timeout=timeout))
        for a, read in zip(group, reads, strict=True)
    ]
