"""Rebase by carrying recorded edits, never by re-diffing texts.

An amendment records its edits against its base version; every version records its edits
against its parent. Carrying the amendment's edits through each version's edits, in order,
puts them in the head's coordinates: an edit that overlaps or touches (shares a boundary
with) an edit made since the base is a conflict; any other edit shifts by what was inserted
and deleted before it. The cost grows with the number of edits, not with the text's length,
and the result does not depend on the order in which non-touching amendments were adopted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.text.edits import Edit


@dataclass(frozen=True)
class Clash:
    proposal: Edit  # in the base version's coordinates
    head: Edit  # in the coordinates of the version before `version`
    version: int  # the version whose edit it clashes with

    @property
    def duplicate(self) -> bool:
        """The same change made twice (two members fixing one typo the same way)."""
        return (self.proposal.end - self.proposal.start, self.proposal.replacement) == (
            self.head.end - self.head.start,
            self.head.replacement,
        ) and self.proposal.start == self.head.start


class Conflict(Exception):
    def __init__(self, clashes: list[Clash]) -> None:
        super().__init__(f"{len(clashes)} conflicting edit(s)")
        self.clashes = clashes

    @property
    def duplicate(self) -> bool:
        return all(clash.duplicate for clash in self.clashes)


def _touch(a: Edit, b: Edit) -> bool:
    # Overlapping or sharing a boundary: an insertion at the edge of another's range is
    # ambiguous, and legal text must not be edited in an ambiguous place.
    return a.start <= b.end and b.start <= a.end


def carry(edits: Sequence[Edit], chain: Sequence[tuple[int, Sequence[Edit]]]) -> list[Edit]:
    """Carry `edits` (sorted, in base coordinates) through `chain`: (version number, that
    version's edits against its parent), oldest first. Raises Conflict with every clash,
    each given in the coordinates where it happened."""
    # Where each of our edits started, to report clashes in base coordinates.
    original = list(edits)
    current = list(edits)
    clashes: list[Clash] = []
    for number, theirs in chain:
        moved: list[Edit] = []
        shift = 0
        j = 0
        for index, ours in enumerate(current):
            while j < len(theirs) and theirs[j].end < ours.start:
                shift += theirs[j].delta
                j += 1
            k = j
            while k < len(theirs) and theirs[k].start <= ours.end:
                if _touch(ours, theirs[k]):
                    clashes.append(Clash(original[index], theirs[k], number))
                k += 1
            moved.append(Edit(ours.start + shift, ours.end + shift, ours.replacement))
        if clashes:
            raise Conflict(clashes)
        current = moved
    return current
