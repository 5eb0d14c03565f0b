"""Markdown in and out: a document's headings become the outline, the text under each a section."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.text import line_breaks
from app.text.outline import Placed

_HEADING = re.compile(r"^(#{1,3})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^(```|~~~)")
# "Annex 2: ...", "ANNEX II. ...", and "Annex: ..." with no number (an annex all the same).
_LABELLED = re.compile(
    r"^(?P<label>(?i:Box|Annex|Appendix|Chapter)\s+[\w.\-]+|(?i:Box|Annex|Appendix)"
    r"|[IVXLCDM]+|[A-Z]|\d+(?:\.\d+)*)[.:)]\s+(?P<heading>\S.*)$"
)
_BARE_LABEL = re.compile(r"^(?P<label>(?i:Box|Annex|Appendix)(?:\s+[\w.\-]+)?)[.:]?$")
LEVEL_KINDS = {1: "chapter", 2: "section", 3: "subsection"}


@dataclass
class ParsedSection:
    level: int
    kind: str
    label: str
    heading: str
    text: str  # exactly the source between the heading line and the next heading
    children: list[ParsedSection] = field(default_factory=list)
    source_heading: str = ""  # the heading line as written, with its line break
    # A file mixing LF and CRLF: the places of the text's breaks not of its usual kind.
    breaks: tuple[int, ...] = ()


@dataclass
class ParsedDocument:
    metadata: dict[str, str]
    sections: list[ParsedSection]
    # What the sections do not hold, to give the document back byte for byte: the front
    # matter as written (and the blank lines before the first heading, when that is all
    # there is), and the line break the file used.
    front: str = ""
    newline: str = "\n"
    mixed: bool = False  # front and heading lines are then as written, CRLF and LF alike


def split_heading(line: str) -> tuple[str, str]:
    """'II. Issues' -> ('II', 'Issues'); 'Box 2: Spam' -> ('Box 2', 'Spam')."""
    labelled = _LABELLED.match(line)
    if labelled:
        return labelled["label"], labelled["heading"]
    bare = _BARE_LABEL.match(line)
    if bare:
        return bare["label"], ""
    return "", line


def heading_kind(level: int, label: str, heading: str) -> str:
    first = (label or heading).split(" ", 1)[0].lower().rstrip(".:")
    if first == "box":
        return "box"
    if first in ("annex", "appendix"):
        return "annex"
    return LEVEL_KINDS[level]


def join_heading(label: str, heading: str) -> str:
    if label and heading:
        return f"{label}. {heading}"
    return label or heading


def _front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    """The metadata and how many lines (with their line breaks) the front matter takes."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            metadata: dict[str, str] = {}
            for raw in lines[1:end]:
                key, sep, value = raw.partition(":")
                if not sep:
                    continue
                value = value.strip()
                if value.startswith('"'):
                    with contextlib.suppress(ValueError):
                        value = str(json.loads(value))
                metadata[key.strip().lower()] = value
            return metadata, end + 1
    return {}, 0


def parse(markdown: str) -> ParsedDocument:
    """Parse a Markdown document into a tree of sections (headings outside code fences).

    Byte-faithful: each section keeps exactly the source between its heading line and the
    next heading, blank lines and final line break included, so `render.to_source` gives
    the document back as it came. Texts are read with LF; a file's CRLF is remembered (per
    line when it mixes both, `line_breaks.py`). A byte order mark is kept in front of
    everything (it is no part of the first heading)."""
    bom = "\ufeff" if markdown.startswith("\ufeff") else ""
    lines = line_breaks.split(markdown[len(bom) :])
    metadata, skip = _front_matter([line.rstrip("\n") for line in lines.plain])
    roots: list[ParsedSection] = []
    stack: list[ParsedSection] = []
    bodies: list[tuple[ParsedSection | None, list[int]]] = [(None, [])]
    in_fence = False
    for index in range(skip, len(lines.plain)):
        bare = lines.plain[index].rstrip("\n")
        if _FENCE.match(bare):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(bare)
        if match is None:
            bodies[-1][1].append(index)
            continue
        level = len(match[1])
        label, heading = split_heading(match[2])
        section = ParsedSection(
            level=level,
            kind=heading_kind(level, label, heading),
            label=label,
            heading=heading,
            text="",
            source_heading=lines.written([index]),
        )
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else roots).append(section)
        stack.append(section)
        bodies.append((section, []))
    front = bom + lines.written(range(skip)) + _place_bodies(lines, bodies, roots, bool(skip))
    return ParsedDocument(
        metadata=metadata,
        sections=roots,
        front=front,
        newline=lines.newline,
        mixed=lines.mixed,
    )


