"""Word (DOCX) out and in, with python-docx.

Out: the report for the hard-copy read: title, symbol and stage, the disclaimer while
drafting, the outline as Word headings (level = depth in the outline, at most 3, as in the
Markdown import), numbered paragraphs ("12." and a tab, in the "Report Paragraph" style), a
header with title, stage and date and a footer with page numbers. The amendment list is a
table.

In: headings 1-3 become the outline (Markdown `#`..`###`, so the Markdown import's rules for
labels, boxes and annexes apply), deeper headings stay in the text as `####` lines, other
paragraphs become the text. A paragraph number that our own export wrote ("12.<tab>" in a
Report Paragraph) is dropped: numbers are the report's, not the text's. Title, Subtitle and
Disclaimer paragraphs give the report's title, symbol and disclaimer."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import count
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph as DocxParagraph

from app.outputs import revisions
from app.outputs.snapshot import (
    AmendmentEntry,
    AmendmentListSnapshot,
    ReportSnapshot,
    paragraphs,
    xml_safe,
)
from app.text.markdown import join_heading
from app.text.render import Notes

PARAGRAPH_STYLE = "Report Paragraph"
DISCLAIMER_STYLE = "Disclaimer"
CAPTION_STYLE = "Export Caption"
_OUR_NUMBER = re.compile(r"^\d+\.\t")
_HEADING_STYLE = re.compile(r"^Heading (\d)$")
MAX_OUTLINE_LEVEL = 3


def _styles(document: DocxDocument) -> None:
    styles = document.styles
    para = styles.add_style(PARAGRAPH_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    para.base_style = styles["Normal"]
    para.paragraph_format.left_indent = Cm(1)
    para.paragraph_format.first_line_indent = Cm(-1)
    para.paragraph_format.tab_stops.add_tab_stop(Cm(1))
    para.paragraph_format.space_after = Pt(6)
    disclaimer = styles.add_style(DISCLAIMER_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    disclaimer.base_style = styles["Normal"]
    disclaimer.font.italic = True
    caption = styles.add_style(CAPTION_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    caption.base_style = styles["Normal"]


def _field(paragraph: DocxParagraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) Word computes when it lays the document out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _lines(paragraph: DocxParagraph, text: str) -> None:
    """Text with its line breaks as Word line breaks, in one run."""
    run = paragraph.add_run()
    for index, line in enumerate(xml_safe(text).split("\n")):
        if index:
            run.add_break()
        run.add_text(line)


def _page_furniture(document: DocxDocument, snapshot: ReportSnapshot) -> None:
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.text = xml_safe(
        f"{snapshot.info.title} — {snapshot.stage} — {snapshot.date.date().isoformat()}"
    )
    footer = section.footer.paragraphs[0]
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def _front(document: DocxDocument, snapshot: ReportSnapshot, title: str) -> None:
    info = snapshot.info
    # Dated by the snapshot, not the clock: the same report exports to the same bytes, so
    # a certificate can carry their hash.
    moment = snapshot.date.replace(tzinfo=None, microsecond=0)
    document.core_properties.created = document.core_properties.modified = moment
    document.core_properties.revision = 1
    document.core_properties.title = xml_safe(title)[:255]
    document.core_properties.subject = xml_safe(info.symbol)[:255]
    document.add_paragraph(xml_safe(title), style="Title")
    if info.symbol:
        document.add_paragraph(xml_safe(info.symbol), style="Subtitle")
    if info.caption:
        document.add_paragraph(xml_safe(info.caption), style=CAPTION_STYLE)
    if info.disclaimer:
        _lines(document.add_paragraph(style=DISCLAIMER_STYLE), info.disclaimer)


def _save(document: DocxDocument, moment: datetime) -> bytes:
    """The package, its zip entries dated `moment` (python-docx dates them now)."""
    saved = io.BytesIO()
    document.save(saved)
    # A zip entry's date lies between 1980 and 2107.
    earliest = datetime(1980, 1, 1, tzinfo=moment.tzinfo)
    latest = datetime(2107, 12, 31, 23, 59, 58, tzinfo=moment.tzinfo)
    stamp = min(max(moment, earliest), latest).timetuple()[:6]
    out = io.BytesIO()
    with (
        zipfile.ZipFile(saved) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()


def _run_xml(text: str) -> str:
    """One run: tabs and line breaks as Word's own elements, the rest escaped text."""
    out = ["<w:r>"]
    for index, line in enumerate(xml_safe(text).split("\n")):
        if index:
            out.append("<w:br/>")
        for part_index, part in enumerate(line.split("\t")):
            if part_index:
                out.append("<w:tab/>")
            if part:
                out.append(f'<w:t xml:space="preserve">{escape(part)}</w:t>')
    out.append("</w:r>")
    return "".join(out)


