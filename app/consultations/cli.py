"""`plenary consult ...`: open a round, read its comments, dispose of them, compile them."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal, cast

import typer

from app.cli_base import DEFAULT_URL, JsonOpt, TokenOpt, Url, connect, emit

consult_cli = typer.Typer(no_args_is_help=True, help="Consultation rounds on a posted draft.")


@consult_cli.command("open")
def open_round(
    report: Annotated[int, typer.Argument(help="Report id")],
    title: Annotated[str, typer.Option(help="What the round is called")],
    days: Annotated[float, typer.Option(help="Open for this many days from now")] = 14.0,
    audience: Annotated[
        list[str] | None,
        typer.Option(help="members, observers, invited, public (repeat; default: all but invited)"),
    ] = None,
    section: Annotated[list[int] | None, typer.Option(help="Only these sections (repeat)")] = None,
    milestone: Annotated[
        int | None, typer.Option(help="Post this milestone (default: new)")
    ] = None,
    moderated: Annotated[bool, typer.Option(help="Hold public comments for moderation")] = False,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Post the report (or chosen sections) for comment until a deadline."""
    from app.clock import utcnow

    with connect(url, token) as client:
        opened = client.open_consultation(
            report,
            title=title,
            closes_at=utcnow() + timedelta(days=days),
            audiences=audience or ["members", "observers", "public"],
            section_ids=section,
            milestone_id=milestone,
            moderated=moderated,
        )
    emit(
        opened,
        as_json,
        lambda: typer.echo(f"consultation {opened.id} open until {opened.closes_at.isoformat()}"),
    )


@consult_cli.command("comment")
def add_comment(
    consultation: Annotated[int, typer.Argument(help="Consultation id")],
    body: Annotated[str, typer.Argument(help="The comment")],
    section: Annotated[int | None, typer.Option(help="Section id")] = None,
    paragraph: Annotated[int | None, typer.Option(help="Paragraph number as posted")] = None,
    quote: Annotated[str | None, typer.Option(help="The words commented on")] = None,
    suggestion: Annotated[str | None, typer.Option(help="Replacement wording")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Comment with your token (members and observers)."""
    with connect(url, token) as client:
        made = client.comment(
            consultation,
            body,
            section_id=section,
            paragraph=paragraph,
            quote=quote,
            suggestion=suggestion,
        )
    emit(made, as_json, lambda: typer.echo(f"comment {made.id}"))


@consult_cli.command("comments")
def list_comments(
    consultation: Annotated[int, typer.Argument(help="Consultation id")],
    section: Annotated[int | None, typer.Option(help="Only this section")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Every comment you may see, with where it points today and its disposition."""
    with connect(url, token) as client:
        found = list(client.all_comments(consultation, section_id=section))

    def human() -> None:
        for c in found:
            where = "general" if c.anchor.section_id is None else f"§{c.anchor.section_id}"
            if c.anchor.paragraph is not None:
                where += f" ¶{c.anchor.paragraph}"
            if c.current is not None and c.current.outdated:
                where += " (outdated)"
            disposition = c.disposition.value if c.disposition else "-"
            typer.echo(f"{c.id:>6}  {where:<18} {disposition:<16} {c.commenter}: {c.body}")

    emit(found, as_json, human)


@consult_cli.command("dispose")
def dispose(
    comment: Annotated[int, typer.Argument(help="Comment id")],
    disposition: Annotated[
        str,
        typer.Argument(help="accepted, partly_accepted, not_accepted, noted or out_of_scope"),
    ],
    response: Annotated[str, typer.Option(help="A short response")] = "",
    amend: Annotated[
        bool, typer.Option(help="Also propose an amendment from the comment's suggestion")
    ] = False,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Record what became of a comment (the secretariat or the chair)."""
    with connect(url, token) as client:
        disposed = client.dispose(comment, disposition, response)
        amendment = client.comment_to_amendment(comment) if amend else None

    def human() -> None:
        typer.echo(f"comment {disposed.id}: {disposition}")
        if amendment is not None:
            typer.echo(f"amendment {amendment.id}: {amendment.instruction}")

    emit(disposed, as_json, human)


@consult_cli.command("compile")
def compile_round(
    consultation: Annotated[int, typer.Argument(help="Consultation id")],
    format: Annotated[
        str, typer.Option(help="summary, markdown, html or csv (the full list)")
    ] = "summary",
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """The counts and the sentence, or the full list with dispositions."""
    if format not in ("summary", "markdown", "html", "csv"):
        raise typer.BadParameter("format: summary, markdown, html or csv")
    with connect(url, token) as client:
        if format in ("markdown", "html", "csv"):
            listed = cast(Literal["markdown", "html", "csv"], format)
            typer.echo(client.export_comments(consultation, listed), nl=False)
            return
        summary = client.compilation(consultation)

    def human() -> None:
        typer.echo(summary.sentence)
        for row in summary.by_category:
            typer.echo(
                f"  {row.category:<20} {row.commenters:>4} commenters {row.comments:>5} comments"
            )

    emit(summary, as_json, human)
