"""Checking a kept export file against a certificate and its seal (`plenary verify-certificate`)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.client import PlenaryClient

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


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def server_checks(
    client: PlenaryClient, certificate: dict[str, Any], exports: dict[str, Any] | None
) -> tuple[list[tuple[bool, str]], dict[str, Any] | None]:
    """(ok, what) for each check the server can answer, and the exports' seal it serves: the
    certificate as served, the canonical export's hash, each section's version, the event
    chain recomputed here and by the server, the sealed exports."""
    from app.reports.schemas import MilestoneRead

    checks: list[tuple[bool, str]] = []
    report_id = int(certificate["report_id"])
    served = client.certificate(report_id)
    for field in ("report_sha256", "sections", "event_chain", "transmitted_at", "adopted_at"):
        checks.append((served.get(field) == certificate.get(field), f"server certificate: {field}"))
    text = client.export(report_id, format="markdown", milestone=certificate["milestone_id"])
    checks.append(
        (_digest(text) == certificate["report_sha256"], "server export matches report_sha256")
    )
    milestone = client._get(MilestoneRead, f"/v1/milestones/{certificate['milestone_id']}")
    versions = {e.section_id: e.version_number for e in milestone.entries}
    for section in certificate["sections"]:
        version = client.get_version(section["section_id"], versions[section["section_id"]])
        checks.append(
            (
                _digest(version.text) == section["sha256"],
                f"section {section['section_id']} ({section['label'] or section['heading']})",
            )
        )
    chain = certificate["event_chain"]
    here = client.recompute_chain(report_id, up_to_seq=chain["seq"])
    checks.append(
        (
            here.ok and here.events == chain["seq"] and here.head_hash == chain["head_hash"],
            "event chain head at transmission (recomputed here)",
        )
    )
    checks.append((client.verify_chain(report_id).ok, "event chain verifies (server)"))
    served_exports = client.certificate_exports(report_id)
    checks.append((served_exports is not None, "exports sealed on the record (certificate.sealed)"))
    if exports is not None:
        checks.append(
            (exports == served_exports, "sealed exports: the kept file's match the server's")
        )
    return checks, served_exports