def _paragraph_xml(style_id: str, *runs: str, marks: Sequence[int] = ()) -> str:
    """A paragraph of `runs`, then the superscript numbers of its notes (`marks`)."""
    body = "".join(_run_xml(run) for run in runs)
    body += "".join(
        f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>{k}</w:t></w:r>' for k in marks
    )
    return f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>{body}</w:p>'


def _notes_xml(notes: Notes, style_id: Mapping[str, str]) -> list[str]:
    """The notes after the text, endnote style: "Notes", then "k. text" for each."""
    if not notes.listed:
        return []
    return [
        _paragraph_xml(style_id["Heading 1"], "Notes"),
        *(_paragraph_xml(style_id[PARAGRAPH_STYLE], f"{k}.\t", t) for k, t in notes.listed),
    ]


def report_to_docx(snapshot: ReportSnapshot, *, baseline: Mapping[int, str] | None = None) -> bytes:
    """The front matter through python-docx; the body, a few thousand paragraphs, written as
    WordprocessingML and parsed once (python-docx's add_paragraph resolves the style by name
    each time, a cost paid once per paragraph of a long report).

    `baseline`: each section's text at an earlier milestone; the changes since then are shown
    as Word revisions (a section that was not there is inserted whole)."""
    document = Document()
    _styles(document)
    _page_furniture(document, snapshot)
    _front(document, snapshot, snapshot.info.title)
    style_id = {
        name: document.styles[name].style_id
        for name in (*(f"Heading {n}" for n in range(1, MAX_OUTLINE_LEVEL + 2)), PARAGRAPH_STYLE)
    }
    chunks = [f"<w:body {nsdecls('w')}>"]
    revision_ids = count(1)
    notes = Notes(snapshot.info.footnotes)
    for placed in snapshot.sections:
        node = placed.node
        level = min(placed.depth + 1, MAX_OUTLINE_LEVEL)
        heading = join_heading(node.label, node.heading)
        if heading:
            chunks.append(_paragraph_xml(style_id[f"Heading {level}"], heading))
        chunks.extend(_paragraph_xml(style_id[PARAGRAPH_STYLE], note) for note in node.notes)
        before = None if baseline is None else baseline.get(node.id, "")
        if before is not None and before != (node.text or ""):
            chunks.extend(
                revisions.paragraph_xml(
                    revised,
                    style_id=style_id[PARAGRAPH_STYLE],
                    date=snapshot.date,
                    ids=revision_ids,
                )
                for revised in revisions.revised_paragraphs(
                    before, node.text or "", first_number=placed.first_paragraph
                )
            )
            continue
        for paragraph in paragraphs(placed):
            if paragraph.number is None:
                in_text = style_id[f"Heading {MAX_OUTLINE_LEVEL + 1}"]
                chunks.append(_paragraph_xml(in_text, paragraph.text))
            else:
                marks = notes.marks(paragraph.number)
                number = f"{paragraph.number}.\t"
                chunks.append(
                    _paragraph_xml(style_id[PARAGRAPH_STYLE], number, paragraph.text, marks=marks)
                )
    chunks.extend(_notes_xml(notes, style_id))
    chunks.append("</w:body>")
    body = document.element.body
    section_properties = body.sectPr
    for element in parse_xml("".join(chunks)):
        if section_properties is not None:
            section_properties.addprevious(element)
        else:
            body.append(element)
    return _save(document, snapshot.date)


AMENDMENT_COLUMNS = ("No.", "Section", "Amendment", "Justification", "Kind, status", "Proposer")


def _cell_xml(*paragraphs: str) -> str:
    return "<w:tc>" + "".join(f"<w:p>{p}</w:p>" for p in paragraphs) + "</w:tc>"


