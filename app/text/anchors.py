"""Where a comment, thread or reservation points, and where that passage is now. Pure text
logic: no database.

A range anchor is [start, end) in the posted version of its section. Later versions record
their exact edits against their parent (`Version.edits`), so the range is carried forward
edit by edit, never by searching for the quote (which may occur twice, or be reworded):
an edit entirely before the range shifts it, an edit entirely after leaves it, and an edit
that reaches into it means the passage was rewritten, so the comment is outdated and keeps
its original quote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.text.edits import Edit
from app.text.paragraphs import blocks


class AnchorError(ValueError):
    """The anchor does not name a passage of the posted text."""


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def numbered_blocks(text: str) -> list[tuple[int, int]]:
    return [(b.start, b.end) for b in blocks(text) if b.numbered]


def locate(
    text: str,
    *,
    first_paragraph: int,
    paragraph: int | None,
    quote: str | None,
    start: int | None,
    end: int | None,
) -> Span:
    """The span a commenter means in `text` (a section's posted version, whose first numbered
    paragraph is number `first_paragraph`): explicit offsets (checked against the quote if
    one is given), else the quote found once (within the paragraph if one is given), else
    the whole paragraph."""
    paragraphs = numbered_blocks(text)
    window = (0, len(text))
    if paragraph is not None:
        index = paragraph - first_paragraph
        if not 0 <= index < len(paragraphs):
            last = first_paragraph + len(paragraphs) - 1
            raise AnchorError(
                f"This section holds paragraphs {first_paragraph} to {last}, not {paragraph}."
            )
        window = paragraphs[index]
    if start is not None or end is not None:
        if start is None or end is None:
            raise AnchorError("Give both `start` and `end`, or neither.")
        if not 0 <= start < end <= len(text):
            raise AnchorError(f"The range must lie within the text (0 to {len(text)}).")
        if quote is not None and text[start:end] != quote:
            raise AnchorError("The quoted text is not what the posted text holds at that range.")
        return Span(start, end)
    if quote:
        low, high = window
        found = text.find(quote, low, high)
        if found < 0:
            raise AnchorError("The quoted text does not occur in the posted text.")
        if text.find(quote, found + 1, high) >= 0:
            raise AnchorError("The quoted text occurs more than once; give `start` and `end`.")
        return Span(found, found + len(quote))
    if paragraph is not None:
        return Span(*window)
    raise AnchorError("A range needs a paragraph, a quote or offsets.")


def paragraph_of(text: str, offset: int, *, first_paragraph: int) -> int:
    """The report-wide number of the numbered paragraph holding `offset` (or before it)."""
    index = 0
    for number, (low, _high) in enumerate(numbered_blocks(text)):
        if low > offset:
            break
        index = number
    return first_paragraph + index


def carry_span(span: Span, chain: Sequence[Sequence[Edit]]) -> Span | None:
    """`span` carried through each version's edits, oldest first; None once an edit
    reaches into it (the passage was rewritten or deleted). An insertion exactly at either
    boundary does not touch the passage itself."""
    start, end = span.start, span.end
    for edits in chain:
        shift = 0
        for edit in edits:
            if edit.end <= start:
                shift += edit.delta
            elif edit.start >= end:
                continue
            else:
                return None
        start, end = start + shift, end + shift
    return Span(start, end)


def carry_point(point: int, chain: Sequence[Sequence[Edit]]) -> int:
    """`point` (the start of a paragraph) carried through each version's edits, oldest first.
    Unlike a span, a point always lands somewhere: an edit that reaches over it moves it to
    where that edit begins, so a reservation on a rewritten paragraph stays with the text
    that replaced it. An insertion exactly at the point goes before it."""
    for edits in chain:
        shift = 0
        for edit in edits:
            if edit.end <= point:
                shift += edit.delta
            elif edit.start < point:
                point = edit.start
                break
            else:
                break
        point += shift
    return point
