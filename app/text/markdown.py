"""Markdown in and out: a document's headings become the outline, the text under each a section."""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field

_HEADING = re.compile(r"^(#{1,3})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^(```|~~~)")
_LABELLED = re.compile(
    r"^(?P<label>(?:Box|Annex|Appendix|Chapter)\s+[\w.\-]+|[IVXLCDM]+|[A-Z]|\d+(?:\.\d+)*)"
    r"[.:)]\s+(?P<heading>\S.*)$"
)
_BARE_LABEL = re.compile(r"^(?P<label>(?:Box|Annex|Appendix)(?:\s+[\w.\-]+)?)$")
LEVEL_KINDS = {1: "chapter", 2: "section", 3: "subsection"}


@dataclass
class ParsedSection:
    level: int
    kind: str
    label: str
    heading: str
    text: str
    children: list[ParsedSection] = field(default_factory=list)


@dataclass
class ParsedDocument:
    metadata: dict[str, str]
    sections: list[ParsedSection]


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
    first = (label or heading).split(" ", 1)[0].lower()
    if first == "box":
        return "box"
    if first in ("annex", "appendix"):
        return "annex"
    return LEVEL_KINDS[level]


def join_heading(label: str, heading: str) -> str:
    if label and heading:
        return f"{label}. {heading}"
    return label or heading


def _front_matter(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    if not lines or lines[0].strip() != "---":
        return {}, lines
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
            return metadata, lines[end + 1 :]
    return {}, lines


def _clean_body(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n").rstrip()


def parse(markdown: str) -> ParsedDocument:
    """Parse a Markdown document into a tree of sections (headings outside code fences)."""
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    metadata, lines = _front_matter(lines)
    roots: list[ParsedSection] = []
    stack: list[ParsedSection] = []
    bodies: list[tuple[ParsedSection | None, list[str]]] = [(None, [])]
    in_fence = False
    for line in lines:
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match is None:
            bodies[-1][1].append(line)
            continue
        level = len(match[1])
        label, heading = split_heading(match[2])
        kind = heading_kind(level, label, heading)
        section = ParsedSection(level=level, kind=kind, label=label, heading=heading, text="")
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else roots).append(section)
        stack.append(section)
        bodies.append((section, []))
    for owner, body in bodies:
        text = _clean_body(body)
        if owner is not None:
            owner.text = text
        elif text:
            roots.insert(0, ParsedSection(level=1, kind="chapter", label="", heading="", text=text))
    return ParsedDocument(metadata=metadata, sections=roots)
