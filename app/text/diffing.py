"""Diffs for people: diff-match-patch with semantic cleanup, by character or by word."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Literal

from diff_match_patch import diff_match_patch

from app.text import offload
from app.text.edits import Edit

Op = Literal["equal", "insert", "delete"]
Granularity = Literal["char", "word"]
Diff = list[tuple[Op, str]]

_OPS: dict[int, Op] = {0: "equal", 1: "insert", -1: "delete"}
_WORD = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


def engine(timeout: float) -> diff_match_patch:
    """A matcher whose work is bounded: `timeout` seconds, then a coarser but valid diff."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout
    return dmp


def raw_diff(before: str, after: str, *, timeout: float) -> list[tuple[int, str]]:
    """diff-match-patch's own tuples (-1/0/1), semantically cleaned up."""
    dmp = engine(timeout)
    diffs: list[tuple[int, str]] = dmp.diff_main(before, after)
    dmp.diff_cleanupSemantic(diffs)
    return diffs


def from_edits(text: str, edits: Sequence[Edit]) -> Diff:
    """Tracked changes for people from exact edits of `text` (no diffing of texts): the
    edits as they are, then semantic cleanup so a rewritten phrase reads as one change."""
    raw: list[tuple[int, str]] = []
    cursor = 0
    for edit in (e.trimmed(text) for e in edits):
        raw.append((0, text[cursor : edit.start]))
        raw.append((-1, text[edit.start : edit.end]))
        raw.append((1, edit.replacement))
        cursor = edit.end
    raw.append((0, text[cursor:]))
    raw = [(op, chunk) for op, chunk in raw if chunk]
    diff_match_patch().diff_cleanupSemantic(raw)
    return [(_OPS[op], chunk) for op, chunk in raw]


def diff(
    before: str, after: str, *, granularity: Granularity = "char", timeout: float = 2.0
) -> Diff:
    if granularity == "word":
        return [(_OPS[op], text) for op, text in _word_diff(before, after, timeout)]
    return [(_OPS[op], text) for op, text in raw_diff(before, after, timeout=timeout)]


def _word_diff(before: str, after: str, timeout: float) -> list[tuple[int, str]]:
    """Word diff of the changed middle only: the common prefix and suffix (cut at whitespace,
    so no word is split) stay one equal run. A one-word edit in 20 KB costs microseconds."""
    dmp = engine(timeout)
    prefix = dmp.diff_commonPrefix(before, after)
    prefix = max(before.rfind(" ", 0, prefix), before.rfind("\n", 0, prefix)) + 1
    suffix = dmp.diff_commonSuffix(before[prefix:], after[prefix:])
    if suffix:
        tail = before[len(before) - suffix :]
        cut = min(i for i in (tail.find(" "), tail.find("\n"), len(tail)) if i >= 0)
        suffix -= cut
    middle = _word_diff_all(
        before[prefix : len(before) - suffix], after[prefix : len(after) - suffix], timeout
    )
    out: list[tuple[int, str]] = []
    if prefix:
        out.append((0, before[:prefix]))
    out.extend(middle)
    if suffix:
        out.append((0, before[len(before) - suffix :]))
    merged: list[tuple[int, str]] = []
    for op, text in out:
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        elif text:
            merged.append((op, text))
    return merged


def _word_diff_all(before: str, after: str, timeout: float) -> list[tuple[int, str]]:
    vocabulary: dict[str, str] = {}
    tokens: list[str] = []

    def encode(text: str) -> str:
        out = []
        for token in _WORD.findall(text):
            code = vocabulary.get(token)
            if code is None:
                # Private-use and beyond: one code point per distinct token.
                if len(tokens) >= 0xFFFD:
                    raise ValueError("too many distinct words")
                code = chr(0xF0000 + len(tokens))
                vocabulary[token] = code
                tokens.append(token)
            out.append(code)
        return "".join(out)

    try:
        a, b = encode(before), encode(after)
    except ValueError:
        return raw_diff(before, after, timeout=timeout)
    dmp = engine(timeout)
    coded: list[tuple[int, str]] = dmp.diff_main(a, b, False)
    # Clean up while one code point is one word, so edits stay on word boundaries.
    dmp.diff_cleanupSemantic(coded)
    return [(op, "".join(tokens[ord(c) - 0xF0000] for c in text)) for op, text in coded]


def diff_offloaded(
    before: str, after: str, *, granularity: Granularity = "char", timeout: float = 2.0
) -> Diff:
    """Big diffs run in the worker process (see offload.py)."""
    return offload.run(
        diff, before, after, size=len(before) + len(after), granularity=granularity, timeout=timeout
    )


def compact_ops(before: str, after: str) -> list[list[object]]:
    """A word diff a screen can apply to the wording it holds: equal runs as lengths."""
    out: list[list[object]] = []
    for op, text in diff(before, after, granularity="word"):
        if op == "equal":
            out.append(["=", len(text)])
        else:
            out.append(["+" if op == "insert" else "-", text])
    return out


def stats(ops: Diff) -> dict[str, int]:
    return {
        "inserted_chars": sum(len(t) for op, t in ops if op == "insert"),
        "deleted_chars": sum(len(t) for op, t in ops if op == "delete"),
    }


def _escape(text: str) -> str:
    return html.escape(text).replace("\n", "<br>\n")


def to_html(ops: Diff, *, context: int | None = None) -> str:
    """Tracked changes as <ins>/<del>. With `context`, unchanged paragraphs further than
    `context` paragraphs from a change collapse into one marker."""
    parts: list[str] = []
    last = len(ops) - 1
    for index, (op, text) in enumerate(ops):
        if op == "insert":
            parts.append(f"<ins>{_escape(text)}</ins>")
        elif op == "delete":
            parts.append(f"<del>{_escape(text)}</del>")
        elif context is None:
            parts.append(_escape(text))
        else:
            parts.append(_collapse(text, context, first=index == 0, last=index == last))
    return "".join(parts)


def _collapse(text: str, context: int, *, first: bool, last: bool) -> str:
    paragraphs = re.split(r"(\n[ \t]*\n)", text)
    # paragraphs alternates [para, sep, para, sep, ...]
    paras = paragraphs[0::2]
    seps = paragraphs[1::2]
    keep_head = 0 if first else context + 1  # the paragraph touching the previous change
    keep_tail = 0 if last else context + 1
    if len(paras) <= keep_head + keep_tail + 1:
        return _escape(text)
    hidden = len(paras) - keep_head - keep_tail
    head = "".join(p + s for p, s in zip(paras[:keep_head], seps[:keep_head], strict=False))
    tail_start = len(paras) - keep_tail
    tail = "".join(s + p for s, p in zip(seps[tail_start - 1 :], paras[tail_start:], strict=False))
    marker = f'<span class="collapsed" title="{hidden} unchanged paragraphs">[…]</span>'
    return _escape(head) + marker + _escape(tail)
