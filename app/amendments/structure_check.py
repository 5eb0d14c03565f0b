"""Whether a structural amendment still applies, and what it carries onto today's texts.

Recorded once against its base (the outline it was proposed on, each touched section at the
version it read), a structural amendment is carried forward by what changed since, never
re-diffed and never guessed (DESIGN.md, "Rebase"):

- its outline operation must still make sense where it was proposed: its sections live, a
  moved or deleted section still where it was, the place it inserts into still the same gap
  between the same two neighbours, merged sections still neighbours, a renamed heading
  still the one it renamed. Otherwise 409 `structure-conflict`, the proposal's expectation
  and the outline as it stands side by side;
- its text edits (a change across sections) and its cut points (where a split cuts, where a
  merge joins) are carried through each touched section's recorded edits since its base
  version (`app/text/rebase.py`): an edit made since that overlaps or touches them is a 409
  `amendment-conflict` with both sides, as for any amendment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.amendments.models import AmendmentStructure, StructureOperation
from app.amendments.rebase import Rebased, chain, conflict_error
from app.errors import OutlineConflict
from app.reports import service as reports
from app.reports.models import Section
from app.text import edits as text_edits
from app.text.edits import Edit
from app.text.rebase import Conflict, carry


@dataclass
class Plan:
    """What the amendment does to today's report: per touched section, its edits (or cut
    points) in the coordinates of that section's head."""

    carried: dict[int, list[Edit]] = field(default_factory=dict)


def _refuse(
    amendment_id: int | None, detail: str, section_id: int | None, proposal: object, head: object
) -> OutlineConflict:
    return OutlineConflict(
        detail,
        amendment_id=amendment_id,
        conflicts=[{"section_id": section_id, "proposal": proposal, "head": head}],
    )


class Checker:
    def __init__(self, session: Session, structure: AmendmentStructure, *, named: bool) -> None:
        self.session = session
        self.structure = structure
        self.ops = structure.operands
        # A refused proposal has no amendment: its row is rolled back with the answer.
        self.amendment_id = structure.amendment_id if named else None
        self.plan = Plan()

    def live(self, section_id: int | None, role: str) -> Section | None:
        return None if section_id is None else self.section(section_id, role)

    def section(self, section_id: int, role: str = "section") -> Section:
        section = self.session.get(Section, section_id)
        if section is None or section.removed_at is not None:
            raise _refuse(
                self.amendment_id,
                f"The {role} (section {section_id}) has been removed since this amendment was "
                "proposed.",
                section_id,
                {role: section_id, "removed": False},
                {role: section_id, "removed": True},
            )
        return section

    def carry_text(self, section: Section, version: int, edits: list[Edit]) -> None:
        """Carry `edits` (in version `version`'s coordinates) onto the section's head."""
        steps = chain(self.session, section_id=section.id, after=version, upto=section.head_version)
        try:
            carried = carry(edits, steps)
        except Conflict as conflict:
            rebased = Rebased(version, section.head_version, None, conflict.clashes)
            raise conflict_error(
                self.session, self.amendment_id, rebased, section=section
            ) from None
        self.plan.carried[section.id] = carried

    def gap(
        self,
        parent_id: int | None,
        after_id: int | None,
        before_id: int | None,
        *,
        without: int | None,
    ) -> None:
        """The place between `after_id` and `before_id` among the parent's children (None:
        the beginning, the end) is still one gap."""
        report_id = self.structure.report_id
        order = [
            s.id
            for s in reports.siblings(self.session, report_id=report_id, parent_id=parent_id)
            if s.id != without
        ]
        if after_id is None:
            following = order[0] if order else None
        elif after_id in order:
            index = order.index(after_id)
            following = order[index + 1] if index + 1 < len(order) else None
        else:
            following = -1  # the neighbour left this parent
        if following != before_id:
            raise _refuse(
                self.amendment_id,
                "The place this amendment puts a section has changed since it was proposed: "
                "its neighbours are no longer next to each other.",
                parent_id,
                {"parent_id": parent_id, "after_id": after_id, "before_id": before_id},
                {
                    "parent_id": parent_id,
                    "after_id": after_id,
                    "before_id": following,
                    "children": order,
                },
            )

    def version_kept(self, section: Section, version: int) -> None:
        if section.head_version != version:
            raise _refuse(
                self.amendment_id,
                f"Section {section.id} changed since this amendment was proposed (version "
                f"{version}, now {section.head_version}): deleting it would delete text its "
                "proposer never read.",
                section.id,
                {"section_id": section.id, "version": version},
                {"section_id": section.id, "version": section.head_version},
            )


def check(session: Session, structure: AmendmentStructure, *, proposing: bool = False) -> Plan:
    """The plan to apply `structure` to today's report, or a 409 with both sides."""
    checker = Checker(session, structure, named=not proposing)
    _CHECKS[structure.operation](checker)
    return checker.plan


