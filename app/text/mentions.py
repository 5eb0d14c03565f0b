"""Paragraph numbers mentioned in what people write ("¶12", "para 12", "paragraph 12",
"paras 12"), so a message can link to the text it talks about. Pure text logic."""

from __future__ import annotations

import re

_MENTION = re.compile(r"(?:¶\s*|\b(?:paragraphs?|paras?)\.?\s+)(\d{1,7})\b", re.IGNORECASE)


def paragraph_mentions(text: str) -> list[int]:
    """The paragraph numbers `text` mentions, each once, in the order first mentioned."""
    seen: dict[int, None] = {}
    for match in _MENTION.finditer(text):
        seen.setdefault(int(match.group(1)), None)
    return list(seen)
