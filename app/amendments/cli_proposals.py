"""Proposing amendments from the command line, one at a time or in bulk, and listing them."""

from __future__ import annotations

import json
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
)

if TYPE_CHECKING:
    from app.bulk import Entry
    from app.client import PlenaryClient


def _resolve_change(
    client: PlenaryClient,
    *,
    section: int,
    base: int | None,
    text: str | None,
    patch: str | None,
    replace: str | None,
    with_text: str | None,
    paragraph: int | None,
) -> tuple[int, str | None, str | None]:
    """(base version, text, patch) for an amendment given in any of the supported ways.
    Raises EntryError when a --replace does not identify one place."""
    from app.bulk import apply_replacement

    if replace is None:
        if base is None:
            base = client.get_section(section).head_version
        return base, text, patch
    read = client.get_section(section)
    number = base or read.head_version
    current = client.get_version(section, number).text
    new = apply_replacement(
        current,
        replace,
        with_text or "",
        paragraph=paragraph,
        first_paragraph=read.first_paragraph or 1,
    )
    return number, new, None


@cli.command()
def amend(
    section: Annotated[int, typer.Argument(help="Section id")],
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="File holding the new text")
    ] = None,
    replace: Annotated[str | None, typer.Option(help="Words to replace")] = None,
    with_text: Annotated[str | None, typer.Option("--with", help="Replacement words")] = None,
    paragraph: Annotated[int | None, typer.Option(help="Report-wide paragraph number")] = None,
    base: Annotated[int | None, typer.Option(help="Base version (default: head)")] = None,
    kind: Annotated[str, typer.Option(help="editorial or substantive")] = "substantive",
    rationale: Annotated[str, typer.Option(help="Why")] = "",
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Propose an amendment: from a file with the new text, or --replace OLD --with NEW."""
    if (file is None) == (replace is None):
        fail("cli-usage", "Invalid command line", "give either --file or --replace/--with", code=2)
    text = None if file is None else file.read_text(encoding="utf-8")
    from app.bulk import EntryError

    with connect(url, token) as client:
        try:
            number, new_text, patch = _resolve_change(
                client,
                section=section,
                base=base,
                text=text,
                patch=None,
                replace=replace,
                with_text=with_text,
                paragraph=paragraph,
            )
        except EntryError as error:
            fail("invalid-entry", "The change does not identify one place", str(error), code=2)
        amendment = client.propose(
            section,
            base_version=number,
            kind=kind,
            text=new_text,
            patch=patch,
            rationale=rationale,
        )
    emit(
        amendment,
        as_json,
        lambda: typer.echo(
            f"amendment {amendment.id} [{amendment.status.value}, {amendment.kind.value}; "
            f"suggested {amendment.suggested_kind.value}]: {amendment.instruction}"
        ),
    )


@cli.command("amend-bulk")
def amend_bulk(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="YAML or JSON list")],
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """File many amendments from one file. Each entry has its own idempotency key derived
    from the file, so re-running after a failure files nothing twice."""
    from app.bulk import EntryError, load

    try:
        entries = load(file)
    except (EntryError, ValueError) as error:
        fail("invalid-file", "The amendments file cannot be read", str(error), code=2)
    results: list[dict[str, Any]] = []
    with (
        connect(url, token) as client,
        typer.progressbar(entries, label="filing amendments", file=sys.stderr) as progress,
    ):
        for entry in progress:
            results.append(_file_entry(client, entry))
    failed = sum(1 for row in results if "error" in row)
    if as_json:
        typer.echo(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        for row in results:
            if "error" in row:
                typer.echo(f"entry {row['entry']:>3}: FAILED {row['error'].get('detail', '')}")
            else:
                typer.echo(
                    f"entry {row['entry']:>3}: amendment {row['amendment']} "
                    f"[{row['status']}] {row['instruction']}"
                )
    if failed:
        raise typer.Exit(4)


def _file_entry(client: PlenaryClient, entry: Entry) -> dict[str, Any]:
    """One entry of a bulk file: its amendment, or the problem that refused it (a lost
    connection stops the run: re-running files nothing twice)."""
    from app.bulk import EntryError
    from app.client import ProblemError

    try:
        number, text, patch = _resolve_change(
            client,
            section=entry.section,
            base=entry.base_version,
            text=entry.text,
            patch=entry.patch,
            replace=entry.replace,
            with_text=entry.with_text,
            paragraph=entry.paragraph,
        )
        amendment = client.propose(
            entry.section,
            base_version=number,
            kind=entry.kind,
            text=text,
            patch=patch,
            rationale=entry.rationale,
            idempotency_key=entry.key,
        )
    except ProblemError as problem:
        if problem.status == 0:
            raise
        return {"entry": entry.index, "error": problem.problem}
    except EntryError as error:
        return {"entry": entry.index, "error": {"detail": str(error)}}
    return {
        "entry": entry.index,
        "amendment": amendment.id,
        "status": amendment.status.value,
        "instruction": amendment.instruction,
    }


@cli.command()
def amendments(
    report: Annotated[int, typer.Argument(help="Report id")],
    status: Annotated[str | None, typer.Option(help="Only this status")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """List a report's amendments with their status and tally."""
    with connect(url, token) as client:
        found = client.list_amendments(report, status=status)

    def human() -> None:
        typer.echo(f"{'id':>6}  {'status':<13} {'kind':<12} {'tally':<9} instruction")
        for a in found:
            tally = f"{a.tally.consented}/{a.tally.voters}" if a.tally else "-"
            typer.echo(
                f"{a.id:>6}  {a.status.value:<13} {a.kind.value:<12} {tally:<9} "
                f"{a.instruction[:90]}"
            )

    emit(found, as_json, human)
