"""Three-way merge for rebasing an amendment onto a section that moved on.

diff-match-patch's `patch_apply` is a fuzzy matcher: on legal text it can land a hunk in a
similar place. Here every edit is a range in base coordinates; a proposal applies onto the
head only when none of its edits overlaps or touches an edit made since the base, and then
lands exactly where the base text it replaces now sits.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.text.diffing import raw_diff


@dataclass(frozen=True)
class Edit:
    start: int  # in base coordinates
    end: int
    replacement: str

    @property
    def delta(self) -> int:
        return len(self.replacement) - (self.end - self.start)


@dataclass(frozen=True)
class Clash:
    proposal: Edit
    head: Edit


class MergeConflict(Exception):
    def __init__(self, clashes: list[Clash]) -> None:
        super().__init__(f"{len(clashes)} conflicting edit(s)")
        self.clashes = clashes


def edits(base: str, other: str, *, timeout: float = 2.0) -> list[Edit]:
    """The changes from `base` to `other` as ranges of `base` and their replacements."""
    found: list[Edit] = []
    position = 0
    start: int | None = None
    replacement: list[str] = []
    for op, text in raw_diff(base, other, timeout=timeout):
        if op == 0:
            if start is not None:
                found.append(Edit(start, position, "".join(replacement)))
                start, replacement = None, []
            position += len(text)
            continue
        if start is None:
            start = position
        if op == -1:
            position += len(text)
        else:
            replacement.append(text)
    if start is not None:
        found.append(Edit(start, position, "".join(replacement)))
    return found


def _clash(a: Edit, b: Edit) -> bool:
    # Overlapping or touching (sharing a boundary) ranges conflict; so does an insertion at
    # the edge of the other's range: legal text must not be edited in an ambiguous place.
    return a.start <= b.end and b.start <= a.end


def merge(base: str, proposal: str, head: str, *, timeout: float = 2.0) -> str:
    """Carry the edits base->proposal onto head, or raise MergeConflict."""
    if head == base:
        return proposal
    if proposal == base:
        return head
    ours = edits(base, proposal, timeout=timeout)
    theirs = edits(base, head, timeout=timeout)
    clashes = [Clash(p, h) for p in ours for h in theirs if _clash(p, h)]
    if clashes:
        raise MergeConflict(clashes)
    out: list[str] = []
    cursor = 0
    # Walk base left to right, taking each region from whichever side edited it.
    for edit in sorted([*ours, *theirs], key=lambda e: (e.start, e.end)):
        out.append(base[cursor : edit.start])
        out.append(edit.replacement)
        cursor = edit.end
    out.append(base[cursor:])
    return "".join(out)
