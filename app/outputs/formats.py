"""Which formats the outputs give, their media types and file names, and the one function
that renders a report snapshot in one of them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from app.outputs import akn, docx, pdf
from app.outputs.snapshot import AmendmentListSnapshot, ReportSnapshot

BinaryFormat = Literal["akn", "docx", "pdf"]
AmendmentListFormat = Literal["akn", "docx"]
BINARY_FORMATS: tuple[BinaryFormat, ...] = ("akn", "docx", "pdf")
DOCX_MEDIA = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA = {
    "akn": "application/akn+xml",
    "docx": DOCX_MEDIA,
    "pdf": "application/pdf",
}
EXTENSIONS = {"akn": "akn.xml", "docx": "docx", "pdf": "pdf"}


def render_report(
    format: BinaryFormat,
    snapshot: ReportSnapshot,
    *,
    line_numbers: bool = False,
    baseline: Mapping[int, str] | None = None,
) -> bytes:
    """`line_numbers`: PDF only; `baseline`: Word only, the texts to show changes against."""
    if format == "akn":
        return akn.report_to_akn(snapshot)
    if format == "docx":
        return docx.report_to_docx(snapshot, baseline=baseline)
    return pdf.report_to_pdf(snapshot, line_numbers=line_numbers)


def render_amendments(format: AmendmentListFormat, snapshot: AmendmentListSnapshot) -> bytes:
    if format == "akn":
        return akn.amendments_to_akn(snapshot)
    return docx.amendments_to_docx(snapshot)


def attachment(name: str, format: str) -> dict[str, str]:
    """A Content-Disposition header so a browser saves the file under a sensible name."""
    return {"Content-Disposition": f'attachment; filename="{name}.{EXTENSIONS[format]}"'}
