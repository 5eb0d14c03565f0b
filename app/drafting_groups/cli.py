"""`plenary progress REPORT`: per chapter, its drafting group, co-leads, stage, last change
and open amendments (issue 20)."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli_base import DEFAULT_URL, JsonOpt, TokenOpt, Url, cli, connect, emit
from app.drafting_groups.schemas import ProgressRead


def progress_lines(read: ProgressRead) -> list[str]:
    """One line per chapter; names only where the caller's view has them."""
    lines = []
    for chapter in read.chapters:
        title = f"{chapter.label} {chapter.heading}".strip()
        stage = chapter.stage.value if chapter.stage else "-"
        who = ""
        if chapter.drafting_group:
            leads = ", ".join(lead.name for lead in chapter.co_leads or [])
            who = f"  [{chapter.drafting_group}" + (f": {leads}]" if leads else "]")
        lines.append(
            f"{title:<40} {stage:<26} {chapter.open_amendments:>3} open  "
            f"{chapter.last_change:%Y-%m-%d %H:%M}{who}"
        )
    return lines


@cli.command("progress")
def progress(
    report: Annotated[int, typer.Argument(help="Report id")],
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Where each chapter stands on its way to the plenary."""
    with connect(url, token) as client:
        read = client.progress(report)
    emit(read, as_json, lambda: typer.echo("\n".join(progress_lines(read))))
