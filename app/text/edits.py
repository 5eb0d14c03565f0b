"""Exact edits: what changed from one text to another, as ranges of the first text.

An edit list is the record that rebasing trusts (see `rebase.py`), so it comes from a raw
word-level diff with no semantic cleanup: two changes separated by untouched words stay two
edits, and each edit covers whole words (a one-letter fix replaces its word). Cleanup that
reads better to people belongs to `diffing.py`, never here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from diff_match_patch import diff_match_patch

# Words, runs of spaces or tabs, single line breaks and single punctuation marks: a line
# break is a token of its own, so re-wrapping a line is a small edit, not a rewritten line.
_TOKEN = re.compile(r"\w+|[ \t]+|\n|[^\w\s]|\s", re.UNICODE)
# One code point per distinct token, from the supplementary planes (no surrogates there).
_FIRST_CODE = 0x10000
_MAX_TOKENS = 0x10FFFF - _FIRST_CODE


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace `before[start:end]` with `replacement` (an insertion when start == end)."""

    start: int
    end: int
    replacement: str

    @property
    def delta(self) -> int:
        return len(self.replacement) - (self.end - self.start)

    def to_json(self) -> list[object]:
        return [self.start, self.end, self.replacement]

    def trimmed(self, text: str) -> Edit:
        """Without the spaces it owns (see `absorb_spacing`): the change as people see it."""
        old, new = text[self.start : self.end], self.replacement
        lead = 0
        while lead < min(len(old), len(new)) and old[lead] == new[lead] and old[lead] in " \t":
            lead += 1
        trail = 0
        while (
            trail < min(len(old), len(new)) - lead
            and old[-1 - trail] == new[-1 - trail]
            and old[-1 - trail] in " \t"
        ):
            trail += 1
        return Edit(self.start + lead, self.end - trail, new[lead : len(new) - trail])


def from_json(raw: Iterable[Sequence[object]]) -> list[Edit]:
    return [Edit(int(str(s)), int(str(e)), str(r)) for s, e, r in raw]


def to_json(edits: Iterable[Edit]) -> list[list[object]]:
    return [edit.to_json() for edit in edits]


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """`edits` are sorted, in `text`'s coordinates, and do not overlap."""
    out: list[str] = []
    cursor = 0
    for edit in edits:
        out.append(text[cursor : edit.start])
        out.append(edit.replacement)
        cursor = edit.end
    out.append(text[cursor:])
    return "".join(out)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def compute_edits(before: str, after: str, *, timeout: float = 10.0) -> list[Edit]:
    """The edits that turn `before` into `after`, word by word.

    Bounded: past `timeout` seconds diff-match-patch returns a coarser diff (fewer, larger
    edits). Coarser edits can only make a later rebase refuse more, never misplace text."""
    if before == after:
        return []
    prefix = _common_prefix_tokens(before, after)
    suffix = _common_suffix_tokens(before[prefix:], after[prefix:])
    middle_before = before[prefix : len(before) - suffix]
    middle_after = after[prefix : len(after) - suffix]
    if not middle_before or not middle_after:
        return absorb_spacing(before, [Edit(prefix, prefix + len(middle_before), middle_after)])
    vocabulary: dict[str, str] = {}
    words: list[str] = []

    def encode(tokens: list[str]) -> str:
        codes = []
        for token in tokens:
            code = vocabulary.get(token)
            if code is None:
                if len(words) >= _MAX_TOKENS:  # cannot happen below ~1M distinct tokens
                    raise ValueError("too many distinct words")
                code = chr(_FIRST_CODE + len(words))
                vocabulary[token] = code
                words.append(token)
            codes.append(code)
        return "".join(codes)

    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout
    coded: list[tuple[int, str]] = dmp.diff_main(
        encode(_tokens(middle_before)), encode(_tokens(middle_after)), False
    )
    found: list[Edit] = []
    position = prefix
    start: int | None = None
    inserted: list[str] = []
    for op, codes in coded:
        text = "".join(words[ord(c) - _FIRST_CODE] for c in codes)
        if op == 0:
            if start is not None:
                found.append(Edit(start, position, "".join(inserted)))
                start, inserted = None, []
            position += len(text)
            continue
        if start is None:
            start = position
        if op == -1:
            position += len(text)
        else:
            inserted.append(text)
    if start is not None:
        found.append(Edit(start, position, "".join(inserted)))
    return absorb_spacing(before, found)