# Moved text as Word marks a move: double underline where it goes, double strike where it
# leaves, in green (never read as a deletion and an insertion).
_CHANGE_FORMAT = {
    "insert": '<w:u w:val="single"/>',
    "delete": "<w:strike/>",
    "move_from": '<w:dstrike/><w:color w:val="008000"/>',
    "move_to": '<w:color w:val="008000"/><w:u w:val="double"/>',
    "title": "<w:b/>",
}


def _change_xml(entry: AmendmentEntry) -> str:
    """The tracked change as formatting (inserted underlined, deleted struck through): a
    table cell reads the same on paper and in any word processor."""
    runs = []
    for op in entry.change:
        run = _run_xml(op.text)
        if op.op in _CHANGE_FORMAT:
            run = run.replace("<w:r>", f"<w:r><w:rPr>{_CHANGE_FORMAT[op.op]}</w:rPr>", 1)
        runs.append(run)
    return "".join(runs)


def amendments_to_docx(snapshot: AmendmentListSnapshot) -> bytes:
    """A table, one row per amendment; its rows are written as WordprocessingML (python-docx's
    add_row and cell.text do work on every call, which adds up over a long list)."""
    document = Document()
    _styles(document)
    _page_furniture(document, snapshot.report)
    _front(document, snapshot.report, f"Amendments to {snapshot.report.info.title}")
    table = document.add_table(rows=1, cols=len(AMENDMENT_COLUMNS))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, AMENDMENT_COLUMNS, strict=True):
        cell.text = name
    rows = [f"<w:tbl {nsdecls('w')}>"]
    for entry in snapshot.amendments:
        number = str(entry.id)
        if entry.alternative_to is not None:
            number += f" (alternative to {entry.alternative_to})"
        rows.append(
            "<w:tr>"
            + _cell_xml(_run_xml(number))
            + _cell_xml(_run_xml(entry.section_label))
            + _cell_xml(_run_xml(entry.instruction), _change_xml(entry))
            + _cell_xml(_run_xml(entry.rationale))
            + _cell_xml(_run_xml(f"{entry.kind}, {entry.status}"))
            + _cell_xml(_run_xml(entry.proposer))
            + "</w:tr>"
        )
    rows.append("</w:tbl>")
    for row in parse_xml("".join(rows)):
        table._tbl.append(row)
    return _save(document, snapshot.report.date)


# --- import --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedDocument:
    markdown: str
    title: str | None
    symbol: str | None
    disclaimer: str | None


class TooLarge(ValueError):
    """The package unpacks to more than the import takes (a zip bomb, or a huge file)."""


# A 2 MiB upload of text unpacks to a few tens of MiB at most; a package that says it holds
# more is refused before anything is unpacked.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024


def _check_package(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            unpacked = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise ValueError(f"not a Word (DOCX) document: {error}") from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise TooLarge(
            f"the document unpacks to {unpacked} bytes; at most {MAX_UNPACKED_BYTES} are taken"
        )


def docx_to_markdown(data: bytes) -> ImportedDocument:
    """Raises ValueError when `data` is not a Word document (TooLarge when it unpacks to too
    much)."""
    _check_package(data)
    try:
        document = Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises several kinds for a bad package
        raise ValueError(f"not a Word (DOCX) document: {error}") from error
    title = symbol = disclaimer = None
    blocks: list[str] = []
    for paragraph in document.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        text = paragraph.text.strip()
        if not text:
            continue
        if style == "Title" and title is None and not blocks:
            title = text
            continue
        if style == "Subtitle" and symbol is None and not blocks:
            symbol = text
            continue
        if style == DISCLAIMER_STYLE and disclaimer is None and not blocks:
            disclaimer = text
            continue
        if style == CAPTION_STYLE and not blocks:
            continue
        heading = _HEADING_STYLE.match(style or "")
        if heading:
            level = int(heading[1])
            blocks.append("#" * min(level, 6) + " " + " ".join(text.split()))
            continue
        if style == PARAGRAPH_STYLE:
            text = _OUR_NUMBER.sub("", text, count=1)
        blocks.append(text)
    markdown = "\n\n".join(blocks) + "\n" if blocks else ""
    return ImportedDocument(markdown=markdown, title=title, symbol=symbol, disclaimer=disclaimer)
