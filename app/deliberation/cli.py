"""`plenary deliberate ...`: threads, reservations and open points (brackets)."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli_base import DEFAULT_URL, JsonOpt, TokenOpt, Url, connect, emit

deliberate_cli = typer.Typer(
    no_args_is_help=True, help="Threads, reservations and bracketed open points."
)


@deliberate_cli.command("thread")
def open_thread(
    report: Annotated[int, typer.Argument(help="Report id")],
    body: Annotated[str, typer.Argument(help="The first message")],
    amendment: Annotated[int | None, typer.Option(help="On this amendment")] = None,
    objection: Annotated[int | None, typer.Option(help="On this objection (answer id)")] = None,
    section: Annotated[int | None, typer.Option(help="On this section")] = None,
    paragraph: Annotated[int | None, typer.Option(help="On this paragraph of --section")] = None,
    title: Annotated[str, typer.Option(help="A title")] = "",
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Open a thread on an amendment, an objection, a section or a paragraph."""
    with connect(url, token) as client:
        thread = client.open_thread(
            report,
            body,
            amendment_id=amendment,
            objection_id=objection,
            section_id=section,
            paragraph=paragraph,
            title=title,
        )
    emit(thread, as_json, lambda: typer.echo(f"thread {thread.id} opened ({thread.subject})"))


@deliberate_cli.command("reply")
def reply(
    thread: Annotated[int, typer.Argument(help="Thread id")],
    body: Annotated[str, typer.Argument(help="The message")],
    to: Annotated[int | None, typer.Option(help="Answer this message")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Write in a thread, or reply to one of its messages."""
    with connect(url, token) as client:
        message = client.post_message(thread, body, reply_to=to)
    links = ", ".join(f"¶{m.paragraph} -> {m.url}" for m in message.mentions)
    emit(
        message,
        as_json,
        lambda: typer.echo(f"message {message.id}" + (f" (mentions {links})" if links else "")),
    )


@deliberate_cli.command("set")
def set_thread(
    thread: Annotated[int, typer.Argument(help="Thread id")],
    action: Annotated[str, typer.Argument(help="resolve, reopen, publish or unpublish")],
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Resolve or reopen a thread; the chair publishes or unpublishes it."""
    if action not in ("resolve", "reopen", "publish", "unpublish"):
        raise typer.BadParameter("resolve, reopen, publish or unpublish")
    with connect(url, token) as client:
        found = client.thread_action(thread, action)
    state = "resolved" if found.resolved else "open"
    shown = "published" if found.published else "not published"
    emit(found, as_json, lambda: typer.echo(f"thread {found.id}: {state}, {shown}"))


@deliberate_cli.command("threads")
def list_threads(
    report: Annotated[int, typer.Argument(help="Report id")],
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """The report's threads, with who wrote (members) or without (everyone else)."""
    with connect(url, token) as client:
        page = client.threads(report)

    def show() -> None:
        for thread in page.items:
            state = "resolved" if thread.resolved else "open"
            typer.echo(f"{thread.id}\t{thread.subject}\t{state}\t{thread.title}")
            for message in thread.messages:
                who = message.author_name or "a participant"
                indent = "    " if message.parent_id else "  "
                typer.echo(f"{indent}{who}: {message.body}")

    emit(page, as_json, show)


@deliberate_cli.command("reserve")
def reserve(
    section: Annotated[int, typer.Argument(help="Section id")],
    paragraph: Annotated[int, typer.Argument(help="Paragraph number")],
    text: Annotated[str, typer.Argument(help="The reservation")],
    attributed: Annotated[bool, typer.Option(help="Print my name with it")] = False,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Record a reservation on a paragraph (a footnote in the exports)."""
    with connect(url, token) as client:
        found = client.record_reservation(
            section, paragraph=paragraph, text=text, attributed=attributed
        )
    emit(found, as_json, lambda: typer.echo(f"reservation {found.id} on ¶{found.paragraph}"))


@deliberate_cli.command("bracket")
def bracket(
    section: Annotated[int, typer.Argument(help="Section id")],
    amendment: Annotated[list[int], typer.Argument(help="Two or more alternatives")],
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """(Chair) adopt alternatives side by side as a bracket in the text."""
    with connect(url, token) as client:
        point = client.adopt_as_brackets(section, amendment)
    emit(point, as_json, lambda: typer.echo(f"open point {point.id}: {point.text}"))


@deliberate_cli.command("open-points")
def open_points(
    report: Annotated[int, typer.Argument(help="Report id")],
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """The report's brackets: open ones block transmission."""
    with connect(url, token) as client:
        found = client.open_points(report)

    def show() -> None:
        for point in found.items:
            typer.echo(f"{point.id}\t{point.status}\tsection {point.section_id}\t{point.text}")

    emit(found, as_json, show)


@deliberate_cli.command("keep")
def keep(
    open_point: Annotated[int, typer.Argument(help="Open point id")],
    note: Annotated[str, typer.Option(help="Why the options are kept")] = "",
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """(Chair) record a bracket as options kept on purpose: it no longer blocks."""
    with connect(url, token) as client:
        point = client.keep_open_point(open_point, note=note)
    emit(point, as_json, lambda: typer.echo(f"open point {point.id} kept as options"))