def _insert(c: Checker) -> None:
    ops = c.ops
    c.live(ops["parent_id"], "parent")
    c.gap(ops["parent_id"], ops["after_id"], ops["before_id"], without=None)


def _delete(c: Checker) -> None:
    root = c.section(c.ops["section_id"], "section")
    for entry in c.structure.touched:
        section = c.section(entry["section_id"], "section")
        c.version_kept(section, entry["version"])
    base = {entry["section_id"] for entry in c.structure.touched}
    now = {root.id, *reports.subtree_ids(c.session, root.id)}
    if now != base:
        raise _refuse(
            c.amendment_id,
            f"The sections under section {root.id} changed since this amendment was proposed.",
            root.id,
            {"sections": sorted(base)},
            {"sections": sorted(now)},
        )


def _move(c: Checker) -> None:
    ops = c.ops
    section = c.section(ops["section_id"], "section")
    if section.parent_id != ops["from_parent_id"]:
        raise _refuse(
            c.amendment_id,
            f"Section {section.id} was moved elsewhere since this amendment was proposed.",
            section.id,
            {"parent_id": ops["from_parent_id"]},
            {"parent_id": section.parent_id},
        )
    ancestor = c.live(ops["parent_id"], "parent")
    while ancestor is not None:
        if ancestor.id == section.id:
            raise _refuse(
                c.amendment_id,
                "The new place is now inside the section moved.",
                section.id,
                {"parent_id": ops["parent_id"]},
                {"inside": section.id},
            )
        ancestor = c.session.get(Section, ancestor.parent_id) if ancestor.parent_id else None
    c.gap(ops["parent_id"], ops["after_id"], ops["before_id"], without=section.id)


def _split(c: Checker) -> None:
    ops = c.ops
    section = c.section(ops["section_id"], "section")
    # The separator between the two parts, carried as one range: a change since that
    # touches it (the end of the paragraph before, the start of the paragraph after) is a
    # conflict; a change elsewhere moves to its part.
    cut = Edit(ops["joint_start"], ops["cut"], "")
    c.carry_text(section, c.structure.touched[0]["version"], [cut])


def _merge(c: Checker) -> None:
    ops = c.ops
    first = c.section(ops["first_id"], "first section")
    second = c.section(ops["second_id"], "second section")
    if second.parent_id != first.parent_id:
        following = None
    else:
        order = [
            s.id
            for s in reports.siblings(
                c.session, report_id=first.report_id, parent_id=first.parent_id
            )
        ]
        index = order.index(first.id)
        following = order[index + 1] if index + 1 < len(order) else None
    if following != second.id:
        raise _refuse(
            c.amendment_id,
            f"Sections {first.id} and {second.id} are no longer neighbours.",
            first.id,
            {"first_id": first.id, "next_id": second.id},
            {"first_id": first.id, "next_id": following},
        )
    (one, two) = c.structure.touched
    end = ops["first_length"]
    c.carry_text(first, one["version"], [Edit(end, end, "")])
    c.carry_text(second, two["version"], [Edit(0, 0, "")])


def _rename(c: Checker) -> None:
    ops = c.ops
    section = c.section(ops["section_id"], "section")
    for name, was in ops["was"].items():
        now = str(getattr(section, name))
        if ops.get(name) is not None and now != was:
            raise _refuse(
                c.amendment_id,
                f"The {name} of section {section.id} changed since this amendment was proposed.",
                section.id,
                {name: was},
                {name: now},
            )


def _span(c: Checker) -> None:
    for entry in c.structure.touched:
        section = c.section(entry["section_id"], "section")
        c.carry_text(section, entry["version"], text_edits.from_json(entry["edits"]))


def _move_paragraphs(c: Checker) -> None:
    ops = c.ops
    source = c.section(ops["section_id"], "section the paragraphs leave")
    target = c.section(ops["to_section_id"], "section the paragraphs go to")
    start, end = ops["remove"]
    cut, point = Edit(start, end, ""), Edit(ops["at"], ops["at"], "")
    (base, *rest) = c.structure.touched
    if source.id == target.id:
        c.carry_text(source, base["version"], sorted([cut, point], key=lambda e: e.start))
    else:
        c.carry_text(source, base["version"], [cut])
        c.carry_text(target, rest[0]["version"], [point])


_CHECKS = {
    StructureOperation.insert: _insert,
    StructureOperation.delete: _delete,
    StructureOperation.move: _move,
    StructureOperation.split_section: _split,
    StructureOperation.merge: _merge,
    StructureOperation.rename: _rename,
    StructureOperation.span: _span,
    StructureOperation.move_paragraphs: _move_paragraphs,
}
