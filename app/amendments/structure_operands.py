"""A structural proposal read against the report as it stands: its operands, the sections
it touches at their base versions, the instruction a chair reads out (paragraph numbers of
this outline, the amendment's base) and the suggested kind. Refuses (422) what does not
make sense here: a section of another report, a merge of sections that are not neighbours,
a split at the first paragraph, a change that changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.amendments.structure_runs import move_paragraphs
from app.amendments.structure_schemas import (
    DeleteSection,
    InsertSection,
    MergeSections,
    MoveParagraphs,
    MoveSection,
    RenameSection,
    SpanChange,
    SplitSection,
    StructureCreate,
)
from app.errors import NotFound, Unprocessable
from app.reports import service as reports
from app.reports.models import Report, Section
from app.text import structure_instructions as say
from app.text.classify import suggest_kind
from app.text.edits import compute_edits
from app.text.edits import to_json as edits_json
from app.text.outline import Placed
from app.text.paragraphs import blocks


@dataclass
class Built:
    anchor_id: int  # the amendment row's section: the first section it touches
    anchor_version: int
    operands: dict[str, Any]
    touched: list[dict[str, Any]]
    instruction: str
    suggested_kind: str = "substantive"
    texts: list[dict[str, Any]] = field(default_factory=list)  # a span's proposed texts


class Outline:
    """The live outline, placed (paragraph numbers), with each section's children."""

    def __init__(self, session: Session, report: Report) -> None:
        self.session = session
        self.report = report
        self.placed = reports.outline(session, report_id=report.id)
        self.by_id = {p.node.id: p for p in self.placed}
        self.index = {p.node.id: i for i, p in enumerate(self.placed)}

    def get(self, section_id: int) -> Placed:
        placed = self.by_id.get(section_id)
        if placed is None:
            raise NotFound(f"No live section {section_id} in report {self.report.id}.")
        return placed

    def children(self, parent_id: int | None) -> list[int]:
        return [p.node.id for p in self.placed if p.node.parent_id == parent_id]

    def subtree(self, section_id: int) -> list[int]:
        found, frontier = [section_id], [section_id]
        while frontier:
            frontier = [c for parent in frontier for c in self.children(parent)]
            found.extend(frontier)
        return found

    def maybe(self, section_id: int | None) -> say.Named | None:
        return None if section_id is None else self.named(section_id)

    def named(self, section_id: int, *, whole: bool = False) -> say.Named:
        node = self.get(section_id)
        count = node.node.paragraph_count
        if whole:
            count = sum(self.get(s).node.paragraph_count for s in self.subtree(section_id))
        return say.Named(
            node.node.kind, node.node.label, node.node.heading, node.first_paragraph, count
        )

    def place(
        self, parent_id: int | None, after_id: int | None, at_end: bool, *, without: int | None
    ) -> tuple[int | None, int | None, int | None]:
        """(parent, the sibling before, the sibling after) of the place asked for."""
        if after_id is not None and not at_end:
            derived = self.get(after_id).node.parent_id
            if parent_id is not None and parent_id != derived:
                raise Unprocessable(f"Section {after_id} is not a child of section {parent_id}.")
            parent_id = derived
        if parent_id is not None:
            self.get(parent_id)
        order = [c for c in self.children(parent_id) if c != without]
        if at_end:
            return parent_id, (order[-1] if order else None), None
        if after_id is None:
            return parent_id, None, (order[0] if order else None)
        if after_id not in order:
            raise Unprocessable("A section cannot be placed after itself.")
        at = order.index(after_id)
        return parent_id, after_id, (order[at + 1] if at + 1 < len(order) else None)

    def head(self, section_id: int) -> int:
        return self.get(section_id).node.version

    def text(self, section_id: int, version: int) -> str:
        section = self.session.get(Section, section_id)
        if section is None or version > section.head_version:
            raise NotFound(f"Section {section_id} has no version {version}.")
        return reports.get_version(self.session, section=section, number=version).text


