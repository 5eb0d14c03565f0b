"""Quoting whole tokens, for `instructions.py`.

A change glued to unchanged characters (no space between) is quoted with the whole token it
is part of, so that reading it aloud never breaks a word or a code token; and places whose
tokens then overlap are one place, so no numbered step quotes words another step changes.
"""

from __future__ import annotations

from itertools import pairwise

from app.text.hunks import Hunk

SENTENCE_MARKS = ".,;:!?"


def whole_tokens(hunk: Hunk, scope: str) -> Hunk:
    """A change glued to unchanged characters (no space between) quotes the whole token
    it is part of: "replace "'...'" with "f'...'"", never "after "return" insert "f"",
    which breaks the token when read aloud. Sentence punctuation after a word does not glue
    ("today." stays "today")."""
    old, new = hunk.deleted, hunk.inserted
    lead = 0
    while lead < min(len(old), len(new)) and old[lead] == new[lead] and old[lead].isspace():
        lead += 1
    trail = 0
    while (
        trail < min(len(old), len(new)) - lead
        and old[-1 - trail] == new[-1 - trail]
        and old[-1 - trail].isspace()
    ):
        trail += 1
    old, new = old[lead : len(old) - trail], new[lead : len(new) - trail]
    start, end = hunk.start + lead, hunk.end - trail
    if not (old + new).strip():
        return hunk
    first, last = (old or new)[:1], (old or new)[-1:]
    glued_left = start > 0 and _solid(scope[start - 1]) and _solid(first)
    glued_left = glued_left and first not in SENTENCE_MARKS  # ", the private sector"
    glued_right = end < len(scope) and _solid(scope[end]) and _solid(last)
    glued_right = glued_right and not _ends_sentence(scope, end)  # "today."
    if glued_left:
        while start > 0 and _solid(scope[start - 1]):
            start -= 1
    if glued_right:
        while end < len(scope) and _solid(scope[end]) and not _ends_sentence(scope, end):
            end += 1
    if not (glued_left or glued_right):
        return hunk
    return Hunk(
        start,
        end,
        scope[start:end],
        scope[start : hunk.start] + hunk.inserted + scope[hunk.end : end],
    )


def _solid(char: str) -> bool:
    return bool(char) and not char.isspace()


def _ends_sentence(scope: str, at: int) -> bool:
    """A punctuation mark at `at` that closes a word ("met." but not "3.2")."""
    after = scope[at + 1 : at + 2]
    return scope[at] in SENTENCE_MARKS and (not after or after.isspace())


def merged(text: str, found: list[Hunk]) -> list[Hunk]:
    """`found` (sorted, in `text`'s coordinates) as whole-token places, those whose tokens
    overlap joined into one (`:ref:` -> `:doc:` and `foo` -> `bar` in ":ref:`foo`")."""
    groups: list[list[Hunk]] = []
    reach = -1
    for hunk in found:
        widened = whole_tokens(hunk, text)
        if groups and widened.start < reach:
            groups[-1].append(hunk)
        else:
            groups.append([hunk])
        reach = max(reach, widened.end) if len(groups[-1]) > 1 else widened.end
    out: list[Hunk] = []
    for group in groups:
        start, end = group[0].start, group[-1].end
        inserted = [group[0].inserted]
        for previous, hunk in pairwise(group):
            inserted.append(text[previous.end : hunk.start] + hunk.inserted)
        out.append(whole_tokens(Hunk(start, end, text[start:end], "".join(inserted)), text))
    return out
