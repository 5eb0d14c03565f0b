"""What every output renders: a report as it stood (today, at a milestone or at a time), and
its amendments as the caller may see them. Plain data, filled in by `app.outputs.reading`."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.text.outline import Placed
from app.text.paragraphs import blocks
from app.text.render import DocumentInfo

# XML 1.0 (Akoma Ntoso, WordprocessingML) cannot carry most C0 controls, nor lone surrogates
# and U+FFFE/U+FFFF; a version may hold them, so they are dropped from these outputs only.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


@dataclass(frozen=True)
class ReportSnapshot:
    report_id: int
    group_name: str
    info: DocumentInfo
    sections: Sequence[Placed]
    stage: str  # the report's status: drafting, adopted, transmitted
    version: str  # FRBR expression version: "r12" (current), "milestone-3", "at-..."
    date: datetime  # when this text stood: the expression date
    created: datetime  # when the report was created: the work date


@dataclass(frozen=True)
class Paragraph:
    eid: str  # stable across versions: the section's id and the block's place in it
    number: int | None  # None: a heading line kept inside the section's text
    text: str


def section_eid(section_id: int) -> str:
    return f"sec_{section_id}"


def paragraphs(placed: Placed) -> Iterator[Paragraph]:
    """A section's blocks with their continuous numbers and eIds. The eId counts blocks of
    its own kind within the section only, so a change elsewhere in the report (a paragraph
    added to an earlier section, a section moved) leaves it as it was."""
    node = placed.node
    number = placed.first_paragraph
    numbered = headings = 0
    for block in blocks(node.text or ""):
        if block.numbered:
            numbered += 1
            yield Paragraph(f"{section_eid(node.id)}__para_{numbered}", number, block.text)
            number += 1
        else:
            headings += 1
            yield Paragraph(
                f"{section_eid(node.id)}__crossHeading_{headings}",
                None,
                block.text.lstrip("#").strip(),
            )


@dataclass(frozen=True)
class ChangeOp:
    op: str  # "equal", "insert", "delete"; "move_from", "move_to", "title" (structural)
    text: str


@dataclass(frozen=True)
class AmendmentEntry:
    id: int
    section_label: str  # "II. Issues" or the heading
    instruction: str
    change: Sequence[ChangeOp]  # the tracked change against the base, unchanged runs collapsed
    rationale: str
    kind: str
    status: str
    alternative_to: int | None
    proposer: str  # a name for members, "a participant" for observers and the public
    proposed_at: datetime
    operation: str | None = None  # a structural amendment's: insert, move_paragraphs ...


@dataclass(frozen=True)
class AmendmentListSnapshot:
    report: ReportSnapshot
    amendments: Sequence[AmendmentEntry]
