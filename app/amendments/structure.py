"""Proposing a structural amendment (issue 32): insert, delete, move, split, merge or rename
sections, or change text across neighbouring sections, as ONE amendment.

The model: an ordinary `amendment` row, decided like any other (the floor while drafting;
after adoption an editorial notice or a consent round, `open_round`), plus one
`amendment_structure` row holding the operation, its operands and its base (the outline
revision and each touched section's version). The amendment row names the first section it
touches (`section_id`, `base_version`), records no text edits of its own, and keeps as
`proposed_text` the canonical wording of the operation (JSON, sorted keys): the exact thing
voters sign (`wording_sha256`). Checking and carrying it onto today's report:
`structure_check.py`; applying it: `structure_apply.py`, called by `applying.py`.
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.amendments.actions import check_deadline, ensure_window_open, instruction_payload, record
from app.amendments.models import (
    OPEN_STATUSES,
    Amendment,
    AmendmentKind,
    AmendmentStructure,
    StructureOperation,
)
from app.amendments.proposals import notice_end, reminder_time
from app.amendments.queries import group_root
from app.amendments.rounds import open_round
from app.amendments.settling import settle_due
from app.amendments.structure_check import check
from app.amendments.structure_operands import Built, build
from app.amendments.structure_schemas import StructureCreate
from app.auth import Principal
from app.errors import Forbidden, InvalidState, NotFound, Unprocessable
from app.groups.models import PROPOSING_ROLES
from app.reports import service as reports
from app.reports.models import Report, ReportStatus


def propose_structure(
    session: Session,
    *,
    report_id: int,
    principal: Principal,
    body: StructureCreate,
    timeout: float,
) -> Amendment:
    """Propose against the outline as it stands (and, for a text change across sections or
    a split, the section versions named); 409 if it no longer carries onto today's texts."""
    report = reports.lock_report(
        session, report_id=report_id, principal=principal, roles=PROPOSING_ROLES
    )
    settle_due(session, report=report)
    _check_proposal(report, principal, body.kind, body)
    built = build(session, report, body, timeout=timeout)
    root = _alternative_root(session, report, built.anchor_id, body.alternative_to)
    operation = StructureOperation(body.operation)
    amendment = Amendment(
        report_id=report.id,
        section_id=built.anchor_id,
        base_version=built.anchor_version,
        proposed_text=wording(operation, built),
        patch="",
        edits=[],
        structure=operation.value,
        alternative_to_id=root,
        proposer_id=principal.participant_id,
        rationale=body.rationale,
        kind=body.kind,
        suggested_kind=AmendmentKind(built.suggested_kind),
        instruction=built.instruction,
        consent_deadline=body.consent_deadline,
        remind_at=reminder_time(
            body.consent_deadline,
            None if body.remind_before is None else timedelta(seconds=body.remind_before),
        ),
    )
    session.add(amendment)
    session.flush()
    structure = AmendmentStructure(
        amendment_id=amendment.id,
        report_id=report.id,
        operation=operation,
        base_outline_revision=report.outline_revision,
        operands=built.operands,
        touched=built.touched,
    )
    session.add(structure)
    session.flush()
    check(session, structure, proposing=True)  # an older base must carry onto the head now
    _announce(session, report, amendment, structure, built)
    return amendment


def _announce(
    session: Session,
    report: Report,
    amendment: Amendment,
    structure: AmendmentStructure,
    built: Built,
) -> None:
    """Its event; after adoption, its notice (editorial) or consent round (substantive)."""
    record(
        session,
        report,
        "amendment.structure_proposed",
        amendment.proposer_id,
        amendment_id=amendment.id,
        section_id=amendment.section_id,
        operation=structure.operation.value,
        section_ids=sorted(_named_sections(built)),
        outline_revision=structure.base_outline_revision,
        kind=amendment.kind.value,
        **instruction_payload(amendment.instruction),
    )
    if report.status == ReportStatus.adopted:
        editorial = amendment.kind == AmendmentKind.editorial
        deadline = notice_end(report) if editorial else amendment.consent_deadline
        open_round(session, report=report, amendment=amendment, deadline=deadline)


def wording(operation: StructureOperation, built: Built) -> str:
    """What voters sign: the operation, its operands, its base and any proposed texts."""
    document = {
        "operation": operation.value,
        "operands": built.operands,
        "base": [[t["section_id"], t["version"]] for t in built.touched],
        "texts": built.texts,
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _named_sections(built: Built) -> set[int]:
    found = {built.anchor_id, *(t["section_id"] for t in built.touched)}
    for key in (
        "section_id",
        "to_section_id",
        "parent_id",
        "after_id",
        "before_id",
        "first_id",
        "second_id",
    ):
        value = built.operands.get(key)
        if isinstance(value, int):
            found.add(value)
    return found


def _check_proposal(
    report: Report, principal: Principal, kind: AmendmentKind, body: StructureCreate
) -> None:
    reports.ensure_not_transmitted(report)
    if principal.participant is None or not principal.participant.active:
        raise Forbidden("Only an active participant may propose amendments.")
    check_deadline(body.consent_deadline)
    if report.status == ReportStatus.adopted and kind == AmendmentKind.editorial:
        ensure_window_open(report)
        notice_end(report)


def _alternative_root(
    session: Session, report: Report, anchor_id: int, alternative_to: int | None
) -> int | None:
    """An alternative joins the group of the open amendment it answers, which must act on
    the same first section (as text alternatives amend the same section)."""
    if alternative_to is None:
        return None
    target = session.get(Amendment, alternative_to)
    if target is None or target.report_id != report.id:
        raise NotFound(f"No amendment {alternative_to} in this report.")
    if target.section_id != anchor_id:
        raise Unprocessable(
            f"An alternative must act on the same section: amendment {alternative_to} acts on "
            f"section {target.section_id}, this one first on section {anchor_id}."
        )
    if target.status not in OPEN_STATUSES and not target.is_round_open:
        raise InvalidState(f"Amendment {alternative_to} is already {target.status.value}.")
    return group_root(target)


def structures_of(session: Session, amendment_ids: list[int]) -> dict[int, AmendmentStructure]:
    """The structure rows of these amendments (one read; none when the list is empty)."""
    if not amendment_ids:
        return {}
    rows = session.scalars(
        select(AmendmentStructure).where(AmendmentStructure.amendment_id.in_(amendment_ids))
    )
    return {row.amendment_id: row for row in rows}
