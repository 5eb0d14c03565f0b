"""Places a person would name: edits close together, read as one change.

Recorded edits are word by word ("quick" -> "slow", " ", "brown" -> "red"); a chair reads
one change ("replace "quick brown" with "slow red""). Edits separated by at most one word
and no paragraph break form one hunk. Shared by the instruction and the suggested kind, so
both judge the same places.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.text.edits import Edit, apply_edits

_SHORT_GAP = re.compile(r"[ \t]*(?:\w+|[^\w\s])?[ \t]*\n?[ \t]*")


@dataclass(frozen=True)
class Hunk:
    start: int  # in the base text
    end: int
    deleted: str
    inserted: str

    @property
    def layout_only(self) -> bool:
        """Only spaces, line breaks or blank lines change; the words stay the same."""
        return self.deleted.split() == self.inserted.split()


def hunks(before: str, edits: Sequence[Edit]) -> list[Hunk]:
    groups: list[list[Edit]] = []
    for edit in edits:
        if groups:
            gap = before[groups[-1][-1].end : edit.start]
            joinable = not _layout(before, groups[-1][-1]) and not _layout(before, edit)
            if joinable and "\n\n" not in gap and _SHORT_GAP.fullmatch(gap):
                groups[-1].append(edit)
                continue
        groups.append([edit])
    found = []
    for group in groups:
        start, end = group[0].start, group[-1].end
        local = [Edit(e.start - start, e.end - start, e.replacement) for e in group]
        found.append(Hunk(start, end, before[start:end], apply_edits(before[start:end], local)))
    return found


def _layout(before: str, edit: Edit) -> bool:
    # A layout edit (a re-wrapped line, a heading's underline redrawn) next to a word edit
    # is named on its own.
    old, new = before[edit.start : edit.end], edit.replacement
    return (not old.strip() and not new.strip()) or is_underline(before, edit.start, edit.end, new)


# A heading's underline (reStructuredText, Markdown's setext headings): one mark repeated.
_UNDERLINE = re.compile(r"[ \t]*([=\-~^*+#`'\".:_])\1{2,}[ \t]*")


def is_underline(before: str, start: int, end: int, new: str) -> bool:
    """Whether replacing `before[start:end]` with `new` only lengthens or shortens the
    underline of a heading: its marks are no word of the heading."""
    line_start = before.rfind("\n", 0, start) + 1
    line_end = before.find("\n", end)
    line = before[line_start : len(before) if line_end < 0 else line_end]
    mark = _UNDERLINE.fullmatch(line)
    changed = (before[start:end] + new).strip()
    return mark is not None and bool(changed) and set(changed) == {mark[1]}
