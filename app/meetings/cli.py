"""`plenary verify-certificate`: a transmitted report's certificate, checked end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from app.cli_base import (
    DEFAULT_URL,
    JsonOpt,
    TokenOpt,
    Url,
    cli,
    connect,
    fail,
    print_json,
)

if TYPE_CHECKING:
    pass


@cli.command("verify-certificate")
def verify_certificate(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Certificate JSON")],
    export_file: Annotated[
        Path | None,
        typer.Option(
            "--export",
            help="An export of the report to check (.md, .html, .txt, .xml, .docx or .pdf)",
        ),
    ] = None,
    export_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="The --export file's format when its suffix does not tell it (source: an "
            "imported report's Markdown as it came)",
        ),
    ] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Check an adoption certificate against the server and against an exported copy."""
    import hashlib

    try:
        kept = json.loads(file.read_text(encoding="utf-8"))
        certificate = kept.get("certificate", kept)
        exports = kept.get("exports")
        report_id = int(certificate["report_id"])
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        fail("invalid-file", "Not a certificate", f"{file}: {error!r}", code=2)
    failures: list[str] = []
    checks: list[dict[str, Any]] = []

    def check(ok: bool, what: str) -> None:
        checks.append({"ok": ok, "check": what})
        if not as_json:
            typer.echo(f"{'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            failures.append(what)

    def digest(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    with connect(url, token) as client:
        served = client.certificate(report_id)
        for field in ("report_sha256", "sections", "event_chain", "transmitted_at", "adopted_at"):
            check(served.get(field) == certificate.get(field), f"server certificate: {field}")
        text = client.export(report_id, format="markdown", milestone=certificate["milestone_id"])
        check(digest(text) == certificate["report_sha256"], "server export matches report_sha256")
        milestone = client._get(
            MilestoneReadModel(), f"/v1/milestones/{certificate['milestone_id']}"
        )
        versions = {e.section_id: e.version_number for e in milestone.entries}
        for section in certificate["sections"]:
            version = client.get_version(section["section_id"], versions[section["section_id"]])
            check(
                digest(version.text) == section["sha256"],
                f"section {section['section_id']} ({section['label'] or section['heading']})",
            )
        chain = certificate["event_chain"]
        here = client.recompute_chain(report_id, up_to_seq=chain["seq"])
        check(
            here.ok and here.events == chain["seq"] and here.head_hash == chain["head_hash"],
            "event chain head at transmission (recomputed here)",
        )
        check(client.verify_chain(report_id).ok, "event chain verifies (server)")
        served_exports = client.certificate_exports(report_id)
        check(served_exports is not None, "exports sealed on the record (certificate.sealed)")
        if exports is not None:
            check(exports == served_exports, "sealed exports: the kept file's match the server's")
    if export_file is not None:
        from app.meetings.verify import export_checks

        for ok, what in export_checks(
            export_file, certificate, exports or served_exports, export_format
        ):
            check(ok, what)
    if as_json:
        print_json({"verified": not failures, "report_id": report_id, "checks": checks})
        if failures:
            raise typer.Exit(1)
        return
    if failures:
        typer.echo(f"certificate NOT verified: {len(failures)} check(s) failed", err=True)
        raise typer.Exit(1)
    typer.echo("certificate verified")


def MilestoneReadModel() -> Any:
    from app.reports.schemas import MilestoneRead

    return MilestoneRead
