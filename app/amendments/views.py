from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.amendments import service
from app.amendments.models import Amendment
from app.amendments.rebase import conflict_views, rebase
from app.amendments.schemas import (
    Alternative,
    AmendmentRead,
    ConflictRead,
    ConsentAnswer,
    Preview,
    Tally,
)
from app.auth import Principal
from app.reports import service as reports
from app.reports.models import Section
from app.reports.schemas import DiffOp
from app.reports.service import is_attributed
from app.text import diffing
from app.text.edits import apply_edits


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
                        token_id=a.token_id if attributed else None,
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


def preview(session: Session, amendment: Amendment) -> Preview:
    section = session.get(Section, amendment.section_id)
    assert section is not None
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


def alternatives(
    session: Session, amendment: Amendment, principal: Principal | None
) -> list[Alternative]:
    group = service.alternative_group(session, amendment)
    reads = amendment_reads(session, group, principal)
    return [
        Alternative(amendment=read, preview=preview(session, a))
        for a, read in zip(group, reads, strict=True)
    ]
