"""Files that mix LF and CRLF line breaks, given back byte for byte.

The text engine works on LF text. A file using one kind of break throughout is remembered by
that kind. A file mixing both keeps its front matter and heading lines as written, and for
each section's text the places (among the text's line breaks) of those that are not the
file's usual kind. When a section's text has changed since the import, its lines are matched
with the imported ones: an unchanged or reworded line keeps its break, a new line gets the
usual kind.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

CRLF = "\r\n"
LF = "\n"
_LINE = re.compile(r"[^\n]*\n|[^\n]+$")


@dataclass(frozen=True)
class Lines:
    raw: list[str]  # as written
    plain: list[str]  # each ending with LF (or nothing, the last)
    newline: str  # the kind most lines use
    mixed: bool

    def written(self, indexes: Sequence[int]) -> str:
        """These lines as the file has them: as written when it mixes breaks (they are
        stored so), else with LF (the export writes the file's one kind)."""
        source = self.raw if self.mixed else self.plain
        return "".join(source[i] for i in indexes)

    def others(self, indexes: Sequence[int]) -> tuple[int, ...]:
        """The places, among these lines' breaks, of the breaks not of the usual kind."""
        if not self.mixed:
            return ()
        return tuple(
            place
            for place, i in enumerate(indexes)
            if self.raw[i].endswith(LF) and self.raw[i].endswith(CRLF) != (self.newline == CRLF)
        )


def split(source: str) -> Lines:
    raw = _LINE.findall(source)
    plain = [line[:-2] + LF if line.endswith(CRLF) else line for line in raw]
    crlf = sum(1 for line in raw if line.endswith(CRLF))
    lf = sum(1 for line in raw if line.endswith(LF)) - crlf
    newline = CRLF if crlf and crlf >= lf else LF
    return Lines(raw=raw, plain=plain, newline=newline, mixed=bool(crlf and lf))


def restore(text: str, newline: str, others: Collection[int], original: str | None) -> str:
    """`text` (LF) with each break as the file had it: `others` are the places of the other
    kind in `original`, the text as imported (None: `text` is that text)."""
    other = LF if newline == CRLF else CRLF
    pieces = text.split(LF)
    kinds = _other_kinds(pieces, frozenset(others), None if original == text else original)
    out: list[str] = []
    for piece, is_other in zip(pieces, kinds, strict=False):
        out.append(piece)
        out.append(other if is_other else newline)
    out.append(pieces[-1])
    return "".join(out)


def _other_kinds(pieces: list[str], others: Collection[int], original: str | None) -> list[bool]:
    breaks = len(pieces) - 1
    if original is None:
        return [place in others for place in range(breaks)]
    old = original.split(LF)
    kinds = [False] * breaks
    matcher = SequenceMatcher(None, old, pieces, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag not in ("equal", "replace"):
            continue  # an inserted line takes the usual kind
        for j in range(j1, min(j2, breaks)):
            i = min(i1 + (j - j1), i2 - 1)
            kinds[j] = i < len(old) - 1 and i in others
    return kinds
