"""A structural amendment for people (issue 32): per section it touches, its text as tracked
changes, moved text marked as moved (not as deleted and inserted), a new section shown where
it goes. Pure: a `Source` gives the texts and titles and carries the recorded edits (at the
amendment's base for the amendment list's exports, onto today's heads for the floor)."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

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


class Source(Protocol):
    at_base: bool

    def text(self, section_id: int) -> str: ...

    def title(self, section_id: int) -> tuple[str, str, int | None]:
        """(label, heading, parent id) as they stand."""
        ...

    def edits(self, section_id: int, recorded: list[Edit]) -> list[Edit]:
        """`recorded` (base coordinates) in the coordinates of `text`."""
        ...


@dataclass
class _Read:
    source: Source
    ops: Mapping[str, Any]
    touched: Sequence[Mapping[str, Any]]

    def part(self, section_id: int, role: str, ops: list[tuple[str, str]]) -> Part:
        label, heading, parent_id = self.source.title(section_id)
        return Part(section_id, label, heading, role, ops, parent_id=parent_id)


def parts(
    operation: str,
    operands: Mapping[str, Any],
    touched: Sequence[Mapping[str, Any]],
    source: Source,
) -> list[Part]:
    return _PARTS[operation](_Read(source, operands, touched))


def _marked(text: str, edits: list[Edit], mark: dict[str, str]) -> list[tuple[str, str]]:
    """Tracked changes of `edits` on `text`, an insert or delete renamed by `mark`."""
    return [(mark.get(op, op), chunk) for op, chunk in diffing.from_edits(text, edits)]


def _insert(r: _Read) -> list[Part]:
    ops = r.ops
    text = ops["text"]
    new = Part(None, ops["label"], ops["heading"], "inserted", [("insert", text)] if text else [])
    new.after_id, new.parent_id = ops["after_id"], ops["parent_id"]
    return [new]


def _delete(r: _Read) -> list[Part]:
    ids = [e["section_id"] for e in r.touched] or [r.ops["section_id"]]
    found = []
    for section_id in ids:
        text = r.source.text(section_id)
        found.append(r.part(section_id, "deleted", [("delete", text)] if text else []))
    return found


def _move(r: _Read) -> list[Part]:
    section_id = r.ops["section_id"]
    text = r.source.text(section_id)
    part = r.part(section_id, "moved", [(MOVE_FROM, text)] if text else [])
    part.after_id, part.parent_id = r.ops["after_id"], r.ops["parent_id"]
    return [part]


def _move_paragraphs(r: _Read) -> list[Part]:
    ops, source = r.ops, r.source
    origin, target = ops["section_id"], ops["to_section_id"]
    start, end = ops["remove"]
    cut, point = Edit(start, end, ""), Edit(ops["at"], ops["at"], "")
    mark = {"delete": MOVE_FROM, "insert": MOVE_TO}

    def filled(edits: list[Edit]) -> list[Edit]:
        # The point carries no text (it must not shift what it touches): the run goes there.
        return [Edit(e.start, e.end, ops["text"] if e.start == e.end else "") for e in edits]

    if origin == target:
        both = source.edits(origin, sorted([cut, point], key=lambda e: e.start))
        return [r.part(origin, "changed", _marked(source.text(origin), filled(both), mark))]
    return [
        r.part(origin, "changed", _marked(source.text(origin), source.edits(origin, [cut]), mark)),
        r.part(
            target,
            "changed",
            _marked(source.text(target), filled(source.edits(target, [point])), mark),
        ),
    ]


def _split(r: _Read) -> list[Part]:
    ops = r.ops
    section_id = ops["section_id"]
    text = r.source.text(section_id)
    (joint,) = r.source.edits(section_id, [Edit(ops["joint_start"], ops["cut"], "")])
    kept, rest = text[: joint.start], text[joint.end :]
    origin = r.part(section_id, "changed", [("equal", kept), (MOVE_FROM, text[joint.start :])])
    new = Part(None, ops["label"], ops["heading"], "inserted", [(MOVE_TO, rest)])
    new.after_id, new.parent_id = section_id, origin.parent_id
    return [origin, new]


def _title(label: str, heading: str) -> str:
    return " ".join(w for w in (label, heading) if w)


def _merge(r: _Read) -> list[Part]:
    first, second = r.ops["first_id"], r.ops["second_id"]
    own, joined = r.source.text(first), r.source.text(second)
    merged = r.part(first, "changed", [("equal", own), (MOVE_TO, JOINT + joined)])
    label, heading = r.ops.get("label"), r.ops.get("heading")
    if label is not None or heading is not None:
        merged.was = _title(merged.label, merged.heading)
        merged.label = merged.label if label is None else str(label)
        merged.heading = merged.heading if heading is None else str(heading)
    return [merged, r.part(second, "deleted", [(MOVE_FROM, joined)])]


def _rename(r: _Read) -> list[Part]:
    part = r.part(r.ops["section_id"], "renamed", [])
    part.was = _title(part.label, part.heading)
    if r.source.at_base:  # the label and heading it renamed, not today's
        was = r.ops["was"]
        part.was = _title(was.get("label", part.label), was.get("heading", part.heading))
    label, heading = r.ops.get("label"), r.ops.get("heading")
    part.label = part.label if label is None else str(label)
    part.heading = part.heading if heading is None else str(heading)
    return [part]


def _span(r: _Read) -> list[Part]:
    found = []
    for entry in r.touched:
        section_id = entry["section_id"]
        edits = r.source.edits(section_id, text_edits.from_json(entry["edits"]))
        found.append(r.part(section_id, "changed", _marked(r.source.text(section_id), edits, {})))
    return found


_PARTS: dict[str, Callable[[_Read], list[Part]]] = {
    "insert": _insert,
    "delete": _delete,
    "move": _move,
    "move_paragraphs": _move_paragraphs,
    "split": _split,
    "merge": _merge,
    "rename": _rename,
    "span": _span,
}


def parts_html(found: Sequence[Part]) -> str:
    """The parts as HTML for a screen: one block per section, moved text in
    <span class="move-from"> / <span class="move-to">, changes as <ins>/<del>."""
    out = []
    for part in found:
        title = _escape(_title(part.label, part.heading))
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
