"""An amendment in the words a chair reads out:
`In paragraph 12, after "the governments" insert ", the private sector and civil society".`

Every place names its paragraph (numbered continuously across the report); every quoted
anchor occurs once in its paragraph; quotes are never cut and never empty; changes of
layout alone (line breaks, spacing, blank lines) say so instead of quoting the same words
twice. Several places give a numbered list, one place per line.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.text import paragraph_steps
from app.text.edits import Edit
from app.text.hunks import Hunk, hunks, is_underline
from app.text.paragraphs import Block, blocks, numbered_blocks
from app.text.tokens import SENTENCE_MARKS, merged, whole_tokens

_WORD = re.compile(r"\S+")
_LONG = 200  # characters: longer insertions are given as a block on their own line
# Past this many words of context a quote is no longer an anchor a chair can read out: the
# place is named by its occurrence instead ("after the second occurrence of ...").
_MAX_ANCHOR_WORDS = 6
_OCCURRENCE_WORDS = 3
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth", "tenth")  # fmt: skip


@dataclass(frozen=True)
class _Place:
    first: int  # paragraph indexes within the section, 0-based
    last: int


def instruction(before: str, edits: Sequence[Edit], *, first_paragraph: int = 1) -> str:
    """`first_paragraph` is the report-wide number of the section's first paragraph."""
    # Whole tokens, and places that then overlap as one: no step quotes what another changes.
    found = merged(before, hunks(before, edits))
    if not found:
        return "No change."
    numbered = numbered_blocks(before)
    writer = _Writer(before, numbered, first_paragraph)
    kinds = [_layout_kind(before, hunk) for hunk in found]
    worded = [writer.place(h) for h, kind in zip(found, kinds, strict=True) if kind is None]
    items: list[str] = []
    places: list[_Place | None] = []  # each wording step's place
    absorbed: list[tuple[_Place, str]] = []
    layout: list[tuple[_Place, str]] = []
    for hunk, kind in zip(found, kinds, strict=True):
        if kind is not None:
            place = writer.place(hunk)
            if any(_overlap(place, other) for other in worded):
                # Said with the step that rewords this paragraph, not as a step of its own.
                absorbed.append((place, kind))
            elif layout and layout[-1][1] == kind and place.first <= layout[-1][0].last + 1:
                last = layout[-1][0]
                layout[-1] = (_Place(last.first, max(last.last, place.last)), kind)
            else:
                layout.append((place, kind))
            continue
        items.extend(writer.layout_items(layout))
        places.extend(None for _ in layout)
        layout = []
        items.append(writer.item(hunk))
        places.append(writer.place(hunk))
    items.extend(writer.layout_items(layout))
    places.extend(None for _ in layout)
    items = _with_absorbed(items, places, absorbed)
    whole = paragraph_steps.whole_paragraphs(before, edits, numbered, first_paragraph, items)
    if whole is not None:
        return whole
    if len(items) == 1:
        return items[0]
    return "\n".join(f"{n}. {item}" for n, item in enumerate(items, start=1))


_LINE_BREAKS = "line breaks and spacing"
_UNDERLINE = "the heading's underline"


def _layout_kind(before: str, hunk: Hunk) -> str | None:
    """What a change of layout alone changes, None for a change of wording."""
    if hunk.layout_only:
        # A paragraph split or joined is a step of its own (the numbers change).
        return None if paragraph_steps.paragraph_break(before, hunk) else _LINE_BREAKS
    if is_underline(before, hunk.start, hunk.end, hunk.inserted):
        return _UNDERLINE
    return None


def _overlap(a: _Place, b: _Place) -> bool:
    return a.first <= b.last and b.first <= a.last


def _with_absorbed(
    items: list[str], places: list[_Place | None], absorbed: list[tuple[_Place, str]]
) -> list[str]:
    """Each layout change of a reworded paragraph said at the end of the first step that
    rewords it ("..., adjusting line breaks and spacing to match.")."""
    notes: dict[int, list[str]] = {}
    for place, kind in absorbed:
        index = next(i for i, p in enumerate(places) if p is not None and _overlap(p, place))
        if kind not in notes.setdefault(index, []):
            notes[index].append(kind)
    out = list(items)
    for index, kinds in notes.items():
        out[index] = out[index].removesuffix(".") + f", adjusting {' and '.join(kinds)} to match."
    return out


def _normal(text: str) -> str:
    return " ".join(text.split())


def _quote(text: str) -> str:
    text = text.strip("\n") if "\n\n" in text.strip() else _normal(text)
    return f'"{text}"'