def absorb_spacing(before: str, edits: Sequence[Edit]) -> list[Edit]:
    """Widen each edit over the spaces next to it, joining edits that then meet.

    Where a word is inserted between two spaces, the diff may put it on either side of
    one of them; two members inserting at "the same place" must meet, whichever side
    their diffs chose. So an edit owns the spaces around it, and two edits separated by
    nothing but spaces touch (and, from two amendments, conflict)."""
    groups: list[list[Edit]] = []
    for edit in edits:
        if groups and not before[groups[-1][-1].end : edit.start].strip(" \t"):
            groups[-1].append(edit)
        else:
            groups.append([edit])
    out: list[Edit] = []
    for group in groups:
        first, last = group[0].start, group[-1].end
        start, end = first, last
        while start > 0 and before[start - 1] in " \t":
            start -= 1
        while end < len(before) and before[end] in " \t":
            end += 1
        local = [Edit(e.start - first, e.end - first, e.replacement) for e in group]
        middle = apply_edits(before[first:last], local)
        out.append(Edit(start, end, before[start:first] + middle + before[last:end]))
    return out


def _common_prefix_tokens(a: str, b: str) -> int:
    """Length of the common prefix, cut back to a token boundary of both texts."""
    n = _common_prefix(a, b)
    if n == len(a) == len(b):
        return n
    # Back off to the start of the token that the first difference falls in.
    while n > 0 and (_same_token_class(a, n - 1, n) or _same_token_class(b, n - 1, n)):
        n -= 1
    return n


def _common_suffix_tokens(a: str, b: str) -> int:
    n = _common_suffix(a, b)
    la, lb = len(a), len(b)
    while n > 0 and (
        _same_token_class(a, la - n - 1, la - n) or _same_token_class(b, lb - n - 1, lb - n)
    ):
        n -= 1
    return n


# Common ends are found a chunk at a time, then by binary search inside the first chunk that
# differs: each character is copied once. A binary search on slices of the whole texts copies
# them once per step, which for a section of non-ASCII text (two or four bytes a character)
# was most of the analysis of a one-word edit.
_CHUNK = 512


def _common_prefix(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    start = 0
    while start < limit:
        end = min(start + _CHUNK, limit)
        if a[start:end] != b[start:end]:
            break
        start = end
    else:
        return limit
    low, high = start, end - 1  # the chunk differs: the prefix ends inside it
    while low < high:  # slices of one chunk: C speed, not a Python loop per character
        mid = (low + high + 1) // 2
        if a[start:mid] == b[start:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _common_suffix(a: str, b: str) -> int:
    """`_common_prefix` of the reversed texts, without reversing them."""
    la, lb = len(a), len(b)
    limit = min(la, lb)
    start = 0
    while start < limit:
        end = min(start + _CHUNK, limit)
        if a[la - end : la - start] != b[lb - end : lb - start]:
            break
        start = end
    else:
        return limit
    low, high = start, end - 1
    while low < high:
        mid = (low + high + 1) // 2
        if a[la - mid : la - start] == b[lb - mid : lb - start]:
            low = mid
        else:
            high = mid - 1
    return low


def _same_token_class(text: str, i: int, j: int) -> bool:
    """Whether positions i and j (adjacent) may belong to one token."""
    if i < 0 or j >= len(text):
        return False
    x, y = text[i], text[j]
    if x.isalnum() or x == "_":
        return y.isalnum() or y == "_"
    return x in " \t" and y in " \t"
