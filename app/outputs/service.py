"""Outputs' public surface: reading.py (a report snapshot and the amendment list as the
caller may see them), snapshot.py (the plain data the formats render), docx.py and pdf.py
(Word and PDF)."""

from __future__ import annotations

from app.outputs.docx import (
    report_to_docx,
)
from app.outputs.pdf import (
    report_to_pdf,
)
from app.outputs.reading import (
    CONTEXT_CHARS,
    PUBLIC_NAME,
    amendment_list,
    baseline,
    report_snapshot,
    structure_changes,
    tracked_change,
)
from app.outputs.snapshot import (
    ReportSnapshot,
)

__all__ = [
    "CONTEXT_CHARS",
    "PUBLIC_NAME",
    "ReportSnapshot",
    "amendment_list",
    "baseline",
    "report_snapshot",
    "report_to_docx",
    "report_to_pdf",
    "structure_changes",
    "tracked_change",
]
