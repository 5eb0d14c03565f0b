"""Checking a kept export file against a certificate and its seal (`plenary verify-certificate`)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

FORMAT_BY_SUFFIX = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
    ".xml": "akn",
    ".akn": "akn",
    ".docx": "docx",
    ".pdf": "pdf",
}


def export_checks(
    path: Path,
    certificate: dict[str, Any],
    exports: dict[str, Any] | None,
    format: str | None = None,
) -> list[tuple[bool, str]]:
    """(ok, what) for each check the file's bytes can pass: the canonical Markdown hash of
    the certificate, and the sealed hash of the file's format (`format`, else told by its
    suffix: an imported report's `source` export is a `.md` file too, so say `source`)."""
    format = format or FORMAT_BY_SUFFIX.get(path.suffix.lower())
    if format is None:
        known = ", ".join(sorted(FORMAT_BY_SUFFIX))
        return [(False, f"{path}: cannot tell its format from the suffix (one of {known})")]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    checks = []
    if format == "markdown":
        checks.append((digest == certificate["report_sha256"], f"{path} matches report_sha256"))
    sealed = (exports or {}).get(format)
    if sealed is not None:
        checks.append((digest == sealed["sha256"], f"{path} matches the sealed {format} export"))
    elif format != "markdown":
        checks.append((False, f"{path}: no sealed hash for the {format} export"))
    return checks
