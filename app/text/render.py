"""A report rendered as Markdown, HTML or plain text, with numbered paragraphs."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from app.text.markdown import join_heading
from app.text.outline import Placed
from app.text.paragraphs import blocks

# Bidirectional overrides and isolates are kept as data but must not run on past their
# paragraph in HTML: each paragraph is isolated with dir="auto"/<bdi>.
_LIST_ITEM = re.compile(r"^[-*]\s+")


@dataclass(frozen=True)
class DocumentInfo:
    title: str
    symbol: str
    status: str
    disclaimer: str | None  # printed while drafting
    caption: str | None = None  # e.g. "as at milestone 'Preliminary Report'"
    # Footnotes by report-wide paragraph number (members' reservations), numbered 1, 2 ...
    # in the order their paragraphs come.
    footnotes: Mapping[int, tuple[str, ...]] = field(default_factory=dict)


class Notes:
    """Footnote numbers as a renderer meets paragraphs: `marks(n)` numbers paragraph n's
    notes; `listed` holds (number, text) for the list at the end."""

    def __init__(self, footnotes: Mapping[int, tuple[str, ...]]) -> None:
        self._by_paragraph = footnotes
        self.listed: list[tuple[int, str]] = []

    def marks(self, paragraph: int) -> list[int]:
        found = []
        for text in self._by_paragraph.get(paragraph, ()):
            self.listed.append((len(self.listed) + 1, text))
            found.append(len(self.listed))
        return found


def _marked_markdown(text: str, first_paragraph: int, notes: Notes) -> str:
    """`text` with a `[^k]` reference after each numbered paragraph that has notes."""
    out: list[str] = []
    cursor, number = 0, first_paragraph
    for block in blocks(text):
        if not block.numbered:
            continue
        marks = notes.marks(number)
        number += 1
        if marks:
            out.append(text[cursor : block.end] + "".join(f"[^{k}]" for k in marks))
            cursor = block.end
    out.append(text[cursor:])
    return "".join(out)


def to_markdown(info: DocumentInfo, sections: Sequence[Placed]) -> str:
    return "".join(iter_markdown(info, sections))


def iter_markdown(info: DocumentInfo, sections: Sequence[Placed]) -> Iterator[str]:
    """The Markdown export piece by piece, so a large report streams out as it renders."""
    yield from _joined(_markdown_parts(info, sections), "\n\n")
    yield "\n"


def _markdown_parts(info: DocumentInfo, sections: Sequence[Placed]) -> Iterator[str]:
    front = ["---", f"title: {json.dumps(info.title, ensure_ascii=False)}"]
    if info.symbol:
        front.append(f"symbol: {json.dumps(info.symbol, ensure_ascii=False)}")
    front.append(f"status: {info.status}")
    if info.disclaimer:
        front.append(f"disclaimer: {json.dumps(info.disclaimer, ensure_ascii=False)}")
    if info.caption:
        front.append(f"as_at: {json.dumps(info.caption, ensure_ascii=False)}")
    front.append("---")
    yield "\n".join(front)
    notes = Notes(info.footnotes)
    for placed in sections:
        node = placed.node
        heading = join_heading(node.label, node.heading)
        chunk = []
        if heading:
            chunk.append("#" * min(placed.depth + 1, 3) + " " + heading)
        chunk.extend(f"> {note}" for note in node.notes)
        # Texts keep their source layout (leading and trailing blank lines); this export
        # lays blocks out evenly. `markdown.to_source` gives the layout as imported.
        text = _marked_markdown((node.text or "").strip("\n"), placed.first_paragraph, notes)
        if text:
            chunk.append(text)
        if chunk:
            yield "\n\n".join(chunk)
    if notes.listed:
        yield "\n".join(f"[^{k}]: {text}" for k, text in notes.listed)


def to_text(info: DocumentInfo, sections: Sequence[Placed]) -> str:
    return "".join(iter_text(info, sections))


def iter_text(info: DocumentInfo, sections: Sequence[Placed]) -> Iterator[str]:
    yield from _joined(_text_parts(info, sections), "\n\n")
    yield "\n"


def _text_parts(info: DocumentInfo, sections: Sequence[Placed]) -> Iterator[str]:
    yield info.title
    if info.symbol:
        yield (info.symbol)
    if info.caption:
        yield (f"({info.caption})")
    if info.disclaimer:
        yield (f"DISCLAIMER: {info.disclaimer}")
    notes = Notes(info.footnotes)
    for placed in sections:
        node = placed.node
        heading = join_heading(node.label, node.heading)
        if heading:
            yield (heading.upper() if placed.depth == 0 else heading)
        yield from (f"[{note}]" for note in node.notes)
        number = placed.first_paragraph
        for block in blocks(node.text or ""):
            if block.numbered:
                marks = "".join(f" [{k}]" for k in notes.marks(number))
                yield (f"{number}. {block.text}{marks}")
                number += 1
            else:
                yield (block.text.lstrip("#").strip())
    if notes.listed:
        yield ("NOTES")
        yield from (f"[{k}] {text}" for k, text in notes.listed)


_CSS = """
body{font-family:Georgia,'Times New Roman',serif;max-width:46em;margin:2em auto;padding:0 1em;
line-height:1.5;color:#111;background:#fff}
header{border-bottom:2px solid #111;margin-bottom:1.5em}
.symbol{font-family:sans-serif;color:#444}
.note{font-family:sans-serif;font-size:.85em;color:#555}
.disclaimer{border:1px solid #a60;background:#fff8e6;padding:.75em 1em;font-style:italic}
.para{display:flex;gap:.75em;margin:.6em 0}
.para .num{min-width:2.5em;text-align:right;color:#555;font-variant-numeric:tabular-nums}
.para .body{flex:1;unicode-bidi:isolate}
h1,h2,h3{font-family:sans-serif}
.box{border:1px solid #888;padding:0 1em;margin:1em 0;background:#f6f6f6}
ins{background:#d4f7d4;text-decoration:underline}
del{background:#f7d4d4;text-decoration:line-through}
"""


def _inline(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _html_notes(notes: Notes) -> list[str]:
    if not notes.listed:
        return []
    return [
        '<section class="footnotes"><h2>Notes</h2><ol>',
        *(
            f'<li id="fn{k}" dir="auto">{_inline(text)} <a href="#fnref{k}">&#8617;</a></li>'
            for k, text in notes.listed
        ),
        "</ol></section>",
    ]


def to_html(info: DocumentInfo, sections: Sequence[Placed]) -> str:
    return "".join(iter_html(info, sections))


def iter_html(info: DocumentInfo, sections: Sequence[Placed]) -> Iterator[str]:
    yield from _joined(_html_parts(info, sections), "\n")
    yield "\n"


def _html_parts(info: DocumentInfo, sections: Sequence[Placed]) -> Iterator[str]:
    e = html.escape
    yield from [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(info.title)}</title><style>{_CSS}</style></head><body>",
        "<header>",
        f"<h1>{e(info.title)}</h1>",
    ]
    if info.symbol:
        yield (f'<p class="symbol">{e(info.symbol)}</p>')
    if info.caption:
        yield (f'<p class="symbol">{e(info.caption)}</p>')
    yield ("</header>")
    if info.disclaimer:
        yield (f'<p class="disclaimer" dir="auto">{_inline(info.disclaimer)}</p>')
    open_boxes = 0
    notes = Notes(info.footnotes)
    for placed in sections:
        node = placed.node
        level = min(placed.depth + 2, 4)
        heading = join_heading(node.label, node.heading)
        is_box = node.kind == "box"
        if is_box:
            yield (f'<aside class="box" id="s{node.id}">')
            open_boxes += 1
        else:
            yield (f'<section id="s{node.id}">')
        if heading:
            yield (f"<h{level}><bdi>{e(heading)}</bdi></h{level}>")
        yield from (f'<p class="note" dir="auto">{_inline(note)}</p>' for note in node.notes)
        number = placed.first_paragraph
        for block in blocks(node.text or ""):
            if not block.numbered:
                sub = min(level + 1, 6)
                yield (f"<h{sub}><bdi>{e(block.text.lstrip('#').strip())}</bdi></h{sub}>")
                continue
            body = block.text
            if _LIST_ITEM.match(body):
                body_html = "&#8226; " + _inline(_LIST_ITEM.sub("", body, count=1))
            else:
                body_html = _inline(body)
            body_html += "".join(
                f'<sup class="fn"><a href="#fn{k}" id="fnref{k}">{k}</a></sup>'
                for k in notes.marks(number)
            )
            yield (
                f'<div class="para" id="p{number}"><span class="num">{number}.</span>'
                f'<div class="body" dir="auto">{body_html}</div></div>'
            )
            number += 1
        yield ("</aside>" if is_box else "</section>")
    yield from (_html_notes(notes))
    yield ("</body></html>")


def _joined(parts: Iterable[str], separator: str) -> Iterator[str]:
    """`separator.join(parts)`, lazily."""
    for index, part in enumerate(parts):
        yield separator + part if index else part
