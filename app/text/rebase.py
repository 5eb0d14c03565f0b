"""Rebase by carrying recorded edits, never by re-diffing texts.

An amendment records its edits against its base version; every version records its edits
against its parent. Carrying the amendment's edits through each version's edits, in order,
puts them in the head's coordinates: an edit that overlaps or touches (shares a boundary
with) an edit made since the base is a conflict; any other edit shifts by what was inserted
and deleted before it. The cost grows with the number of edits, not with the text's length,
and the result does not depend on the order in which non-touching amendments were adopted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


def _apart(ours: Edit, theirs: Edit, text: str) -> tuple[Edit, Edit] | None:
    """Two edits that touch only through the spaces both own and both keep (recorded
    edits own the spaces around them: "quick" -> "slow" and "brown" -> "red" in "the quick
    brown fox" share the space between): each without those spaces, when both replace
    words and something unchanged stays between them; None for a real clash."""
    mine, other = ours.trimmed(text), theirs.trimmed(text)
    if mine.start == mine.end or other.start == other.end or _touch(mine, other):
        return None
    return mine, other


def carry(
    edits: Sequence[Edit],
    chain: Sequence[tuple[int, Sequence[Edit]]],
    text_before: Callable[[int], str] | None = None,
) -> list[Edit]:
    """Carry `edits` (sorted, in base coordinates) through `chain`: (version number, that
    version's edits against its parent), oldest first. Raises Conflict with every clash,
    each given in the coordinates where it happened. With `text_before(number)` (the text
    of the version before `number`, read only where edits touch), edits that touch only
    through spaces both keep are carried (see `_apart`)."""
    # Where each of our edits started, to report clashes in base coordinates.
    original = list(edits)
    current = list(edits)
    clashes: list[Clash] = []
    for number, recorded in chain:
        theirs = list(recorded)
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
                    apart = (
                        None
                        if text_before is None
                        else _apart(ours, theirs[k], text_before(number))
                    )
                    if apart is None:
                        clashes.append(Clash(original[index], theirs[k], number))
                    else:
                        ours, theirs[k] = apart
                k += 1
            while j < len(theirs) and theirs[j].end < ours.start:  # now apart, before ours
                shift += theirs[j].delta
                j += 1
            moved.append(Edit(ours.start + shift, ours.end + shift, ours.replacement))
        if clashes:
            raise Conflict(clashes)
        current = moved
    return current
