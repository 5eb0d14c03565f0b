"""Bracketed text: two or more wordings of one passage kept side by side as
`[option A / option B]`, the way negotiators keep a point open. Pure text logic.

The bracket sits where the wordings differ: the longest prefix and suffix they all share
stay outside it, cut back to word boundaries so that a bracket holds whole words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.text.edits import Edit

OPEN, SEPARATOR, CLOSE = "[", " / ", "]"


@dataclass(frozen=True)
class Bracketed:
    text: str  # the whole text with the bracket in it
    start: int  # the bracket's span in `text`, "[" to "]" inclusive
    end: int
    options: tuple[str, ...]  # each wording's part inside the bracket, in the given order


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _splits_a_word(text: str, at: int) -> bool:
    return 0 < at < len(text) and _is_word(text[at - 1]) and _is_word(text[at])


def _common_prefix(texts: Sequence[str]) -> int:
    shortest = min(len(t) for t in texts)
    n = 0
    while n < shortest and all(t[n] == texts[0][n] for t in texts):
        n += 1
    while n > 0 and any(_splits_a_word(t, n) for t in texts):
        n -= 1
    return n


def _common_suffix(texts: Sequence[str], prefix: int) -> int:
    room = min(len(t) for t in texts) - prefix
    n = 0
    while n < room and all(t[len(t) - 1 - n] == texts[0][len(texts[0]) - 1 - n] for t in texts):
        n += 1
    while n > 0 and any(_splits_a_word(t, len(t) - n) for t in texts):
        n -= 1
    return n


def bracket(texts: Sequence[str]) -> Bracketed | None:
    """One text holding every wording of `texts` (whole texts of one section) as a bracket
    where they differ; None when they do not differ."""
    if len(texts) < 2 or all(t == texts[0] for t in texts):
        return None
    prefix = _common_prefix(texts)
    suffix = _common_suffix(texts, prefix)
    options = tuple(t[prefix : len(t) - suffix] for t in texts)
    inside = OPEN + SEPARATOR.join(options) + CLOSE
    head, tail = texts[0][:prefix], texts[0][len(texts[0]) - suffix :]
    return Bracketed(
        text=head + inside + tail,
        start=len(head),
        end=len(head) + len(inside),
        options=options,
    )


def carry_bracket(
    after: str, start: int, end: int, edits: Sequence[Edit]
) -> tuple[int, int] | None:
    """The bracket at [start, end) carried through one version's `edits` (its coordinates,
    sorted) into `after`, the new text; None once the text there no longer holds a bracket.

    Edits clear of the bracket move it. Edits that reach into it widen the region to look
    at; the bracket survives if that region still holds `[... / ...]` (an option's wording
    was fixed), narrowed to its outermost brackets; otherwise it was removed or chosen."""
    shift_before = shift_inside = 0
    low, high, touched = start, end, False
    for edit in edits:
        if edit.end <= start:  # an insertion right at the bracket goes before it
            shift_before += edit.delta
        elif edit.start >= end:
            break
        else:
            low, high, touched = min(low, edit.start), max(high, edit.end), True
            shift_inside += edit.delta
    new_low = low + shift_before
    new_high = high + shift_before + shift_inside
    if not touched:
        return new_low, new_high
    region = after[new_low:new_high]
    opening, closing = region.find(OPEN), region.rfind(CLOSE)
    if opening < 0 or closing < opening or SEPARATOR not in region[opening:closing]:
        return None
    return new_low + opening, new_low + closing + 1