def _place_bodies(
    lines: line_breaks.Lines,
    bodies: list[tuple[ParsedSection | None, list[int]]],
    roots: list[ParsedSection],
    after_front_matter: bool,
) -> str:
    """Each section's text from its lines; returns what goes to the front."""
    front = ""
    for owner, body in bodies:
        # The blank lines right after a heading are its layout, not the section's text
        # (which a member would otherwise have to retype); the ones before the next
        # heading stay in the text, so a change that removes one can be proposed.
        blank = next((n for n, i in enumerate(body) if lines.plain[i] != "\n"), len(body))
        if owner is not None:
            owner.source_heading += lines.written(body[:blank])
            owner.text = "".join(lines.plain[i] for i in body[blank:])
            owner.breaks = lines.others(body[blank:])
        elif blank < len(body) and "".join(lines.plain[i] for i in body).strip():
            # Text before the first heading has no heading whose layout its leading blank
            # lines could be: at the very start of the file they are the text's own (a
            # document without headings is stored exactly as it came); after front
            # matter they are its layout, as after a heading.
            layout = blank if after_front_matter else 0
            front += lines.written(body[:layout])
            preamble = ParsedSection(
                level=1,
                kind="chapter",
                label="",
                heading="",
                text="".join(lines.plain[i] for i in body[layout:]),
                breaks=lines.others(body[layout:]),
            )
            roots.insert(0, preamble)
        else:
            front += lines.written(body)
    return front


def _names(line: str, level: int, label: str, heading: str) -> bool:
    """Whether a heading line as written still names this section at this level."""
    match = _HEADING.match(line.rstrip("\r\n"))
    return (
        match is not None and len(match[1]) == level and split_heading(match[2]) == (label, heading)
    )


@dataclass(frozen=True)
class MixedBreaks:
    """A file that mixed LF and CRLF (`line_breaks.py`): by section, the places of its
    text's breaks not of the usual kind, and the text as imported when it has changed."""

    others: Mapping[int, Sequence[int]]
    imported: Mapping[int, str]


def to_source(
    front: str,
    newline: str,
    sections: Sequence[Placed],
    headings: Mapping[int, str],
    mixed: MixedBreaks | None = None,
) -> str:
    """The document as imported, with each section's current text: byte for byte what was
    imported while nothing changed. `headings`: each section's heading line as written;
    a section renamed, moved to another level or added since gets a heading written anew."""
    parts = [front]
    # What this function adds itself: LF, made the file's kind at the end, except when the
    # file mixed both (every other part then has its breaks as written).
    brk = "\n" if mixed is None else newline
    for index, placed in enumerate(sections):
        node = placed.node
        level = min(placed.depth + 1, 3)
        written = headings.get(node.id)
        if written is not None and _names(written, level, node.label, node.heading):
            line = written
        elif node.label or node.heading:
            # Renamed, moved or added: written anew, keeping the blank lines it had.
            layout = brk * 2 if written is None else written[len(written.rstrip("\r\n")) :]
            line = "#" * level + " " + join_heading(node.label, node.heading) + layout
        else:
            line = ""
        if line and parts[-1].lstrip("\ufeff") and not parts[-1].endswith("\n"):
            parts.append(brk)  # a heading starts a line of its own
        if line and not line.endswith("\n") and (node.text or index + 1 < len(sections)):
            line += brk
        parts.append(line)
        text = node.text or ""
        if mixed is not None and text:
            text = line_breaks.restore(
                text, newline, mixed.others.get(node.id, ()), mixed.imported.get(node.id)
            )
        parts.append(text)
    out = "".join(parts)
    return out.replace("\n", newline) if mixed is None and newline != "\n" else out
