"""Suggesting whether a change is editorial or substantive.

Editorial: the change touches nothing but layout (spaces, line breaks, blank lines),
punctuation, capitalisation, list or clause numbering at the start of a line (`c)` -> `d)`,
`3.2` -> `3.3`), or fixes an obvious misspelling. Anything else may raise
an issue of substance. The proposer's declared kind stands; this is only a suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.text.edits import Edit
from app.text.hunks import hunks

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_MARKER = re.compile(r"^\(?(?:\d+(?:\.\d+)*|[ivxlcdm]+|[a-z])[.)]?$", re.IGNORECASE)
# What may stand between the start of a line and a changed marker: bullets, an opening
# bracket, and the unchanged leading parts of a clause number ("3." before "2" -> "3").
_LINE_START = re.compile(r"(?:^|\n)[ \t\-*(]*(?:\d+\.)*$")


def _normal(text: str) -> str:
    return _NON_WORD.sub("", text).casefold()


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _is_spelling_fix(old: str, new: str) -> bool:
    old, new = old.strip().casefold(), new.strip().casefold()
    if not old or not new or " " in old or " " in new or old[0] != new[0]:
        return False
    if not (old.isalpha() and new.isalpha()):
        return False
    shorter = min(len(old), len(new))
    allowed = 1 if shorter < 8 else 2
    return shorter >= 4 and _distance(old, new) <= allowed


def _is_renumbering(old: str, new: str, prefix: str) -> bool:
    return (
        bool(_MARKER.match(old.strip()))
        and bool(_MARKER.match(new.strip()))
        and bool(_LINE_START.search(prefix))
    )


def suggest_kind(before: str, edits: Sequence[Edit]) -> str:
    """Each place is judged on its own (see `hunks.py`)."""
    for hunk in hunks(before, edits):
        if hunk.layout_only or _normal(hunk.deleted) == _normal(hunk.inserted):
            continue
        prefix = before[: hunk.start]
        if _is_spelling_fix(hunk.deleted, hunk.inserted):
            continue
        if _is_renumbering(hunk.deleted, hunk.inserted, prefix):
            continue
        return "substantive"
    return "editorial"
