"""Word's tables and lists as Markdown, for the Word import.

A table becomes a pipe table (its first row the header; a cell's paragraphs joined by
`<br>`); paragraphs of a Word list become list items, `- ` for bullets and `1. ` for
numbers, nested by their level and kept together as one block (a Markdown list). What a
pipe table cannot hold (cells merged across columns or rows, a table inside a cell) is
refused with the table named, rather than imported flattened or dropped.
"""

from __future__ import annotations

import re

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

_STYLE_LEVEL = re.compile(r"^List (Bullet|Number)(?: (\d))?$")


class NotKept(ValueError):
    """Something in the document that the import would lose: refused, naming it."""


def _cell_text(cell_paragraphs: list[str]) -> str:
    text = "<br>".join(" ".join(p.split()) for p in cell_paragraphs if p.strip())
    return text.replace("|", "\\|")


def table_markdown(table: Table, number: int) -> str:
    """Raises NotKept for what a pipe table cannot hold."""
    first_words = " ".join(table.rows[0].cells[0].text.split()[:6]) if table.rows else ""
    name = f'Table {number} ("{first_words}")' if first_words else f"Table {number}"
    tbl = table._tbl
    if tbl.xpath(".//w:tc//w:tbl"):
        raise NotKept(f"{name} holds a table inside a cell, which Markdown cannot hold.")
    if tbl.xpath(".//w:tcPr/w:gridSpan[@w:val > 1] | .//w:tcPr/w:vMerge"):
        raise NotKept(
            f"{name} has merged cells, which a Markdown table cannot hold: split them in "
            "Word (or make the table text) and import again."
        )
    rows = [
        [_cell_text([p.text for p in cell.paragraphs]) for cell in row.cells] for row in table.rows
    ]
    rows = [row for row in rows if row]
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
    lines.extend("| " + " | ".join(row) + " |" for row in rows[1:])
    return "\n".join(lines)


class Lists:
    """Numbers Word list paragraphs as Markdown items, level by level."""

    def __init__(self, document: DocxDocument) -> None:
        self.numbering = document.part.numbering_part.element
        self.counters: list[int] = []
        self.widths: list[int] = []
        self.continued = False  # the last block is a list this one continues

    def reset(self) -> None:
        self.counters, self.widths, self.continued = [], [], False

    def item(self, paragraph: Paragraph, text: str) -> str | None:
        """The paragraph as a list item line, or None when it is no list item."""
        found = self._numbering(paragraph)
        if found is None:
            return None
        level, bullet = found
        del self.counters[level + 1 :]
        del self.widths[level + 1 :]
        while len(self.counters) <= level:
            self.counters.append(0)
            self.widths.append(2)
        self.counters[level] += 1
        marker = "-" if bullet else f"{self.counters[level]}."
        self.widths[level] = len(marker) + 1
        return " " * sum(self.widths[:level]) + marker + " " + text

    def _numbering(self, paragraph: Paragraph) -> tuple[int, bool] | None:
        """(level, bullet?) from the paragraph's numbering, or its list style's."""
        style = paragraph.style
        style_name = style.name if style is not None else ""
        num_pr = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if num_pr is None and style is not None:
            num_pr = style.element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        named = _STYLE_LEVEL.match(style_name or "")
        if num_pr is None and named is None:
            return None
        num_id = ilvl = None
        if num_pr is not None:
            num_id = num_pr.find(qn("w:numId"))
            ilvl = num_pr.find(qn("w:ilvl"))
        if (num_id is None and named is None) or (
            num_id is not None and num_id.get(qn("w:val")) == "0"
        ):
            return None  # no list (a level alone, as Subtitle has), or numbering switched off
        # A list style's numbering ("List Bullet 2") has its level in the style's name and
        # its format at the numbering's first level.
        own = int(ilvl.get(qn("w:val"), "0")) if ilvl is not None else 0
        level = own if ilvl is not None or not (named and named[2]) else int(named[2]) - 1
        fmt = self._format(num_id.get(qn("w:val")) if num_id is not None else None, own)
        bullet = fmt == "bullet" if fmt else bool(named and named[1] == "Bullet")
        return min(max(level, 0), 8), bullet

    def _format(self, num_id: str | None, level: int) -> str | None:
        if num_id is None or not num_id.isdigit():
            return None
        abstract = self.numbering.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')
        if not abstract or not str(abstract[0]).isdigit():
            return None
        formats = self.numbering.xpath(
            f'./w:abstractNum[@w:abstractNumId="{abstract[0]}"]'
            f'/w:lvl[@w:ilvl="{level}"]/w:numFmt/@w:val'
        )
        return str(formats[0]) if formats else None
