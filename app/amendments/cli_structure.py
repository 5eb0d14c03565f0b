"""Proposing a structural amendment from the command line (`plenary restructure`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from app.cli_base import DEFAULT_URL, JsonOpt, TokenOpt, Url, cli, connect, emit, fail

OPERATIONS = ("insert", "delete", "move", "split", "merge", "rename", "span", "move_paragraphs")
Section = Annotated[int | None, typer.Option("--section", help="The section it acts on")]


def _span_texts(client: Any, spans: list[str]) -> list[dict[str, Any]]:
    """`SECTION[@BASE]=FILE` for each section of a change across sections."""
    texts = []
    for spec in spans:
        target, sep, path = spec.partition("=")
        if not sep:
            fail("cli-usage", "Invalid command line", f"--span {spec}: SECTION[@BASE]=FILE", code=2)
        section, _, base = target.partition("@")
        number = int(base) if base else client.get_section(int(section)).head_version
        text = Path(path).read_text(encoding="utf-8")
        texts.append({"section_id": int(section), "base_version": number, "text": text})
    return texts


@cli.command()
def restructure(  # long: one option per operand of the eight operations
    report: Annotated[int, typer.Argument(help="Report id")],
    operation: Annotated[str, typer.Argument(help=" | ".join(OPERATIONS))],
    section: Section = None,
    parent: Annotated[int | None, typer.Option(help="insert/move: the parent")] = None,
    after: Annotated[int | None, typer.Option(help="insert/move: the sibling it follows")] = None,
    at_end: Annotated[bool, typer.Option("--at-end", help="insert/move: last child")] = False,
    first: Annotated[int | None, typer.Option(help="merge: the first section")] = None,
    second: Annotated[int | None, typer.Option(help="merge: its next sibling")] = None,
    paragraph: Annotated[int | None, typer.Option(help="split: first paragraph moved")] = None,
    last: Annotated[
        int | None, typer.Option(help="move_paragraphs: the last moved (--paragraph the first)")
    ] = None,
    to: Annotated[int | None, typer.Option(help="move_paragraphs: the section they go to")] = None,
    after_paragraph: Annotated[
        int | None, typer.Option(help="move_paragraphs: the paragraph they follow")
    ] = None,
    label: Annotated[str | None, typer.Option(help="The (new) label")] = None,
    heading: Annotated[str | None, typer.Option(help="The (new) heading")] = None,
    section_kind: Annotated[str | None, typer.Option(help="chapter, section, box ...")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="insert: its text")] = None,
    span: Annotated[
        list[str] | None, typer.Option(help="span: SECTION[@BASE]=FILE, in outline order")
    ] = None,
    kind: Annotated[str, typer.Option(help="editorial or substantive")] = "substantive",
    rationale: Annotated[str, typer.Option(help="Why")] = "",
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Propose a structural amendment: insert, delete, move, split, merge or rename
    sections, one text change across neighbouring sections (span), or move a run of
    paragraphs (move_paragraphs --section S --paragraph 12 --last 14 --to T --at-end)."""
    if operation not in OPERATIONS:
        fail("cli-usage", "Invalid command line", f"operation: one of {OPERATIONS}", code=2)
    runs = operation == "move_paragraphs"
    operands: dict[str, Any] = {
        "section_id": section,
        "parent_id": parent,
        "after_id": after,
        "at_end": at_end or None,
        "first_id": first,
        "second_id": second,
        "paragraph": None if runs else paragraph,
        "first": paragraph if runs else None,
        "last": last,
        "to_section_id": to,
        "after_paragraph": after_paragraph,
        "label": label,
        "heading": heading,
        "section_kind": section_kind,
        "text": None if file is None else file.read_text(encoding="utf-8"),
    }
    with connect(url, token) as client:
        if operation == "span":
            operands["texts"] = _span_texts(client, span or [])
        amendment = client.propose_structure(
            report, operation, kind=kind, rationale=rationale, **operands
        )
    emit(
        amendment,
        as_json,
        lambda: typer.echo(
            f"amendment {amendment.id} [{amendment.status.value}, {amendment.kind.value}; "
            f"suggested {amendment.suggested_kind.value}]: {amendment.instruction}"
        ),
    )
