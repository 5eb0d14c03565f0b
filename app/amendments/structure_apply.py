"""Applying a structural amendment: in the transaction that marks it adopted, the outline
change (through `app/reports/outline_ops.py`, the functions the direct section routes use)
and exactly the new versions it implies (through `append_version`), once. The report's
outline then has one new shape (`app/reports/history.py` records it at commit)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.amendments.actions import clear_floor, record
from app.amendments.models import Amendment, AmendmentStatus, AmendmentStructure
from app.amendments.models import StructureOperation as Op
from app.amendments.structure_check import Plan, check
from app.clock import utcnow
from app.reports import service as reports
from app.reports.models import Report, Section, SectionKind, VersionSource
from app.text.edits import Edit, apply_edits
from app.text.edits import to_json as edits_json
from app.text.structure_instructions import JOINT


@dataclass
class Applied:
    versions: list[tuple[int, int, str]] = field(default_factory=list)  # section, number, sha
    changed: list[Section] = field(default_factory=list)  # whose text changed
    added: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    moved: list[int] = field(default_factory=list)
    renamed: list[int] = field(default_factory=list)


class _Run:
    def __init__(
        self, session: Session, report: Report, amendment: Amendment, structure: AmendmentStructure
    ) -> None:
        self.session = session
        self.report = report
        self.amendment = amendment
        self.ops = structure.operands
        self.structure = structure
        self.applied = Applied()

    def section(self, section_id: int) -> Section:
        section = self.session.get(Section, section_id)
        if section is None:  # checked live by `check` just before
            raise LookupError(section_id)
        return section

    def new_text(self, section: Section, edits: list[Edit]) -> None:
        """The section's next version: its head with `edits` (head coordinates) applied."""
        head = reports.get_version(self.session, section=section, number=section.head_version)
        first = not self.applied.versions
        version = reports.append_version(
            self.session,
            section=section,
            text=apply_edits(head.text, edits),
            author_id=self.amendment.proposer_id,
            source=VersionSource.amendment,
            edits=edits_json(edits),
            # A version names at most one amendment and an amendment one version: the first.
            amendment_id=self.amendment.id if first else None,
            amendment_revision=self.amendment.draft_revision if first else None,
        )
        if first and section.id == self.amendment.section_id:
            self.amendment.resulting_version = version.number
        self.applied.versions.append((section.id, version.number, version.sha256))
        self.applied.changed.append(section)

    def insert(self, *, parent_id: int | None, index: int, text: str) -> Section:
        section, _ = reports.insert_section(
            self.session,
            self.report,
            parent_id=parent_id,
            index=index,
            kind=SectionKind(self.ops["kind"]),
            label=self.ops["label"],
            heading=self.ops["heading"],
            text=text,
            author_id=self.amendment.proposer_id,
            source=VersionSource.amendment,
        )
        self.applied.added.append(section.id)
        self.applied.versions.append((section.id, 1, reports.sha256_text(text)))
        return section

    def index_after(self, parent_id: int | None, after_id: int | None, without: int) -> int:
        if after_id is None:
            return 0
        order = [
            s.id
            for s in reports.siblings(self.session, report_id=self.report.id, parent_id=parent_id)
            if s.id != without
        ]
        return order.index(after_id) + 1


def apply_structure(
    session: Session,
    *,
    report: Report,
    amendment: Amendment,
    structure: AmendmentStructure,
    actor_id: int | None,
) -> Applied:
    """Adopt: the outline change and its versions, or a 409 (the caller holds the lock)."""
    plan = check(session, structure)
    run = _Run(session, report, amendment, structure)
    _APPLY[structure.operation](run, plan)
    applied = run.applied
    amendment.status = AmendmentStatus.adopted
    amendment.decided_at = utcnow()
    structure.result = {
        "versions": [[s, n] for s, n, _ in applied.versions],
        "added": applied.added,
        "removed": applied.removed,
        "moved": applied.moved,
        "renamed": applied.renamed,
    }
    clear_floor(session, amendment)
    session.flush()
    record(
        session,
        report,
        "amendment.structure_adopted",
        actor_id,
        amendment_id=amendment.id,
        section_id=amendment.section_id,
        operation=structure.operation.value,
        versions=[{"section_id": s, "version": n, "sha256": h} for s, n, h in applied.versions],
        added=applied.added,
        removed=applied.removed,
        moved=applied.moved,
        renamed=applied.renamed,
    )
    return applied


