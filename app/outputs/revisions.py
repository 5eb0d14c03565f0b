"""A section's changes since a baseline as Word revisions (`w:ins`/`w:del`), so a delegate
reads them in Word with Review > Track Changes, and can accept or reject them there.

A section's paragraphs are aligned with its baseline's, and a changed paragraph is diffed
word by word against the one it replaces (for people: semantic cleanup is right here). The
numbers are the report's own: a paragraph deleted whole is shown struck through, unnumbered.
Revisions are by "plenary": the record of who proposed what is elsewhere, and this file may
travel to observers (Chatham House)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from xml.sax.saxutils import escape

from app.outputs.snapshot import xml_safe
from app.text import diffing
from app.text.paragraphs import blocks

AUTHOR = "plenary"


@dataclass
class RevisedParagraph:
    number: int | None
    pieces: list[tuple[str, str]] = field(default_factory=list)  # (op, text)


def revised_paragraphs(
    before: str, after: str, *, first_number: int, timeout: float = 2.0
) -> Iterator[RevisedParagraph]:
    """Paragraphs are aligned first (difflib on the paragraphs' texts), then a changed pair is
    diffed word by word: a change never runs across a paragraph boundary, and the numbers are
    exactly the new text's."""
    old = [block.text for block in blocks(before)]
    new = blocks(after)
    numbers: list[int | None] = []
    number = first_number
    for block in new:
        numbers.append(number if block.numbered else None)
        number += block.numbered
    matcher = difflib.SequenceMatcher(None, old, [b.text for b in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for j in range(j1, j2):
                yield RevisedParagraph(numbers[j], [("equal", new[j].text)])
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(pairs):
            ops = diffing.diff(old[i1 + k], new[j1 + k].text, granularity="word", timeout=timeout)
            yield RevisedParagraph(numbers[j1 + k], list(ops))
        for i in range(i1 + pairs, i2):
            yield RevisedParagraph(None, [("delete", old[i])])
        for j in range(j1 + pairs, j2):
            yield RevisedParagraph(numbers[j], [("insert", new[j].text)])


def _text_runs(text: str, tag: str) -> str:
    out = []
    for index, line in enumerate(xml_safe(text).split("\n")):
        if index:
            out.append("<w:br/>")
        if line:
            out.append(f'<w:{tag} xml:space="preserve">{escape(line)}</w:{tag}>')
    return "<w:r>" + "".join(out) + "</w:r>"


def paragraph_xml(
    paragraph: RevisedParagraph, *, style_id: str, date: datetime, ids: count[int]
) -> str:
    stamp = f'w:author="{AUTHOR}" w:date="{date.strftime("%Y-%m-%dT%H:%M:%SZ")}"'
    body = []
    if paragraph.number is not None:
        body.append(f'<w:r><w:t xml:space="preserve">{paragraph.number}.</w:t><w:tab/></w:r>')
    for op, text in paragraph.pieces:
        if op == "insert":
            body.append(f'<w:ins w:id="{next(ids)}" {stamp}>{_text_runs(text, "t")}</w:ins>')
        elif op == "delete":
            body.append(f'<w:del w:id="{next(ids)}" {stamp}>{_text_runs(text, "delText")}</w:del>')
        else:
            body.append(_text_runs(text, "t"))
    return f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>{"".join(body)}</w:p>'
