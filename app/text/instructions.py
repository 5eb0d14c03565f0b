"""An amendment in the words a chair reads out:
`In paragraph 12, after "governments" insert ", the private sector and civil society"`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.text.diffing import diff
from app.text.paragraphs import blocks

_MAX_QUOTE = 300
_WORDS = re.compile(r"\S+")


@dataclass(frozen=True)
class Hunk:
    start: int  # offset in the base text
    deleted: str
    inserted: str


def hunks(before: str, after: str) -> list[Hunk]:
    found: list[Hunk] = []
    ops = diff(before, after, granularity="word")
    position = 0
    index = 0
    while index < len(ops):
        op, text = ops[index]
        if op == "equal":
            position += len(text)
            index += 1
            continue
        start = position
        deleted, inserted = "", ""
        while index < len(ops) and ops[index][0] != "equal":
            if ops[index][0] == "delete":
                deleted += ops[index][1]
            else:
                inserted += ops[index][1]
            index += 1
        position += len(deleted)
        found.append(Hunk(start, deleted, inserted))
    return found


def _quote(text: str) -> str:
    text = " ".join(text.split()) if "\n\n" not in text else text.strip()
    if len(text) > _MAX_QUOTE:
        text = text[: _MAX_QUOTE - 1].rstrip() + "…"
    return f'"{text}"'


def _words_before(paragraph: str, offset: int, count: int = 3) -> str:
    return " ".join(_WORDS.findall(paragraph[:offset])[-count:])


def _words_after(paragraph: str, offset: int, count: int = 3) -> str:
    return " ".join(_WORDS.findall(paragraph[offset:])[:count])


def _occurrences(text: str, phrase: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(phrase)}(?!\w)", text))


def _phrase(hunk: Hunk, paragraph: str, offset: int) -> str:
    """`offset` is where the hunk starts inside `paragraph`."""
    deleted, inserted = hunk.deleted.strip(), hunk.inserted.strip()
    if deleted and _occurrences(paragraph, deleted) > 1:
        anchor = _words_before(paragraph, offset)
        where = f'after "{anchor}", ' if anchor else "at the beginning, "
    else:
        where = ""
    if deleted and inserted:
        return f"{where}replace {_quote(deleted)} with {_quote(inserted)}"
    if deleted:
        return f"{where}delete {_quote(deleted)}"
    anchor = _words_before(paragraph, offset)
    if anchor:
        return f'after "{anchor}" insert {_quote(inserted)}'
    following = _words_after(paragraph, offset)
    if following:
        return f'before "{following}" insert {_quote(inserted)}'
    return f"insert {_quote(inserted)}"


def _new_paragraphs(hunk: Hunk) -> bool:
    return (
        not hunk.deleted.strip()
        and "\n\n" in hunk.inserted.strip("\n") + "\n\n"
        and (hunk.inserted.startswith("\n") or hunk.inserted.rstrip(" \t").endswith("\n"))
    )


def instruction(before: str, after: str, *, first_paragraph: int = 1) -> str:
    """`first_paragraph` is the report-wide number of the section's first paragraph."""
    found = hunks(before, after)
    if not found:
        return "No change."
    numbered = [b for b in blocks(before) if b.numbered]
    groups: list[tuple[str, list[str]]] = []
    for hunk in found:
        end = hunk.start + len(hunk.deleted)
        inside = [i for i, b in enumerate(numbered) if b.start <= end and hunk.start <= b.end]
        if not numbered:
            prefix, phrase = "In the section", _phrase(hunk, before, hunk.start)
        elif _new_paragraphs(hunk):
            count = len([p for p in hunk.inserted.split("\n\n") if p.strip()])
            noun = "a new paragraph" if count == 1 else f"{count} new paragraphs"
            starting = [i for i, b in enumerate(numbered) if b.start == hunk.start]
            earlier = [i for i, b in enumerate(numbered) if b.start < hunk.start]
            if (starting and hunk.inserted.rstrip(" \t").endswith("\n")) or not earlier:
                index = starting[0] if starting else 0
                prefix = f"Before paragraph {first_paragraph + index}"
            else:
                prefix = f"After paragraph {first_paragraph + earlier[-1]}"
            phrase = f"insert {noun}: {_quote(hunk.inserted.strip())}"
        else:
            if not inside:
                earlier = [i for i, b in enumerate(numbered) if b.start <= hunk.start]
                inside = [earlier[-1] if earlier else 0]
            first, last = inside[0], inside[-1]
            prefix = (
                f"In paragraph {first_paragraph + first}"
                if first == last
                else f"In paragraphs {first_paragraph + first}-{first_paragraph + last}"
            )
            block = numbered[first]
            paragraph = before[block.start : max(block.end, end)]
            phrase = _phrase(hunk, paragraph, max(hunk.start - block.start, 0))
        if groups and groups[-1][0] == prefix:
            groups[-1][1].append(phrase)
        else:
            groups.append((prefix, [phrase]))
    sentences = []
    for index, (prefix, phrases) in enumerate(groups):
        if len(phrases) == 1:
            joined = phrases[0]
        else:
            joined = ", ".join(phrases[:-1]) + " and " + phrases[-1]
        lead = prefix if index == 0 else prefix[0].lower() + prefix[1:]
        sentences.append(f"{lead}, {joined}")
    return "; ".join(sentences) + "."
