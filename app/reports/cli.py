"""Reports from the command line: import, outline, show, diff and export."""

from __future__ import annotations

import sys
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
    emit,
    fail,
    print_json,
)

if TYPE_CHECKING:
    from app.reports.schemas import ReportRead


@cli.command("import")
def import_report(
    files: Annotated[
        list[Path],
        typer.Argument(exists=True, dir_okay=False, help="Markdown or Word (.docx) file(s)"),
    ],
    group: Annotated[int, typer.Option("--group", "-g", help="Group id")],
    title: Annotated[str | None, typer.Option(help="Title (default: from the file)")] = None,
    symbol: Annotated[str | None, typer.Option(help="Document symbol")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Import Markdown or Word documents as reports: headings become the outline. Safe to re-run:
    each file's content names its idempotency key."""
    import hashlib

    imported: list[ReportRead] = []
    with (
        connect(url, token) as client,
        typer.progressbar(files, label="importing", file=sys.stderr) as progress,
    ):
        for file in progress:
            if file.suffix.lower() == ".docx":
                data = file.read_bytes()
                digest = hashlib.sha256(f"{group}:{title}:{symbol}:".encode() + data)
                key = "import-docx-" + digest.hexdigest()[:32]
                imported.append(
                    client.import_docx(group, data, title=title, symbol=symbol, idempotency_key=key)
                )
                continue
            # As bytes: reading in text mode would turn CRLF into LF, and the source
            # export gives back the file as it came.
            text = file.read_bytes().decode("utf-8")
            key = (
                "import-"
                + hashlib.sha256(f"{group}:{title}:{symbol}:{text}".encode()).hexdigest()[:32]
            )
            imported.append(
                client.import_report(group, text, title=title, symbol=symbol, idempotency_key=key)
            )
    if as_json:
        emit(imported[0] if len(imported) == 1 else imported, True, lambda: None)
    else:
        for report in imported:
            _print_outline(report)


def _print_outline(report: ReportRead) -> None:
    typer.echo(f"Report {report.id}: {report.title} [{report.status.value}] {report.symbol}")
    typer.echo(f"{'section':>8}  {'ver':>4}  {'paras':>9}  heading")
    for entry in report.outline:
        paragraphs = (
            f"{entry.first_paragraph}-{entry.first_paragraph + entry.paragraph_count - 1}"
            if entry.paragraph_count
            else "-"
        )
        heading = " ".join(p for p in (entry.label, entry.heading) if p) or "(untitled)"
        indent = "  " * entry.depth
        typer.echo(f"{entry.id:>8}  {entry.head_version:>4}  {paragraphs:>9}  {indent}{heading}")


@cli.command()
def outline(
    report: Annotated[int, typer.Argument(help="Report id")],
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Show a report's outline with versions and paragraph numbers."""
    with connect(url, token) as client:
        read = client.get_report(report)
    emit(read, as_json, lambda: _print_outline(read))


@cli.command()
def show(
    section: Annotated[int, typer.Argument(help="Section id")],
    version: Annotated[int | None, typer.Option(help="Version (default: head)")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Print a section's text (head or a given version)."""
    with connect(url, token) as client:
        number = version or client.get_section(section).head_version
        read = client.get_version(section, number)
    emit(read, as_json, lambda: typer.echo(read.text))


@cli.command()
def diff(
    section: Annotated[int, typer.Argument(help="Section id")],
    from_version: Annotated[int, typer.Option("--from", help="Older version")],
    to_version: Annotated[int | None, typer.Option("--to", help="Newer version (head)")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Show what changed between two versions ([-deleted-] {+inserted+})."""
    with connect(url, token) as client:
        read = client.diff(section, from_version=from_version, to_version=to_version)

    def human() -> None:
        marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
        typer.echo("".join(marks[op.op].format(op.text) for op in read.ops))

    emit(read, as_json, human)


@cli.command()
def export(
    report: Annotated[int, typer.Argument(help="Report id")],
    format: Annotated[
        str,
        typer.Option(help="markdown, source, html or text; akn (Akoma Ntoso), docx or pdf (files)"),
    ] = "markdown",
    milestone: Annotated[int | None, typer.Option(help="As at this milestone")] = None,
    line_numbers: Annotated[
        bool, typer.Option("--line-numbers", help="pdf: number the lines of each page")
    ] = False,
    amendments: Annotated[
        bool, typer.Option("--amendments", help="The amendment list (akn or docx) instead")
    ] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Export a report with numbered paragraphs (or, with --amendments, its amendment list).
    With --json: the text inside a JSON object; a file format needs --output and is named."""
    if as_json and output is None and (amendments or format in FILE_FORMATS):
        fail(
            "cli-usage", "Invalid command line", "--json with a file format needs --output", code=2
        )
    with connect(url, token) as client:
        if amendments or format in FILE_FORMATS:
            data = (
                client.export_amendments(report, format=format)
                if amendments
                else client.export_file(
                    report, format=format, milestone=milestone, line_numbers=line_numbers
                )
            )
            # Files are written as the bytes served, never re-encoded.
            if output is None:
                sys.stdout.buffer.write(data)
                sys.stdout.flush()
            else:
                output.write_bytes(data)
            if as_json:
                print_json({"report_id": report, "format": format, "output": str(output)})
            return
        text = client.export(report, format=format, milestone=milestone)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    if as_json:
        answer: dict[str, Any] = {"report_id": report, "format": format, "milestone": milestone}
        print_json(answer | ({"output": str(output)} if output else {"text": text}))
    elif output is None:
        sys.stdout.write(text)


FILE_FORMATS = frozenset({"akn", "docx", "pdf"})
