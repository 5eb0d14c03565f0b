"""`plenary verify-certificate`: a transmitted report's certificate, checked end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

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
    from app.meetings.verify import export_checks, server_checks

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

    with connect(url, token) as client:
        served_checks, served_exports = server_checks(client, certificate, exports)
    for ok, what in served_checks:
        check(ok, what)
    if export_file is not None:
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
