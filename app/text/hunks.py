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
    # A layout edit (a re-wrapped line) next to a word edit is named on its own.
    return not before[edit.start : edit.end].strip() and not edit.replacement.strip()
