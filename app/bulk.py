"""Amendments described in a file, for scripts: one entry per amendment, retry-safe."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from app.text.paragraphs import blocks


class EntryError(ValueError):
    pass


@dataclass(frozen=True)
class Entry:
    index: int
    section: int
    base_version: int | None
    kind: str
    rationale: str
    text: str | None
    patch: str | None
    replace: str | None
    with_text: str | None
    paragraph: int | None
    key: str


def load(path: Path) -> list[Entry]:
    raw = path.read_text(encoding="utf-8")
    data: Any = json.loads(raw) if path.suffix == ".json" else yaml.safe_load(raw)
    if isinstance(data, dict):
        data = data.get("amendments")
    if not isinstance(data, list):
        raise EntryError("the file must hold a list of amendments (or {amendments: [...]})")
    return [_entry(i, item) for i, item in enumerate(data, start=1)]


def _entry(index: int, item: Any) -> Entry:
    if not isinstance(item, dict) or "section" not in item:
        raise EntryError(f"entry {index}: needs at least `section`")
    changes = [k for k in ("text", "patch", "replace") if k in item]
    if len(changes) != 1:
        raise EntryError(f"entry {index}: give exactly one of text, patch or replace/with")
    if "replace" in item and "with" not in item:
        raise EntryError(f"entry {index}: `replace` needs `with`")
    # The key is derived from the entry itself: re-running the file files nothing twice.
    canonical = json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)
    key = "bulk-" + hashlib.sha256(f"{index}:{canonical}".encode()).hexdigest()[:40]
    return Entry(
        index=index,
        section=int(item["section"]),
        base_version=int(item["base_version"]) if "base_version" in item else None,
        kind=str(item.get("kind", "substantive")),
        rationale=str(item.get("rationale", "")),
        text=item.get("text"),
        patch=item.get("patch"),
        replace=item.get("replace"),
        with_text=item.get("with"),
        paragraph=int(item["paragraph"]) if "paragraph" in item else None,
        key=key,
    )


def apply_replacement(
    text: str, old: str, new: str, *, paragraph: int | None, first_paragraph: int
) -> str:
    """Replace `old` by `new` once, inside report-wide `paragraph` when given."""
    start, end = 0, len(text)
    if paragraph is not None:
        numbered = [b for b in blocks(text) if b.numbered]
        index = paragraph - first_paragraph
        if not 0 <= index < len(numbered):
            raise EntryError(f"paragraph {paragraph} is not in this section")
        start, end = numbered[index].start, numbered[index].end
    region = text[start:end]
    count = region.count(old)
    where = f"paragraph {paragraph}" if paragraph is not None else "the section"
    if count == 0:
        raise EntryError(f"{old!r} does not occur in {where}")
    if count > 1:
        raise EntryError(f"{old!r} occurs {count} times in {where}; give more words")
    return text[:start] + region.replace(old, new, 1) + text[end:]