class _Writer:
    def __init__(self, text: str, numbered: Sequence[Block], first_paragraph: int) -> None:
        self.text = text
        self.numbered = numbered
        self.first_paragraph = first_paragraph

    def number(self, index: int) -> int:
        return self.first_paragraph + index

    def span(self, place: _Place) -> str:
        if place.first == place.last:
            return f"paragraph {self.number(place.first)}"
        return f"paragraphs {self.number(place.first)}-{self.number(place.last)}"

    def place(self, hunk: Hunk) -> _Place:
        inside = [
            i for i, b in enumerate(self.numbered) if b.start <= hunk.end and hunk.start <= b.end
        ]
        if inside:
            return _Place(inside[0], inside[-1])
        earlier = [i for i, b in enumerate(self.numbered) if b.end <= hunk.start]
        index = earlier[-1] if earlier else 0
        return _Place(index, min(index + 1, max(len(self.numbered) - 1, 0)))

    def layout_items(self, places: list[tuple[_Place, str]]) -> list[str]:
        return [
            f"In {self.span(place)}, {kind} only (no change of wording)." for place, kind in places
        ]

    def item(self, hunk: Hunk) -> str:
        how = paragraph_steps.paragraph_break(self.text, hunk) if hunk.layout_only else None
        if how is not None and self.numbered:
            # Joined: the paragraph before the blank line removed; split: the one cut.
            earlier = [i for i, b in enumerate(self.numbered) if b.end <= hunk.start]
            index = (earlier[-1] if earlier else 0) if how == "join" else self.place(hunk).first
            return paragraph_steps.break_step(self.text, hunk, how, self.number(index))
        if not self.numbered:
            return f"In the section, {self.phrase(hunk, self.text)}."
        new_paragraphs = self.new_paragraphs(hunk)
        if new_paragraphs is not None:
            return new_paragraphs
        removed = self.removed_paragraphs(hunk)
        if removed is not None:
            return removed
        inside = [
            i for i, b in enumerate(self.numbered) if b.start <= hunk.end and hunk.start <= b.end
        ]
        if not inside:  # a sub-heading kept in the section's text
            earlier = [i for i, b in enumerate(self.numbered) if b.end <= hunk.start]
            where = (
                f"In the heading after paragraph {self.number(earlier[-1])}"
                if earlier
                else f"In the heading before paragraph {self.number(0)}"
            )
            return f"{where}, {self.phrase(hunk, self.text)}."
        place = _Place(inside[0], inside[-1])
        # A change may reach into the whitespace around its paragraphs (a sentence added
        # after a trailing space): the scope quoted from covers the change as well.
        offset = min(self.numbered[place.first].start, hunk.start)
        scope = self.text[offset : max(self.numbered[place.last].end, hunk.end)]
        local = whole_tokens(
            Hunk(hunk.start - offset, hunk.end - offset, hunk.deleted, hunk.inserted), scope
        )
        return f"In {self.span(place)}, {self.phrase(local, scope)}."

    def new_paragraphs(self, hunk: Hunk) -> str | None:
        inserted = hunk.inserted
        if hunk.deleted.strip() or "\n\n" not in "\n" + inserted + "\n":
            return None
        if any(b.start < hunk.start < b.end for b in self.numbered):
            return None  # inside a paragraph: it splits it
        new = [b for b in blocks(inserted) if b.text]
        if not new or not (inserted.startswith("\n") or inserted.rstrip(" \t").endswith("\n")):
            return None
        if not ("\n\n" in inserted or _at_paragraph_edge(self.text, hunk)):
            return None
        earlier = [i for i, b in enumerate(self.numbered) if b.end <= hunk.start]
        noun = "new paragraph" if len(new) == 1 else f"{len(new)} new paragraphs"
        where = (
            f"After paragraph {self.number(earlier[-1])}"
            if earlier
            else f"Before paragraph {self.number(0)}"
        )
        body = "\n\n".join(b.text for b in new)
        return f"{where}, insert the following {noun}:\n{_quote(body)}"

    def removed_paragraphs(self, hunk: Hunk) -> str | None:
        if hunk.inserted.strip():
            return None
        covered = [
            i for i, b in enumerate(self.numbered) if hunk.start <= b.start and b.end <= hunk.end
        ]
        touched = [
            i for i, b in enumerate(self.numbered) if b.start < hunk.end and hunk.start < b.end
        ]
        if not covered or covered != touched:
            return None
        return f"Delete {self.span(_Place(covered[0], covered[-1]))}."

    def phrase(self, hunk: Hunk, scope: str) -> str:
        """`hunk` in `scope`'s coordinates."""
        if _normal(hunk.deleted):
            old, new, start = _unique_context(scope, hunk)
            which = _which(scope, old, start)
            if not new.strip():
                return f"delete {which}{_quote(old)}"
            return f"replace {which}{_quote(old)} with {_block(new)}"
        anchor = _unique_words(scope, hunk.start, backwards=True)
        if anchor:
            return f'after "{anchor}" insert {_block(hunk.inserted)}'
        following = _unique_words(scope, hunk.end, backwards=False)
        # Not 'before ". The group"' when the words before can name the place.
        if following and (
            following[0] not in SENTENCE_MARKS or not _WORD.search(scope[: hunk.start])
        ):
            return f'before "{following}" insert {_block(hunk.inserted)}'
        # No run of a few words there is unique (a paragraph repeating one sentence):
        # the words just before, by their occurrence.
        words = list(_WORD.finditer(scope[: hunk.start]))[-_OCCURRENCE_WORDS:]
        if words:
            anchor = scope[words[0].start() : words[-1].end()]
            return f"after {_which(scope, anchor, words[0].start())}{_quote(anchor)} insert " + (
                _block(hunk.inserted)
            )
        words = list(_WORD.finditer(scope[hunk.end :]))[:_OCCURRENCE_WORDS]
        if words:
            anchor = scope[hunk.end + words[0].start() : hunk.end + words[-1].end()]
            where = _which(scope, anchor, hunk.end + words[0].start())
            return f"before {where}{_quote(anchor)} insert {_block(hunk.inserted)}"
        return f"at the beginning, insert {_block(hunk.inserted)}"


