"""A structural amendment for people: per section it touches, its text as tracked changes,
moved text marked as moved (not as deleted and inserted), a new section shown where it
goes. Read two ways: against today's texts (the floor's preview, through `check`: None
when it no longer applies) and against its base (the amendment list's exports, which show
what was proposed whatever happened since)."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.amendments.models import AmendmentStructure
from app.amendments.models import StructureOperation as Op
from app.amendments.structure_check import check
from app.errors import AppError
from app.reports import service as reports
from app.reports.models import Section
from app.text import diffing
from app.text import edits as text_edits
from app.text.edits import Edit
from app.text.structure_instructions import JOINT

MOVE_FROM, MOVE_TO = "move_from", "move_to"


@dataclass
class Part:
    """One section as the amendment leaves it: `section_id` None for a new one (placed
    after `after_id`, or first under `parent_id`)."""

    section_id: int | None
    label: str
    heading: str
    role: str  # changed, inserted, deleted, moved, renamed
    ops: list[tuple[str, str]] = field(default_factory=list)
    after_id: int | None = None
    parent_id: int | None = None
    was: str | None = None  # a renamed section's former label and heading


class _Texts:
    """Section texts and the amendment's edits: at its base, or carried onto the heads."""

    def __init__(self, session: Session, structure: AmendmentStructure, *, current: bool):
        self.session = session
        self.structure = structure
        self.ops = structure.operands
        self.current = current
        self.carried = check(session, structure).carried if current else None
        self.base = {t["section_id"]: t["version"] for t in structure.touched}

    def section(self, section_id: int) -> Section:
        section = self.session.get(Section, section_id)
        if section is None:
            raise LookupError(section_id)
        return section

    def text(self, section_id: int) -> str:
        section = self.section(section_id)
        number = section.head_version
        if not self.current:
            number = self.base.get(section_id, number)
        return reports.get_version(self.session, section=section, number=number).text

    def edits(self, section_id: int, recorded: list[Edit]) -> list[Edit]:
        return recorded if self.carried is None else self.carried[section_id]

    def part(self, section_id: int, role: str, ops: list[tuple[str, str]]) -> Part:
        section = self.section(section_id)
        return Part(section_id, section.label, section.heading, role, ops)


def structure_parts(
    session: Session, structure: AmendmentStructure, *, current: bool
) -> list[Part] | None:
    """The parts, or None when `current` and it no longer applies to today's texts."""
    try:
        texts = _Texts(session, structure, current=current)
    except AppError:
        return None
    return _PARTS[structure.operation](texts)


def _marked(text: str, edits: list[Edit], mark: dict[str, str]) -> list[tuple[str, str]]:
    """Tracked changes of `edits` on `text`, an insert or delete renamed by `mark`."""
    return [(mark.get(op, op), chunk) for op, chunk in diffing.from_edits(text, edits)]


def _insert(t: _Texts) -> list[Part]:
    ops = t.ops
    text = ops["text"]
    return [
        Part(
            None,
            ops["label"],
            ops["heading"],
            "inserted",
            [("insert", text)] if text else [],
            after_id=ops["after_id"],
            parent_id=ops["parent_id"],
        )
    ]


def _delete(t: _Texts) -> list[Part]:
    ids = [e["section_id"] for e in t.structure.touched] or [t.ops["section_id"]]
    return [t.part(s, "deleted", [("delete", t.text(s))] if t.text(s) else []) for s in ids]


def _move(t: _Texts) -> list[Part]:
    section_id = t.ops["section_id"]
    text = t.text(section_id)
    part = t.part(section_id, "moved", [(MOVE_FROM, text)] if text else [])
    part.after_id, part.parent_id = t.ops["after_id"], t.ops["parent_id"]
    return [part]