def build(session: Session, report: Report, body: StructureCreate, *, timeout: float) -> Built:
    outline = Outline(session, report)
    if isinstance(body, InsertSection):
        return _insert(outline, body)
    if isinstance(body, DeleteSection):
        return _delete(outline, body)
    if isinstance(body, MoveSection):
        return _move(outline, body)
    if isinstance(body, SplitSection):
        return _split(outline, body)
    if isinstance(body, MergeSections):
        return _merge(outline, body)
    if isinstance(body, RenameSection):
        return _rename(outline, body)
    if isinstance(body, MoveParagraphs):
        moved = move_paragraphs(outline, body)
        return Built(
            body.section_id, moved.version, moved.operands, moved.touched, moved.instruction
        )
    return _span(outline, body, timeout=timeout)


def _insert(o: Outline, body: InsertSection) -> Built:
    parent, after, before = o.place(body.parent_id, body.after_id, body.at_end, without=None)
    anchor = after or before or parent
    if anchor is None:
        raise Unprocessable("The report has no section yet: add the first one directly.")
    where = say.place_words(
        o.maybe(parent), None if body.at_end else o.maybe(after), o.maybe(before)
    )
    return Built(
        anchor_id=anchor,
        anchor_version=o.head(anchor),
        operands={
            "parent_id": parent,
            "after_id": after,
            "before_id": before,
            "kind": body.section_kind.value,
            "label": body.label,
            "heading": body.heading,
            "text": body.text,
        },
        touched=[],
        instruction=say.insert_instruction(
            where,
            kind=body.section_kind.value,
            label=body.label,
            heading=body.heading,
            text=body.text,
        ),
    )


def _delete(o: Outline, body: DeleteSection) -> Built:
    subtree = o.subtree(o.get(body.section_id).node.id)
    named = o.named(body.section_id, whole=True)
    return Built(
        anchor_id=body.section_id,
        anchor_version=o.head(body.section_id),
        operands={"section_id": body.section_id},
        touched=[{"section_id": s, "version": o.head(s)} for s in subtree],
        instruction=say.delete_instruction(named, descendants=len(subtree) - 1),
    )


def _move(o: Outline, body: MoveSection) -> Built:
    section = o.get(body.section_id).node
    parent, after, before = o.place(body.parent_id, body.after_id, body.at_end, without=section.id)
    if parent in o.subtree(section.id):
        raise Unprocessable("A section cannot move inside itself.")
    order = o.children(section.parent_id)
    now_after = order[order.index(section.id) - 1] if order.index(section.id) > 0 else None
    if parent == section.parent_id and after == now_after:
        raise Unprocessable("The section is already there: the move changes nothing.")
    named = o.named(section.id, whole=True)
    return Built(
        anchor_id=section.id,
        anchor_version=section.version,
        operands={
            "section_id": section.id,
            "from_parent_id": section.parent_id,
            "parent_id": parent,
            "after_id": after,
            "before_id": before,
        },
        touched=[{"section_id": section.id, "version": section.version}],
        instruction=say.move_instruction(
            named,
            parent=o.maybe(parent),
            after=None if body.at_end else o.maybe(after),
            before=o.maybe(before),
        ),
    )


