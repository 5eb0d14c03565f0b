"""Split an (old, new) revision pair into independent changes.

Tokens are words, runs of blanks, newlines and single punctuation characters. The token
sequences are diffed with difflib's SequenceMatcher (autojunk off), anchored on whole lines
first so that documents of a few hundred kilobytes diff in well under a second: unchanged
lines are matched line by line, and each block of changed lines is then diffed token by token.
Two changed regions are separate changes only if at least `MIN_WORDS_BETWEEN` unchanged word
tokens separate them; otherwise they are merged into one change.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

TOKEN_RE = re.compile(r"\w+|[ \t]+|\n|[^\w\s]|\s")
WORD_RE = re.compile(r"\w+")
MIN_WORDS_BETWEEN = 3

Tag = Literal["equal", "replace", "delete", "insert"]
Opcode = tuple[Tag, int, int, int, int]


@dataclass(frozen=True, order=True)
class Change:
    """Replace old[start:end] by `replacement` (old-text character coordinates)."""

    start: int
    end: int
    replacement: str

    def to_json(self) -> dict[str, int | str]:
        return {"start": self.start, "end": self.end, "replacement": self.replacement}

    @classmethod
    def from_json(cls, data: dict[str, int | str]) -> Change:
        start, end, replacement = data["start"], data["end"], data["replacement"]
        if not (isinstance(start, int) and isinstance(end, int) and isinstance(replacement, str)):
            raise ValueError(f"malformed change: {data!r}")
        return cls(start, end, replacement)


def tokenize(text: str) -> list[str]:
    tokens: list[str] = TOKEN_RE.findall(text)
    if "".join(tokens) != text:  # the pattern covers every character; this is a guard
        raise AssertionError("tokenizer lost characters")
    return tokens


def _offsets(tokens: list[str]) -> list[int]:
    """offsets[i] is the character position where token i starts; offsets[-1] is the length."""
    offsets = [0]
    for token in tokens:
        offsets.append(offsets[-1] + len(token))
    return offsets


def _lines(tokens: list[str]) -> list[tuple[str, ...]]:
    """Group tokens into lines (each line keeps its trailing newline token)."""
    lines: list[tuple[str, ...]] = []
    current: list[str] = []
    for token in tokens:
        current.append(token)
        if token == "\n":
            lines.append(tuple(current))
            current = []
    if current:
        lines.append(tuple(current))
    return lines


def token_opcodes(old_tokens: list[str], new_tokens: list[str]) -> list[Opcode]:
    """Token-level opcodes (difflib's format), anchored on unchanged lines."""
    old_lines, new_lines = _lines(old_tokens), _lines(new_tokens)
    old_line_start = [0]
    for line in old_lines:
        old_line_start.append(old_line_start[-1] + len(line))
    new_line_start = [0]
    for line in new_lines:
        new_line_start.append(new_line_start[-1] + len(line))

    opcodes: list[Opcode] = []
    line_matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in line_matcher.get_opcodes():
        a1, a2 = old_line_start[i1], old_line_start[i2]
        b1, b2 = new_line_start[j1], new_line_start[j2]
        if tag == "equal":
            opcodes.append(("equal", a1, a2, b1, b2))
            continue
        token_matcher = difflib.SequenceMatcher(
            None, old_tokens[a1:a2], new_tokens[b1:b2], autojunk=False
        )
        for sub_tag, x1, x2, y1, y2 in token_matcher.get_opcodes():
            opcodes.append((sub_tag, a1 + x1, a1 + x2, b1 + y1, b1 + y2))
    return opcodes


def split_changes(old: str, new: str, min_words_between: int = MIN_WORDS_BETWEEN) -> list[Change]:
    """Independent changes turning `old` into `new`, sorted by position."""
    old_tokens, new_tokens = tokenize(old), tokenize(new)
    old_offsets, new_offsets = _offsets(old_tokens), _offsets(new_tokens)

    groups: list[list[Opcode]] = []
    for opcode in token_opcodes(old_tokens, new_tokens):
        if opcode[0] == "equal":
            continue
        if groups:
            previous_end = groups[-1][-1][2]
            between = old_tokens[previous_end : opcode[1]]
            words_between = sum(1 for token in between if WORD_RE.fullmatch(token))
            if words_between < min_words_between:
                groups[-1].append(opcode)
                continue
        groups.append([opcode])

    changes = []
    for group in groups:
        _, i1, _, j1, _ = group[0]
        _, _, i2, _, j2 = group[-1]
        replacement = new[new_offsets[j1] : new_offsets[j2]]
        changes.append(Change(old_offsets[i1], old_offsets[i2], replacement))
    if apply_changes(old, changes) != new:
        raise AssertionError("changes do not reproduce the new text")
    return changes


def apply_changes(old: str, changes: list[Change]) -> str:
    """Apply sorted, non-overlapping changes to `old`."""
    parts: list[str] = []
    position = 0
    for change in changes:
        if change.start < position or change.end < change.start or change.end > len(old):
            raise ValueError(f"change out of order or out of range: {change.start}-{change.end}")
        parts.append(old[position : change.start])
        parts.append(change.replacement)
        position = change.end
    parts.append(old[position:])
    return "".join(parts)