def _insert(run: _Run, plan: Plan) -> None:
    parent_id = run.ops["parent_id"]
    index = run.index_after(parent_id, run.ops["after_id"], without=0)
    run.insert(parent_id=parent_id, index=index, text=run.ops["text"])


def _delete(run: _Run, plan: Plan) -> None:
    section = run.section(run.ops["section_id"])
    run.applied.removed.extend(reports.remove_subtree(run.session, run.report, section))


def _move(run: _Run, plan: Plan) -> None:
    section = run.section(run.ops["section_id"])
    parent_id = run.ops["parent_id"]
    index = run.index_after(parent_id, run.ops["after_id"], without=section.id)
    reports.place_section(run.session, run.report, section, parent_id=parent_id, index=index)
    run.applied.moved.append(section.id)


def _split(run: _Run, plan: Plan) -> None:
    section = run.section(run.ops["section_id"])
    (joint,) = plan.carried[section.id]
    head = reports.get_version(run.session, section=section, number=section.head_version)
    rest = head.text[joint.end :]
    run.new_text(section, [Edit(joint.start, len(head.text), "")])
    run.insert(parent_id=section.parent_id, index=section.position + 1, text=rest)


def _merge(run: _Run, plan: Plan) -> None:
    first = run.section(run.ops["first_id"])
    second = run.section(run.ops["second_id"])
    own = reports.get_version(run.session, section=first, number=first.head_version).text
    joined = reports.get_version(run.session, section=second, number=second.head_version).text
    run.new_text(first, [Edit(len(own), len(own), JOINT + joined)])
    for child in reports.siblings(run.session, report_id=run.report.id, parent_id=second.id):
        reports.place_section(run.session, run.report, child, parent_id=first.id, index=1 << 30)
        run.applied.moved.append(child.id)
    run.applied.removed.extend(reports.remove_subtree(run.session, run.report, second))
    if reports.rename_section(
        first, kind=None, label=run.ops.get("label"), heading=run.ops.get("heading")
    ):
        run.applied.renamed.append(first.id)


def _rename(run: _Run, plan: Plan) -> None:
    section = run.section(run.ops["section_id"])
    kind = run.ops.get("kind")
    changed = reports.rename_section(
        section,
        kind=None if kind is None else SectionKind(kind),
        label=run.ops.get("label"),
        heading=run.ops.get("heading"),
    )
    if changed:
        run.applied.renamed.append(section.id)


def _span(run: _Run, plan: Plan) -> None:
    for entry in run.structure.touched:
        section = run.section(entry["section_id"])
        if plan.carried[section.id]:
            run.new_text(section, plan.carried[section.id])


def _move_paragraphs(run: _Run, plan: Plan) -> None:
    """The run leaves its place and is inserted at the carried point (one version when it
    moves within its section, else one in each)."""
    source = run.section(run.ops["section_id"])
    target = run.section(run.ops["to_section_id"])
    inserted = run.ops["text"]
    if source.id == target.id:
        edits = [
            Edit(e.start, e.end, inserted if e.start == e.end else "")
            for e in plan.carried[source.id]
        ]
        run.new_text(source, edits)
        return
    run.new_text(source, plan.carried[source.id])
    (point,) = plan.carried[target.id]
    run.new_text(target, [Edit(point.start, point.end, inserted)])


_APPLY: dict[Op, Callable[[_Run, Plan], None]] = {
    Op.insert: _insert,
    Op.delete: _delete,
    Op.move: _move,
    Op.split_section: _split,
    Op.merge: _merge,
    Op.rename: _rename,
    Op.span: _span,
    Op.move_paragraphs: _move_paragraphs,
}
