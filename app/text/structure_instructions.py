"""Structural amendments in the words a chair reads out: "Move section II.B (paragraphs
12-14) to follow section III.A.", "Merge sections III.A and III.B.", "In paragraphs 17-18,
replace ... with ...". Paragraph numbers are those of the outline the amendment was
proposed on (its base). Pure: the caller names the sections and counts their paragraphs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.text.edits import Edit
from app.text.instructions import instruction

JOINT = "\n\n"  # between two sections' texts read as one passage


@dataclass(frozen=True)
class Named:
    """A section as the instruction names it, with its paragraphs in the base outline."""

    kind: str
    label: str
    heading: str
    first_paragraph: int = 1
    paragraphs: int = 0

    @property
    def name(self) -> str:
        if self.label:
            return f"{self.kind} {self.label}"
        return f'{self.kind} "{self.heading}"' if self.heading else f"the untitled {self.kind}"

    @property
    def span(self) -> str:
        """ " (paragraphs 12-14)", or "" for a section without paragraphs."""
        first, count = self.first_paragraph, self.paragraphs
        if count <= 0:
            return ""
        if count == 1:
            return f" (paragraph {first})"
        return f" (paragraphs {first}-{first + count - 1})"


def _plural(kind: str) -> str:
    return kind + "es" if kind.endswith("x") else kind + "s"


def _title(kind: str, label: str, heading: str) -> str:
    words = [w for w in (kind, label) if w]
    return " ".join(words) + (f' "{heading}"' if heading else "")


def place_words(parent: Named | None, after: Named | None, before: Named | None) -> str:
    """Where a section goes: "after section II.B", "at the end of chapter III" ..."""
    if after is not None:
        return f"after {after.name}"
    if before is not None:
        return f"before {before.name}"
    return f"at the end of {parent.name}" if parent is not None else "at the end of the report"


def insert_instruction(place: str, *, kind: str, label: str, heading: str, text: str) -> str:
    body = f"\n{text.strip()}" if text.strip() else ""
    return f"Insert the following new {_title(kind, label, heading)} {place}:{body}"


def delete_instruction(section: Named, *, descendants: int) -> str:
    tail = "" if descendants == 0 else ", with everything under it"
    return f"Delete {section.name}{section.span}{tail}."


def move_instruction(
    section: Named, *, parent: Named | None, after: Named | None, before: Named | None
) -> str:
    if after is not None:
        where = f"to follow {after.name}"
    elif before is not None:
        where = f"to the beginning of {parent.name}" if parent else "to the beginning of the report"
    else:
        where = f"to the end of {parent.name}" if parent else "to the end of the report"
    return f"Move {section.name}{section.span} {where}."


def paragraphs_words(first: int, last: int) -> str:
    """ "paragraph 12", "paragraphs 12 and 13", "paragraphs 12 to 14"."""
    if first == last:
        return f"paragraph {first}"
    joint = "and" if last == first + 1 else "to"
    return f"paragraphs {first} {joint} {last}"


def move_paragraphs_instruction(
    first: int, last: int, *, into: Named, after_paragraph: int | None, at_end: bool
) -> str:
    """ "Move paragraphs 12 to 14 to the end of chapter III.", "Move paragraph 12 to follow
    paragraph 30.", "Move paragraph 3 to the beginning of section II.B." """
    if after_paragraph is not None:
        where = f"to follow paragraph {after_paragraph}"
    elif at_end:
        where = f"to the end of {into.name}"
    else:
        where = f"to the beginning of {into.name}"
    return f"Move {paragraphs_words(first, last)} {where}."


def split_instruction(
    section: Named, *, at_paragraph: int, kind: str, label: str, heading: str
) -> str:
    last = section.first_paragraph + section.paragraphs - 1
    moved = f"paragraph {last}" if at_paragraph == last else f"paragraphs {at_paragraph}-{last}"
    verb = "becomes" if at_paragraph == last else "become"
    return (
        f"Split {section.name} before paragraph {at_paragraph}: {moved} {verb} a new "
        f"{_title(kind, label, heading)} after it."
    )


def merge_instruction(first: Named, second: Named, *, heading: str | None) -> str:
    if first.kind == second.kind and first.label and second.label:
        what = f"{_plural(first.kind)} {first.label} and {second.label}"
    else:
        what = f"{first.name} and {second.name}"
    tail = "" if heading is None else f', under the heading "{heading}"'
    return f"Merge {what}{tail}."


def rename_instruction(
    section: Named, *, kind: str | None, label: str | None, heading: str | None
) -> str:
    steps: list[str] = []
    if label is not None:
        steps.append(f"renumber {section.name} as {label}" if label else f"unnumber {section.name}")
    if heading is not None:
        target = "it" if steps else f'{section.name} "{section.heading}"'
        steps.append(f'rename {target} as "{heading}"')
    if kind is not None:
        target = "it" if steps else section.name
        steps.append(f"make {target} a {kind}")
    sentence = " and ".join(steps)
    return sentence[:1].upper() + sentence[1:] + "."


def span_instruction(
    texts: Sequence[str], edits: Sequence[Sequence[Edit]], *, first_paragraph: int
) -> str:
    """One text change across neighbouring sections, read as one passage: their base texts
    joined by a blank line (their paragraphs are numbered on, so the numbers stay those of
    the report), a change that runs from the end of one into the start of the next read as
    one place."""
    whole = JOINT.join(texts)
    joined: list[Edit] = []
    offset = 0
    for text, own in zip(texts, edits, strict=True):
        shifted = [Edit(e.start + offset, e.end + offset, e.replacement) for e in own]
        if joined and shifted:
            # Without the spaces edits own (`absorb_spacing`): "too." reaches the end.
            last, first = joined[-1].trimmed(whole), shifted[0].trimmed(whole)
            if last.end == offset - len(JOINT) and first.start == offset:
                joined[-1] = Edit(
                    last.start, first.end, last.replacement + JOINT + first.replacement
                )
                shifted.pop(0)
        joined.extend(shifted)
        offset += len(text) + len(JOINT)
    return instruction(whole, joined, first_paragraph=first_paragraph)
