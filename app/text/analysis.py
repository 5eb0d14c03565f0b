"""Everything a proposed wording needs from the text engine, computed once, off the lock.

`analyse` is a pure function of two texts: the exact edits (what rebasing trusts), the
suggested kind, the instruction and a diff-match-patch patch. It runs before the write
transaction; a large input runs in the diff worker process (`diffing.run_offloaded`), so a
1 MB proposal never holds the database's write lock nor the server's GIL.
"""

from __future__ import annotations

from dataclasses import dataclass

from diff_match_patch import diff_match_patch

from app.text.classify import suggest_kind
from app.text.edits import Edit, compute_edits
from app.text.instructions import instruction


@dataclass(frozen=True)
class Analysis:
    edits: list[Edit]
    suggested_kind: str
    instruction: str
    patch: str


def patch_text(before: str, edits: list[Edit]) -> str:
    """A diff-match-patch patch made from the exact edits (no second diff)."""
    diffs: list[tuple[int, str]] = []
    cursor = 0
    for edit in edits:
        if edit.start > cursor:
            diffs.append((0, before[cursor : edit.start]))
        if edit.end > edit.start:
            diffs.append((-1, before[edit.start : edit.end]))
        if edit.replacement:
            diffs.append((1, edit.replacement))
        cursor = edit.end
    if cursor < len(before):
        diffs.append((0, before[cursor:]))
    dmp = diff_match_patch()
    return str(dmp.patch_toText(dmp.patch_make(before, diffs)))


def analyse(before: str, after: str, *, first_paragraph: int, timeout: float) -> Analysis:
    edits = compute_edits(before, after, timeout=timeout)
    return Analysis(
        edits=edits,
        suggested_kind=suggest_kind(before, edits),
        instruction=instruction(before, edits, first_paragraph=first_paragraph),
        patch=patch_text(before, edits),
    )
