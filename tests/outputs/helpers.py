"""Reading the outputs back: Akoma Ntoso against the official schema (carried in
tests/data/akn, no network), DOCX with python-docx, PDF text with pypdf."""

from __future__ import annotations

import functools
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pypdf
import xmlschema
from fastapi.testclient import TestClient

from app.text.markdown import join_heading
from app.text.paragraphs import blocks
from tests.factories import Room, ok

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "akn" / "akomantoso30.xsd"
AKN = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"


@functools.cache
def akn_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMA))


def valid_akn(data: bytes) -> ET.Element:
    """Validates against the OASIS schema (raises with the reason) and returns the root."""
    akn_schema().validate(data.decode("utf-8"))
    return ET.fromstring(data)


@dataclass
class Expected:
    """What a report's outline says every format must show."""

    headings: list[tuple[int, str]]  # (Word heading level, "II. Issues")
    paragraphs: list[tuple[int, str]]  # (number, text)
    sections: int


def expected(client: TestClient, room: Room, report: dict[str, Any]) -> Expected:
    headings = []
    paragraphs = []
    for entry in report["outline"]:
        heading = join_heading(entry["label"], entry["heading"])
        if heading:
            headings.append((min(entry["depth"] + 1, 3), heading))
        text = ok(client.get(f"/v1/sections/{entry['id']}", headers=room.chair.headers))["head"][
            "text"
        ]
        number = entry["first_paragraph"]
        for block in blocks(text):
            if block.numbered:
                paragraphs.append((number, block.text))
                number += 1
    assert len(paragraphs) == report["paragraph_total"]
    return Expected(headings=headings, paragraphs=paragraphs, sections=len(report["outline"]))


def export(
    client: TestClient, room: Room, rid: int, format: str, query: str = "", *, headers: Any = None
) -> bytes:
    response = client.get(
        f"/v1/reports/{rid}/export?format={format}{query}",
        headers=room.chair.headers if headers is None else headers,
    )
    assert response.status_code == 200, response.text
    return response.content


_NUMBER = re.compile(r"^(\d+)\.\t")


def docx_outline(data: bytes) -> tuple[list[tuple[int, str]], list[tuple[int | None, str]]]:
    """(headings 1-3 with their levels, report paragraphs with their numbers and texts) of a
    DOCX; a paragraph without a number (deleted, in tracked changes) has None."""
    document = docx.Document(io.BytesIO(data))
    headings = []
    paragraphs = []
    for paragraph in document.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        if style in ("Heading 1", "Heading 2", "Heading 3"):
            headings.append((int(style[-1]), paragraph.text))
        elif style == "Report Paragraph":
            number = _NUMBER.match(paragraph.text)
            if number is None:
                paragraphs.append((None, paragraph.text))
            else:
                paragraphs.append((int(number[1]), paragraph.text[number.end() :]))
    return headings, paragraphs


def pdf_text(data: bytes) -> tuple[int, str]:
    """(pages, all text with whitespace runs as single spaces)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


def words(text: str, count: int = 4) -> str:
    return " ".join(text.split()[:count])
