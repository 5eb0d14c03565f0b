"""Steps that change paragraphs as wholes, for `instructions.py`.

A change of layout alone that makes or removes a blank line splits or joins paragraphs
(a page-break line replaced with a blank line): the numbering changes, so the instruction
says it. And when many small steps hit a run of paragraphs, "Replace paragraphs 27-51 with
the following" and the new text is said instead, when that is shorter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.text.edits import Edit, apply_edits
from app.text.hunks import Hunk
from app.text.paragraphs import Block

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_WORD = re.compile(r"\S+")
_MIN_STEPS = 3  # fewer steps read well enough one by one


def paragraph_break(before: str, hunk: Hunk) -> str | None:
    """For a change of layout alone: "split" when it makes a blank line where there was
    none (a new paragraph starts), "join" when it removes the only one, else None."""
    # The whole run of spacing around the change: a blank line may stand on either side.
    start, end = hunk.start, hunk.end
    while start > 0 and before[start - 1].isspace():
        start -= 1
    while end < len(before) and before[end].isspace():
        end += 1
    lead, trail = before[start : hunk.start], before[hunk.end : end]
    was = bool(_BLANK_LINE.search(lead + hunk.deleted + trail))
    now = bool(_BLANK_LINE.search(lead + hunk.inserted + trail))
    if now and not was:
        return "split"
    if was and not now:
        return "join"
    return None


def break_step(before: str, hunk: Hunk, how: str, number: int) -> str:
    """The step for a paragraph split or joined at `hunk` (`number`: the paragraph's)."""
    if how == "join":
        return f"Join paragraphs {number} and {number + 1} into one paragraph."
    words = _WORD.findall(before[hunk.end :])[:3]
    cause = " (a page break becomes a blank line)" if "\f" in hunk.deleted else ""
    return f'In paragraph {number}, start a new paragraph at "{" ".join(words)}"{cause}.'


def whole_paragraphs(
    before: str,
    edits: Sequence[Edit],
    numbered: Sequence[Block],
    first_paragraph: int,
    steps: list[str],
) -> str | None:
    """ "Replace paragraphs X-Y with the following:" and their new text, when every edit
    lies in that run of paragraphs and saying so is shorter than the `steps`."""
    if len(steps) < _MIN_STEPS or not numbered or not edits:
        return None
    touched = [
        i
        for i, block in enumerate(numbered)
        if any(block.start <= e.end and e.start <= block.end for e in edits)
    ]
    if not touched:
        return None
    start, end = numbered[touched[0]].start, numbered[touched[-1]].end
    if edits[0].start < start or edits[-1].end > end:
        return None  # a heading or a new paragraph outside the run: the steps say it
    shift = sum(edit.delta for edit in edits)
    new = apply_edits(before, edits)[start : end + shift].strip()
    if not new:
        return None
    first, last = first_paragraph + touched[0], first_paragraph + touched[-1]
    span = f"paragraph {first}" if first == last else f"paragraphs {first}-{last}"
    whole = f'Replace {span} with the following:\n"{new}"'
    said = sum(len(step) for step in steps)
    return whole if len(whole) < said else None