def _block(text: str) -> str:
    if len(_normal(text)) > _LONG or "\n\n" in text.strip():
        return f"the following:\n{_quote(text)}"
    return _quote(text)


def _at_paragraph_edge(text: str, hunk: Hunk) -> bool:
    before = text[: hunk.start]
    after = text[hunk.end :]
    return before.endswith("\n") or not before.strip() or after.startswith("\n") or not after


def _count(scope: str, phrase: str, *, limit: int = 2) -> int:
    """Occurrences of `phrase` as whole words in `scope` (spacing ignored), up to `limit`."""
    wanted = _normal(phrase)
    if not wanted:
        return 0
    haystack = _normal(scope)
    # Whole words: "i" is not found inside "definition".
    lead, trail = wanted[0].isalnum(), wanted[-1].isalnum()
    found, at = 0, haystack.find(wanted)
    while at >= 0 and found < limit:
        end = at + len(wanted)
        if not (lead and at > 0 and haystack[at - 1].isalnum()) and not (
            trail and end < len(haystack) and haystack[end].isalnum()
        ):
            found += 1
        at = haystack.find(wanted, at + 1)
    return found


def _unique_words(scope: str, offset: int, *, backwards: bool) -> str:
    """The fewest whole words next to `offset` (at least three, when there are) that occur
    once in `scope`; "" when no run of words there is unique."""
    words = _WORD.findall(scope[:offset] if backwards else scope[offset:])
    if not words:
        return ""
    for count in range(min(3, len(words)), min(len(words), _MAX_ANCHOR_WORDS) + 1):
        chosen = words[-count:] if backwards else words[:count]
        if _count(scope, " ".join(chosen)) == 1:
            return " ".join(chosen)
    return ""


def _unique_context(scope: str, hunk: Hunk) -> tuple[str, str, int]:
    """The deleted text, widened by whole words on both sides until it occurs once in
    `scope` (a few words at most); the inserted text widened the same way; and where the
    quote starts in `scope` (to name its occurrence when it is not unique)."""
    lead = scope[: hunk.start]
    trail = scope[hunk.end :]
    # How far it may widen: up to the words there are on the wider side, at most half the
    # anchor (counted only that far: a paragraph's words need not all be split each time).
    most = _MAX_ANCHOR_WORDS // 2
    widest = max(_words_up_to(lead, most), _words_up_to(trail, most))
    for widen in range(widest + 1):
        before = _tail_words(lead, widen)
        after = _head_words(trail, widen)
        candidate = before + hunk.deleted + after
        if _count(scope, candidate) == 1:
            return candidate, before + hunk.inserted + after, hunk.start - len(before)
    # Not unique with a few words around: the deleted words and one word each side, named
    # by their occurrence.
    before, after = _tail_words(lead, 1), _head_words(trail, 1)
    return before + hunk.deleted + after, before + hunk.inserted + after, hunk.start - len(before)


def _words_up_to(text: str, most: int) -> int:
    return sum(1 for _ in itertools.islice(_WORD.finditer(text), most))


def _which(scope: str, quote: str, start: int) -> str:
    """ "" for a quote that occurs once in `scope`, else "the second occurrence of " (the
    one at `start`)."""
    words = quote.split()
    if not words or _count(scope, quote) < 2:
        return ""
    pattern = r"\s+".join(re.escape(word) for word in words)
    if words[0][0].isalnum():
        pattern = r"(?<!\w)" + pattern
    if words[-1][-1].isalnum():
        pattern += r"(?!\w)"
    start += len(quote) - len(quote.lstrip())
    found = [m.start() for m in re.finditer(f"(?=(?:{pattern}))", scope)]
    index = found.index(start) if start in found else 0
    ordinal = _ORDINALS[index] if index < len(_ORDINALS) else f"{index + 1}th"
    return f"the {ordinal} occurrence of "


def _tail_words(text: str, count: int) -> str:
    if count == 0:
        return ""
    starts = [m.start() for m in _WORD.finditer(text)]
    return text[starts[-count] if count <= len(starts) else 0 :]


def _head_words(text: str, count: int) -> str:
    if count == 0:
        return ""
    ends = [m.end() for m in _WORD.finditer(text)]
    return text[: ends[count - 1] if count <= len(ends) else len(text)]