def _split(o: Outline, body: SplitSection) -> Built:
    placed = o.get(body.section_id)
    version = body.base_version or placed.node.version
    text = o.text(body.section_id, version)
    numbered = [b for b in blocks(text) if b.numbered]
    local = body.paragraph - placed.first_paragraph
    if not 1 <= local < len(numbered):
        raise Unprocessable(
            f"Paragraph {body.paragraph} is not a paragraph of section {body.section_id} after "
            f"its first (paragraphs {placed.first_paragraph}-"
            f"{placed.first_paragraph + len(numbered) - 1})."
        )
    cut = numbered[local].start
    joint_start = max(b.end for b in blocks(text) if b.end <= cut)
    kind = placed.node.kind if body.section_kind is None else body.section_kind.value
    named = say.Named(
        placed.node.kind,
        placed.node.label,
        placed.node.heading,
        placed.first_paragraph,
        len(numbered),
    )
    return Built(
        anchor_id=body.section_id,
        anchor_version=version,
        operands={
            "section_id": body.section_id,
            "paragraph": body.paragraph,
            "cut": cut,
            "joint_start": joint_start,
            "kind": kind,
            "label": body.label,
            "heading": body.heading,
        },
        touched=[{"section_id": body.section_id, "version": version}],
        instruction=say.split_instruction(
            named, at_paragraph=body.paragraph, kind=kind, label=body.label, heading=body.heading
        ),
    )


def _merge(o: Outline, body: MergeSections) -> Built:
    first, second = o.get(body.first_id).node, o.get(body.second_id).node
    order = o.children(first.parent_id)
    at = order.index(first.id)
    if at + 1 >= len(order) or order[at + 1] != second.id:
        raise Unprocessable(
            f"Section {second.id} does not follow section {first.id} under the same parent: "
            "only neighbouring sections merge."
        )
    return Built(
        anchor_id=first.id,
        anchor_version=first.version,
        operands={
            "first_id": first.id,
            "second_id": second.id,
            "first_length": len(o.text(first.id, first.version)),
            "label": body.label,
            "heading": body.heading,
        },
        touched=[
            {"section_id": first.id, "version": first.version},
            {"section_id": second.id, "version": second.version},
        ],
        instruction=say.merge_instruction(
            o.named(first.id), o.named(second.id), heading=body.heading
        ),
    )


def _rename(o: Outline, body: RenameSection) -> Built:
    node = o.get(body.section_id).node
    kind = None if body.section_kind is None else body.section_kind.value
    wanted = {"label": body.label, "heading": body.heading, "kind": kind}
    changes = {k: v for k, v in wanted.items() if v is not None and v != str(getattr(node, k))}
    if not changes:
        raise Unprocessable("The rename changes nothing.")
    return Built(
        anchor_id=node.id,
        anchor_version=node.version,
        operands={
            "section_id": node.id,
            **{k: changes.get(k) for k in wanted},
            "was": {k: str(getattr(node, k)) for k in changes},
        },
        touched=[{"section_id": node.id, "version": node.version}],
        instruction=say.rename_instruction(
            o.named(node.id),
            kind=changes.get("kind"),
            label=changes.get("label"),
            heading=changes.get("heading"),
        ),
        suggested_kind="editorial" if set(changes) == {"label"} else "substantive",
    )


def _span(o: Outline, body: SpanChange, *, timeout: float) -> Built:
    ids = [t.section_id for t in body.texts]
    positions = [o.index[o.get(i).node.id] for i in ids]
    if positions != list(range(positions[0], positions[0] + len(ids))):
        raise Unprocessable(
            "A change across sections names neighbouring sections, in outline order."
        )
    bases = [o.text(t.section_id, t.base_version) for t in body.texts]
    edits = [
        compute_edits(base, t.text, timeout=timeout)
        for base, t in zip(bases, body.texts, strict=True)
    ]
    if not any(edits):
        raise Unprocessable("The amendment changes nothing.")
    kinds = {suggest_kind(base, own) for base, own in zip(bases, edits, strict=True) if own}
    first = body.texts[0]
    return Built(
        anchor_id=first.section_id,
        anchor_version=first.base_version,
        operands={"section_ids": ids},
        touched=[
            {"section_id": t.section_id, "version": t.base_version, "edits": edits_json(own)}
            for t, own in zip(body.texts, edits, strict=True)
        ],
        instruction=say.span_instruction(
            bases, edits, first_paragraph=o.get(first.section_id).first_paragraph
        ),
        suggested_kind="editorial" if kinds == {"editorial"} else "substantive",
        texts=[t.model_dump() for t in body.texts],
    )
