"""Reading what the outputs render: a report snapshot (reusing the exports' snapshot code for
`milestone=` and `at=`) and the amendment list as the caller may see it (Chatham House:
proposers are named to members only)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from app import visibility
from app.amendments.models import Amendment, AmendmentStatus, AmendmentStructure
from app.auth import Principal
from app.errors import NotFound
from app.groups.models import Group, Participant
from app.outputs.snapshot import (
    AmendmentEntry,
    AmendmentListSnapshot,
    ChangeOp,
    ReportSnapshot,
)
from app.reports import service as reports
from app.reports.models import Milestone, Report, ReportStatus, Version
from app.reports.section_texts import SectionTexts
from app.text import diffing
from app.text.edits import from_json
from app.text.markdown import join_heading
from app.text.outline import Node, Placed, order
from app.text.render import DocumentInfo
from app.text.structure_parts import parts

PUBLIC_NAME = "a participant"
# Unchanged text kept on each side of a change in an amendment's tracked change: enough to
# find the place, not the whole section.
CONTEXT_CHARS = 80


def report_snapshot(
    session: Session,
    report: Report,
    *,
    nodes: list[Node],
    caption: str | None,
    milestone_id: int | None,
    at: datetime | None,
    footnotes: Mapping[int, tuple[str, ...]] | None = None,
    omitted: Collection[int] = (),
) -> ReportSnapshot:
    """The facts every format prints, around the nodes the exports' snapshot code read;
    `footnotes`: by paragraph number (members' reservations); `omitted`: parts left out
    (app/reports/views.py), the others keeping the paragraph numbers of the whole report."""
    if milestone_id is not None:
        milestone = session.get(Milestone, milestone_id)
        date = milestone.created_at if milestone else report.updated_at
        version = f"milestone-{milestone_id}"
    elif at is not None:
        date, version = at, f"at-{at.strftime('%Y%m%dT%H%M%SZ')}"
    else:
        date, version = report.updated_at, f"r{report.revision}"
    return _snapshot(
        session,
        report,
        [p for p in order(nodes) if p.node.id not in omitted],
        caption=caption,
        date=date,
        version=version,
        footnotes=footnotes or {},
    )


def baseline(session: Session, report: Report, *, milestone_id: int) -> dict[int, str]:
    """Each section's text at a milestone of this report: what Word's tracked changes are
    shown against."""
    milestone = session.get(Milestone, milestone_id)
    if milestone is None or milestone.report_id != report.id:
        raise NotFound(f"No milestone {milestone_id} in report {report.id}.")
    nodes = reports.milestone_nodes(session, report=report, milestone_id=milestone_id)
    return {node.id: node.text or "" for node in nodes}


def _snapshot(
    session: Session,
    report: Report,
    sections: list[Placed],
    *,
    caption: str | None,
    date: datetime,
    version: str,
    footnotes: Mapping[int, tuple[str, ...]] | None = None,
) -> ReportSnapshot:
    group = session.get(Group, report.group_id)
    return ReportSnapshot(
        report_id=report.id,
        group_name=group.name if group else "",
        info=DocumentInfo(
            title=report.title,
            symbol=report.symbol,
            status=report.status.value,
            disclaimer=report.disclaimer if report.status == ReportStatus.drafting else None,
            caption=caption,
            footnotes=footnotes or {},
        ),
        sections=sections,
        stage=report.status.value,
        version=version,
        date=date,
        created=report.created_at,
    )


def amendment_list(
    session: Session,
    report: Report,
    *,
    principal: Principal | None,
    status: AmendmentStatus | None,
) -> AmendmentListSnapshot:
    # Not the proposed text nor the patch: the edits against the base say the change.
    query = select(
        Amendment.id,
        Amendment.section_id,
        Amendment.base_version,
        Amendment.edits,
        Amendment.instruction,
        Amendment.rationale,
        Amendment.kind,
        Amendment.status,
        Amendment.alternative_to_id,
        Amendment.proposer_id,
        Amendment.created_at,
        Amendment.structure,
    ).where(Amendment.report_id == report.id)
    if status is not None:
        query = query.where(Amendment.status == status)
    amendments = session.execute(query.order_by(Amendment.id)).all()
    bases = _base_texts(session, {(a.section_id, a.base_version) for a in amendments})
    labels = {
        n.id: join_heading(n.label, n.heading)
        for n in reports.current_nodes(session, report_id=report.id, with_text=False)
    }
    names: dict[int, str] = {}
    if visibility.is_attributed(principal):
        names = _names(session, {a.proposer_id for a in amendments})
    structural = structure_changes(session, [a.id for a in amendments if a.structure is not None])
    entries = [
        AmendmentEntry(
            id=a.id,
            section_label=labels.get(a.section_id, f"section {a.section_id} (removed)"),
            instruction=a.instruction,
            change=structural[a.id]
            if a.id in structural
            else tracked_change(bases.get((a.section_id, a.base_version), ""), a.edits),
            operation=a.structure,
            rationale=a.rationale,
            kind=a.kind.value,
            status=a.status.value,
            alternative_to=a.alternative_to_id,
            proposer=names.get(a.proposer_id, PUBLIC_NAME),
            proposed_at=a.created_at,
        )
        for a in amendments
    ]
    version = f"r{report.revision}"
    snapshot = _snapshot(session, report, [], caption=None, date=report.updated_at, version=version)
    return AmendmentListSnapshot(report=snapshot, amendments=entries)


def _base_texts(session: Session, bases: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    if not bases:
        return {}
    rows = session.execute(
        select(Version.section_id, Version.number, Version.text).where(
            tuple_(Version.section_id, Version.number).in_(bases)
        )
    )
    return {(row.section_id, row.number): row.text for row in rows}


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    rows = session.execute(select(Participant.id, Participant.name).where(Participant.id.in_(ids)))
    return dict(rows.tuples().all())


def structure_changes(session: Session, amendment_ids: list[int]) -> dict[int, list[ChangeOp]]:
    """Structural amendments as proposed (against their base, whatever happened since):
    each section they touch, titled, as tracked changes with moved text marked as moved."""
    out: dict[int, list[ChangeOp]] = {}
    if not amendment_ids:
        return out
    structures = session.scalars(
        select(AmendmentStructure).where(AmendmentStructure.amendment_id.in_(amendment_ids))
    )
    for structure in structures:
        base = {t["section_id"]: t["version"] for t in structure.touched}
        texts = SectionTexts(session, base=base)
        change: list[ChangeOp] = []
        for part in parts(structure.operation.value, structure.operands, structure.touched, texts):
            title = " ".join(w for w in (part.label, part.heading) if w) or "untitled"
            role = "" if part.role == "changed" else f" ({part.role})"
            if part.was:
                role = f" (was {part.was})"
            if change:
                change.append(ChangeOp(op="equal", text="\n"))
            change.append(ChangeOp(op="title", text=f"{title}{role}: "))
            change.extend(_collapsed(part.ops))
        out[structure.amendment_id] = change
    return out


def tracked_change(base_text: str, edits: list[list[Any]]) -> list[ChangeOp]:
    """The amendment's own edits against its base (no re-diffing), each unchanged run cut to
    CONTEXT_CHARS on the sides that touch a change, with "…" for what is left out."""
    ops = diffing.from_edits(base_text, from_json(edits)) if base_text else []
    return _collapsed(ops)


def _collapsed(ops: Sequence[tuple[str, str]]) -> list[ChangeOp]:
    out: list[ChangeOp] = []
    last = len(ops) - 1
    for index, (op, text) in enumerate(ops):
        if op == "equal":
            keep_head = 0 if index == 0 else CONTEXT_CHARS
            keep_tail = 0 if index == last else CONTEXT_CHARS
            if len(text) > keep_head + keep_tail + 1:
                head = text[:keep_head]
                tail = text[len(text) - keep_tail :]
                text = f"{head}…{tail}"
        out.append(ChangeOp(op=op, text=text))
    return out