def _move_paragraphs(t: _Texts) -> list[Part]:
    ops = t.ops
    source, target = ops["section_id"], ops["to_section_id"]
    start, end = ops["remove"]
    cut, point = Edit(start, end, ""), Edit(ops["at"], ops["at"], ops["text"])
    mark = {"delete": MOVE_FROM, "insert": MOVE_TO}
    if source == target:
        recorded = sorted([cut, point], key=lambda e: e.start)
        carried = [
            Edit(e.start, e.end, ops["text"] if e.start == e.end else "")
            for e in t.edits(source, recorded)
        ]
        return [t.part(source, "changed", _marked(t.text(source), carried, mark))]
    (moved_cut,) = t.edits(source, [cut])
    (moved_point,) = t.edits(target, [point])
    return [
        t.part(source, "changed", _marked(t.text(source), [moved_cut], mark)),
        t.part(
            target,
            "changed",
            _marked(t.text(target), [Edit(moved_point.start, moved_point.end, ops["text"])], mark),
        ),
    ]


def _split(t: _Texts) -> list[Part]:
    ops = t.ops
    section_id = ops["section_id"]
    text = t.text(section_id)
    (joint,) = t.edits(section_id, [Edit(ops["joint_start"], ops["cut"], "")])
    kept, rest = text[: joint.start], text[joint.end :]
    source = t.part(section_id, "changed", [("equal", kept), (MOVE_FROM, text[joint.start :])])
    new = Part(None, ops["label"], ops["heading"], "inserted", [(MOVE_TO, rest)])
    new.after_id, new.parent_id = section_id, t.section(section_id).parent_id
    return [source, new]


def _merge(t: _Texts) -> list[Part]:
    first, second = t.ops["first_id"], t.ops["second_id"]
    own, joined = t.text(first), t.text(second)
    merged = t.part(first, "changed", [("equal", own), (MOVE_TO, JOINT + joined)])
    if t.ops.get("label") is not None or t.ops.get("heading") is not None:
        merged.was = " ".join(w for w in (merged.label, merged.heading) if w)
        merged.label = t.ops.get("label") or merged.label
        merged.heading = t.ops.get("heading") or merged.heading
    return [merged, t.part(second, "deleted", [(MOVE_FROM, joined)])]


def _rename(t: _Texts) -> list[Part]:
    section_id = t.ops["section_id"]
    part = t.part(section_id, "renamed", [])
    part.was = " ".join(w for w in (part.label, part.heading) if w)
    if t.current is False:  # at its base: the label and heading it renamed
        was = t.ops["was"]
        part.was = " ".join(
            w for w in (was.get("label", part.label), was.get("heading", part.heading)) if w
        )
    label, heading = t.ops.get("label"), t.ops.get("heading")
    part.label = part.label if label is None else str(label)
    part.heading = part.heading if heading is None else str(heading)
    return [part]


def _span(t: _Texts) -> list[Part]:
    parts = []
    for entry in t.structure.touched:
        section_id = entry["section_id"]
        recorded = text_edits.from_json(entry["edits"])
        edits = t.edits(section_id, recorded)
        parts.append(t.part(section_id, "changed", _marked(t.text(section_id), edits, {})))
    return parts


_PARTS = {
    Op.insert: _insert,
    Op.delete: _delete,
    Op.move: _move,
    Op.move_paragraphs: _move_paragraphs,
    Op.split_section: _split,
    Op.merge: _merge,
    Op.rename: _rename,
    Op.span: _span,
}


def parts_html(parts: list[Part]) -> str:
    """The parts as HTML for a screen: one block per section, moved text in
    <span class="moved-from"> / <span class="moved-to">, changes as <ins>/<del>."""
    out = []
    for part in parts:
        title = _escape(" ".join(w for w in (part.label, part.heading) if w))
        body = "".join(_op_html(op, chunk) for op, chunk in part.ops)
        out.append(f'<div class="part {part.role}"><b>{title}</b> {body}</div>')
    return "".join(out)


def _op_html(op: str, chunk: str) -> str:
    text = _escape(chunk)
    if op == "insert":
        return f"<ins>{text}</ins>"
    if op == "delete":
        return f"<del>{text}</del>"
    if op in (MOVE_FROM, MOVE_TO):
        return f'<span class="{op.replace("_", "-")}">{text}</span>'
    return text


def _escape(text: str) -> str:
    return html.escape(text).replace("\n", "<br>\n")
