"""Moving a run of paragraphs (issue 32): the run read at its base, where it leaves (with the
blank line that joins it to a neighbour) and the point where it goes, in base coordinates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.amendments.structure_schemas import MoveParagraphs
from app.errors import Unprocessable
from app.text import structure_instructions as say
from app.text.outline import Placed
from app.text.paragraphs import Block, blocks
from app.text.structure_instructions import JOINT

if TYPE_CHECKING:
    from app.amendments.structure_operands import Outline


def _numbered(o: Outline, section_id: int, version: int) -> tuple[str, list[Block], Placed]:
    placed = o.get(section_id)
    text = o.text(section_id, version)
    return text, blocks(text), placed


def _local(placed: Placed, found: list[Block], number: int, what: str) -> int:
    """The index among the section's numbered paragraphs of report-wide paragraph `number`."""
    numbered = [b for b in found if b.numbered]
    local = number - placed.first_paragraph
    if not 0 <= local < len(numbered):
        span = (
            f"paragraphs {placed.first_paragraph}-{placed.first_paragraph + len(numbered) - 1}"
            if numbered
            else "no paragraphs"
        )
        raise Unprocessable(
            f"Paragraph {number} ({what}) is not a paragraph of section {placed.node.id} ({span})."
        )
    return found.index(numbered[local])


@dataclass
class RunMove:
    """What `structure_operands` records of a run move."""

    version: int
    operands: dict[str, Any]
    touched: list[dict[str, Any]]
    instruction: str


def _where(
    body: MoveParagraphs, run: str, text: str, found: list[Block], placed: Placed
) -> tuple[int, str]:
    """The point in the target's text where the run goes, and what is inserted there."""
    numbered = [b for b in found if b.numbered]
    if body.after_paragraph is not None:
        return found[_local(placed, found, body.after_paragraph, "the one followed")].end, (
            JOINT + run
        )
    if body.at_end or not numbered:
        return (found[-1].end, JOINT + run) if found else (len(text), run)
    return numbered[0].start, run + JOINT


def _cut(found: list[Block], i0: int, i1: int, length: int) -> tuple[int, int]:
    if i0 > 0:  # with the blank line before it
        return found[i0 - 1].end, found[i1].end
    if i1 + 1 < len(found):  # with the blank line after it
        return found[i0].start, found[i1 + 1].start
    return 0, length  # the section's whole text


def move_paragraphs(o: Outline, body: MoveParagraphs) -> RunMove:
    """A run of paragraphs cut from one place and put in another, recorded as two edits in
    base coordinates: the run with the blank line that joins it to its neighbour removed,
    and the run inserted at a point. Both are carried by recorded edits like any edit: a
    change since that touches the run or the point is a conflict (the run voters read is
    the run that moves)."""
    last_number = body.first if body.last is None else body.last
    if last_number < body.first:
        raise Unprocessable("The last paragraph moved comes before the first.")
    version = body.base_version or o.head(body.section_id)
    text, found, placed = _numbered(o, body.section_id, version)
    i0 = _local(placed, found, body.first, "the first moved")
    i1 = _local(placed, found, last_number, "the last moved")
    run = text[found[i0].start : found[i1].end]
    remove = _cut(found, i0, i1, len(text))
    same = body.to_section_id == body.section_id
    to_version = version if same else (body.to_base_version or o.head(body.to_section_id))
    target = (text, found, placed) if same else _numbered(o, body.to_section_id, to_version)
    point, inserted = _where(body, run, *target)
    if same and remove[0] <= point <= remove[1]:
        raise Unprocessable("The paragraphs are already there: the move changes nothing.")
    if not same and remove == (0, len(text)):
        raise Unprocessable(
            "Moving every paragraph of a section empties it: merge or delete the section."
        )
    touched = [{"section_id": body.section_id, "version": version}]
    if not same:
        touched.append({"section_id": body.to_section_id, "version": to_version})
    operands = {
        "section_id": body.section_id,
        "to_section_id": body.to_section_id,
        "first": body.first,
        "last": last_number,
        "after_paragraph": body.after_paragraph,
        "at_end": body.at_end,
        "remove": list(remove),
        "at": point,
        "run": run,
        "text": inserted,
    }
    instruction = say.move_paragraphs_instruction(
        body.first,
        last_number,
        into=o.named(body.to_section_id),
        after_paragraph=body.after_paragraph,
        at_end=body.at_end,
    )
    return RunMove(version, operands, touched, instruction)
