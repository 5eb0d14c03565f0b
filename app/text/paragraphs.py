"""Paragraphs: blocks of text separated by blank lines.

Every block is a numbered paragraph except a Markdown heading line kept inside a section's
text (`#### ...`): the report's outline carries the real headings. A list item separated by
blank lines is a paragraph of its own, as in UN reports where sub-items are numbered.
Numbers run continuously through the report in outline order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_HEADING = re.compile(r"^#{1,6}\s")
_FENCE = re.compile(r"^[ \t]*(?:```|~~~)", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    start: int
    end: int
    text: str
    numbered: bool


def blocks(text: str) -> list[Block]:
    """Split text into blocks with their offsets in `text`. Inside a fenced code block a
    line starting with `#` is code (a shell comment), not a heading."""
    found: list[Block] = []
    position = 0
    in_fence = False
    for match in [*_BLANK_LINE.finditer(text), None]:
        end = len(text) if match is None else match.start()
        chunk = text[position:end]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            start = position + lead
            found.append(
                Block(
                    start=start,
                    end=start + len(stripped),
                    text=stripped,
                    numbered=in_fence or not _HEADING.match(stripped),
                )
            )
            fences = len(_FENCE.findall(chunk))
            in_fence = in_fence != (fences % 2 == 1)
        if match is not None:
            position = match.end()
    return found


# Texts up to this long have their numbered blocks kept (`numbered_blocks`): a proposal's
# base is the same text for every proposal against that version, and splitting it was a
# large part of the analysis of a one-word edit. Longer texts are analysed in the worker process.
_KEPT_CHARS = 50_000


def numbered_blocks(text: str) -> tuple[Block, ...]:
    """The numbered paragraphs of `text` (immutable, so kept for the texts last asked for:
    a version's text never changes, and every proposal against it splits it again)."""
    if len(text) > _KEPT_CHARS:
        return tuple(block for block in blocks(text) if block.numbered)
    return _kept_numbered_blocks(text)


@lru_cache(maxsize=64)
def _kept_numbered_blocks(text: str) -> tuple[Block, ...]:
    return tuple(block for block in blocks(text) if block.numbered)


def paragraph_count(text: str) -> int:
    return sum(1 for block in blocks(text) if block.numbered)


def paragraph_at(text: str, offset: int) -> int:
    """The 0-based index of the numbered paragraph holding `offset` (or just before it)."""
    index = -1
    for block in blocks(text):
        if block.start > offset:
            break
        if block.numbered:
            index += 1
    return max(index, 0)
